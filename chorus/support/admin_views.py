"""The triage desk inside the Wagtail admin: queue, one request, bulk actions, aggregate report.

Each view is behind the staff guard (chorus.core.staff): anonymous visitors go to the
sign-in page, and staff without the triage permission get a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import User
from chorus.core.confirmation import Confirmation, Details, confirmation_key, confirmation_page, confirmed
from chorus.core.idempotency import KEY_FIELD, SubmissionKeyForm, submission_once
from chorus.core.ids import parse_id, posted_ids
from chorus.core.staff import staff_required
from chorus.core.workflow import available_transitions
from chorus.support import selectors, workflow
from chorus.support.forms import (
    AssignForm,
    CategoriseForm,
    CorrectForm,
    LinkForm,
    QueueFilterForm,
    StaffMessageForm,
    TransitionForm,
    staff_users,
)
from chorus.support.models import HelpType, SupportRequest
from chorus.support.permissions import TRIAGE_PERMISSION
from chorus.support.services.access import SupportError
from chorus.support.services.conversation import support_message_send
from chorus.support.services.transitions import support_request_transition
from chorus.support.services.triage import (
    support_queue_record_view,
    support_request_assign,
    support_request_categorise,
    support_request_correct,
    support_request_link,
    support_request_record_view,
)


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_required(TRIAGE_PERMISSION)
def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if request.method == "POST":
        return _bulk(request, user)
    filters = QueueFilterForm(request.GET or None)
    cleaned: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    area = cleaned.get("priority_area")
    queryset = selectors.support_queue(
        user_id=user.pk,
        kind=cleaned.get("kind", ""),
        status=cleaned.get("status", ""),
        priority_area_id=area.pk if area else None,
        assignee=cleaned.get("assignee", ""),
        overdue=bool(cleaned.get("overdue")),
        waiting=bool(cleaned.get("waiting")),
        sort=cleaned.get("sort") or "oldest",
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("p"))
    today = timezone.localdate()
    rows = [
        (r, selectors.support_request_is_overdue(support_request=r, today=today), selectors.support_request_summary(r))
        for r in page.object_list
    ]
    # The summaries are what members wrote: showing them is a view of personal data.
    support_queue_record_view(support_requests=[r for r, _, _ in rows], actor=user, request=request)
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "support/admin/queue.html",
        {
            "filters": filters,
            "rows": rows,
            "page_obj": page,
            "query_string": query.urlencode(),
            "staff": staff_users(),
            "transitions": workflow.staff_transitions(),
            "key_form": SubmissionKeyForm(),
        },
    )


def _bulk(request: HttpRequest, user: User) -> HttpResponse:
    ids = posted_ids(request, "ids")
    action = request.POST.get("bulk_action", "")
    chosen = list(SupportRequest.objects.filter(pk__in=ids))
    if not chosen or ":" not in action:
        messages.error(request, "Choose at least one request and an action.")
        return redirect("support_admin:queue")
    verb, _, value = action.partition(":")
    assignee: User | None = None
    if verb == "assign" and value:
        # The options name staff by id ("assign:" is nobody); anything else was not offered.
        assignee_id = parse_id(value)
        if assignee_id is None:
            raise BadRequest("The assignee is not an id.")
        assignee = staff_users().filter(pk=assignee_id).first()
        if assignee is None:
            messages.error(request, "That person cannot be assigned requests. Choose someone from the list.")
            return redirect("support_admin:queue")
    what = selectors.bulk_action_description(verb=verb, value=value, assignee=assignee)
    if what is None:
        messages.error(request, "Choose at least one request and an action.")
        return redirect("support_admin:queue")
    if not confirmed(request):
        # The GOV.UK "are you sure" step: nothing changes until the second, confirmed post.
        return confirmation_page(request, _bulk_confirmation(request, chosen, what, action))
    outcome: list[str] = []

    def apply() -> str:
        done, refused = 0, 0
        for support_request in chosen:
            # Each service is atomic (a savepoint here): one refused leaves the others done.
            try:
                if verb == "assign":
                    support_request_assign(
                        support_request=support_request, assignee=assignee, actor=user, request=request
                    )
                elif verb == "transition":
                    support_request_transition(
                        support_request=support_request, transition=value, actor=user, request=request
                    )
                else:
                    raise SupportError("Unknown action.")
                done += 1
            except SupportError:
                refused += 1
        outcome.append(f"Updated {done} request(s)." + (f" {refused} could not be changed." if refused else ""))
        return reverse("support_admin:queue")

    # Assigning and closing email people: a double click applies the action once.
    sent = submission_once(
        key=confirmation_key(request),
        scope=f"support.bulk:{user.pk}",
        answers=request.POST,
        action=apply,
    )
    messages.success(request, outcome[0] if outcome else "Those changes were already made. Nothing was done twice.")
    return redirect(sent.result)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _bulk_confirmation(
    request: HttpRequest, chosen: list[SupportRequest], what: selectors.BulkAction, bulk_action: str
) -> Confirmation:
    """What a bulk action will do to the chosen requests, and to whom it is said."""
    requests = _plural(len(chosen), "request", "requests")
    changing = [support_request for support_request in chosen if what.moves(support_request)]
    staying = len(chosen) - len(changing)
    if not staying:
        consequences = [f"{requests} {what.outcome}."]
    else:
        # Say exactly which requests a workflow move leaves alone, rather than "where allowed".
        they = "it stays" if staying == 1 else "they stay"
        consequences = [
            f"{len(changing)} of the {requests} {what.outcome}. The other {staying} cannot move there from "
            f"{'its' if staying == 1 else 'their'} status, so {they} as {'it is' if staying == 1 else 'they are'}."
        ]
    if what.tells_members and changing:
        emailed = selectors.bulk_members_emailed(support_requests=changing)
        told = "Members are told. Each member gets our standard outcome message on their private page"
        if emailed:
            who = "person is" if emailed == 1 else "people are"
            told += f", and {emailed} {who} emailed to say there is a new message"
        consequences.append(told + ".")
    headers = ["Request", "Status now"]
    rows = [[r.reference, r.get_status_display()] for r in chosen]
    if what.moves_from is not None:
        headers.append("After")
        for row, support_request in zip(rows, chosen, strict=True):
            stays = f"Stays {support_request.get_status_display()}"
            row.append(what.moves_to if what.moves(support_request) else stays)
    return Confirmation(
        question="Are you sure?",
        subtitle=f"{what.title}: {requests}",
        consequences=consequences,
        details=Details(caption="The chosen requests", headers=headers, rows=rows),
        undo="This cannot be taken back." if what.tells_members else "",
        button=f"Yes, apply to {requests}",
        cancel_url=reverse("support_admin:queue"),
        carried={"bulk_action": bulk_action, "ids": [str(r.pk) for r in chosen]},
        # The key the queue's form was posted with acts, so a double click there and here acts once.
        key=confirmation_key(request),
    )


def _once(
    request: HttpRequest, form: forms.Form, name: str, support_request: SupportRequest, act: Callable[[], Any]
) -> Any:
    """Do what the desk form asks, once for the form's key (see chorus.core.idempotency).

    Returns what ``act`` returned, or None when the form was already acted on (a double click).
    A form without a key simply acts.
    """
    results: list[Any] = []

    def action() -> str:
        results.append(act())
        return reverse("support_admin:detail", kwargs={"pk": support_request.pk})

    submission_once(
        key=form.cleaned_data.get(KEY_FIELD, ""),
        scope=f"support.{name}:{support_request.pk}:{request.user.pk}",
        answers=request.POST,
        action=action,
    )
    return results[0] if results else None


@dataclass(frozen=True)
class _Acting:
    """Who acts on which request, with the valid form they sent."""

    support_request: SupportRequest
    actor: User
    form: forms.Form
    request: HttpRequest

    @property
    def data(self) -> dict[str, Any]:
        return self.form.cleaned_data


@dataclass(frozen=True)
class _DeskAction:
    """One form on a request's page: its form, its name in the page's context, the service it
    calls (each records its own history and audit), and what the caseworker is told after.
    ``said`` gets the form's data and what the service returned (None for a double click)."""

    form: type[forms.Form]
    context_name: str
    call: Callable[[_Acting], Any]
    said: Callable[[dict[str, Any], Any], str]


def _is_note(data: dict[str, Any]) -> bool:
    return bool(data["internal"] == "note")


def _categorise(acting: _Acting) -> None:
    assert isinstance(acting.form, CategoriseForm)
    support_request_categorise(
        support_request=acting.support_request,
        actor=acting.actor,
        tags=acting.form.tag_names(),
        pages=list(acting.data["pages"]),
        tracked_items=list(acting.data["tracked_items"]),
        request=acting.request,
    )


DESK_ACTIONS: dict[str, _DeskAction] = {
    "message": _DeskAction(
        StaffMessageForm,
        "message_form",
        lambda acting: support_message_send(
            support_request=acting.support_request,
            actor=acting.actor,
            body=acting.data["body"],
            internal=_is_note(acting.data),
            request=acting.request,
        ),
        lambda data, _: "Internal note added." if _is_note(data) else "Message sent to the member.",
    ),
    "transition": _DeskAction(
        TransitionForm,
        "transition_form",
        lambda acting: support_request_transition(
            support_request=acting.support_request,
            transition=acting.data["transition"],
            actor=acting.actor,
            outcome_message=acting.data["outcome_message"],
            request=acting.request,
        ),
        lambda data, _: "Status changed.",
    ),
    "assign": _DeskAction(
        AssignForm,
        "assign_form",
        lambda acting: support_request_assign(
            support_request=acting.support_request,
            assignee=acting.data["assignee"],
            actor=acting.actor,
            request=acting.request,
        ),
        lambda data, _: "Assignment saved.",
    ),
    "correct": _DeskAction(
        CorrectForm,
        "correct_form",
        lambda acting: support_request_correct(
            support_request=acting.support_request,
            actor=acting.actor,
            kind=acting.data["kind"],
            priority_area=acting.data["priority_area"],
            request=acting.request,
        ),
        # The service says what changed; a double click changed nothing more.
        lambda data, changed: "Corrected: " + "; ".join(changed) if changed else "Nothing changed.",
    ),
    "link": _DeskAction(
        LinkForm,
        "link_form",
        lambda acting: support_request_link(
            support_request=acting.support_request,
            actor=acting.actor,
            page=acting.data["page"],
            tracked_item=acting.data["tracked_item"],
            request=acting.request,
        ),
        lambda data, _: "Link added.",
    ),
    # Tags and links are set, not added: this form carries no one-time key, and saving it twice is harmless.
    "categorise": _DeskAction(CategoriseForm, "categorise_form", _categorise, lambda data, _: "Tags and links saved."),
}


@staff_required(TRIAGE_PERMISSION)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    support_request = get_object_or_404(
        SupportRequest.objects.select_related("assignee", "priority_area", "sender"), pk=pk
    )
    # "Insert" on a canned reply comes back here with ?reply=<id>: the message box starts
    # with its text, for the caseworker to edit before sending (no JavaScript needed).
    canned_reply = selectors.canned_reply_chosen(request.GET.get("reply"))
    desk_forms: dict[str, forms.Form] = {
        "message_form": StaffMessageForm(initial={"body": canned_reply.text} if canned_reply else None),
        "transition_form": TransitionForm(),
        "link_form": LinkForm(),
        "correct_form": CorrectForm(
            initial={"kind": support_request.kind, "priority_area": support_request.priority_area}
        ),
        "assign_form": AssignForm(initial={"assignee": support_request.assignee}),
        "categorise_form": CategoriseForm(
            initial={
                "tags": ", ".join(tag.name for tag in support_request.tags.all()),
                "pages": list(support_request.linked_pages.all()),
                "tracked_items": list(support_request.linked_tracker_items.all()),
            }
        ),
    }
    action = request.POST.get("action", "") if request.method == "POST" else ""
    desk_action = DESK_ACTIONS.get(action)
    if desk_action is not None:
        # Only the form that was sent is bound. If it is invalid, or the service refuses
        # it, the page comes back with that form's errors and everything typed in it.
        sent = desk_forms[desk_action.context_name] = desk_action.form(request.POST)
        if sent.is_valid():
            acting = _Acting(support_request=support_request, actor=user, form=sent, request=request)
            call = desk_action.call
            try:
                # Writing, changing the status and assigning can each email someone: each runs
                # once per form key, and a double click is answered as the first click was.
                done = _once(request, sent, action, support_request, lambda: call(acting))
            except SupportError as error:
                sent.add_error(None, str(error))
            else:
                messages.success(request, desk_action.said(sent.cleaned_data, done))
                return redirect("support_admin:detail", pk=pk)
    support_request_record_view(support_request=support_request, actor=user, request=request)
    all_messages = list(selectors.conversation(support_request=support_request, include_notes=True))
    return render(
        request,
        "support/admin/detail.html",
        {
            "support_request": support_request,
            "conversation": [m for m in all_messages if m.kind == "message"],
            "notes": [m for m in all_messages if m.kind == "note"],
            "events": support_request.events.select_related("actor"),
            "transitions": available_transitions(workflow.SUPPORT_WORKFLOW, support_request, user),
            "overdue": selectors.support_request_is_overdue(support_request=support_request),
            "closes_on": selectors.support_request_closes_on(support_request=support_request),
            **desk_forms,
            "canned_replies": selectors.canned_replies(),
            "canned_reply": canned_reply,
            "linked_pages": support_request.linked_pages.all(),
            "linked_tracker_items": support_request.linked_tracker_items.all(),
            "tags": support_request.tags.all(),
            "help_labels": [HelpType(value).label for value in support_request.help_types if value in HelpType.values],
        },
    )


@staff_required(TRIAGE_PERMISSION)
def report(request: HttpRequest) -> HttpResponse:
    raised = selectors.what_members_raised()
    return render(
        request,
        "support/admin/report.html",
        {
            "report": raised,
            "chart": selectors.chart_bars(report=raised),
            "small": selectors.SMALL_COUNT,
            "tables": [
                ("By priority area and month", "Priority area", raised.area_rows()),
                ("By type and month", "Type", raised.kind_rows()),
            ],
        },
    )

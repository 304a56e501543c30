"""Staff screens for letters to MPs, inside the Wagtail admin (chorus.campaigns.wagtail_hooks).

- "Letters" (campaign staff, ``view_signature``): counts by office, each letter's similarity
  and status, bundles and replies shared; never a writer's name, address or words.
- The counts as a CSV (the same figures, audited as a download).
- One letter, read in full (``view_constituentletter``: Campaigners); each reading is audited.
- Sending an office's weekly bundle now (``change_signature``), after an "are you sure?" page,
  once however often the button is pressed.
- Attaching a reply the writer let the network share to a tracker item.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chorus.campaigns.letter_selectors import (
    OfficeCounts,
    letter_bundles_of,
    letter_counts_by_office,
    letter_for_staff,
    letter_totals,
    letters_for_staff,
    office_name,
    shared_replies_of,
)
from chorus.campaigns.models import ConstituentLetter, LetterDelivery, LetterToRepresentativePage
from chorus.campaigns.services.letter_delivery import BUNDLE_PERMISSION, letter_bundle_send_now, letters_waiting
from chorus.campaigns.services.letter_replies import (
    ATTACH_PERMISSION,
    READ_LETTERS_PERMISSION,
    REPLY_TEXT_LONGEST,
    reply_may_be_attached,
    reply_text_clean,
    shared_reply_attach,
)
from chorus.core.audit import log_action
from chorus.core.confirmation import Confirmation, confirmation_key, confirmation_page, confirmed
from chorus.core.idempotency import SubmissionKeyFormMixin, submission_once
from chorus.core.spreadsheets import csv_lines
from chorus.core.staff import staff_required

# Counts and similarity scores: the campaign screens' own permission (Campaigners, Administrators).
VIEW_PERMISSION = "campaigns.view_signature"
LETTERS_PER_PAGE = 100


def _action(pk: int) -> LetterToRepresentativePage:
    action: LetterToRepresentativePage = get_object_or_404(LetterToRepresentativePage, pk=pk)
    return action


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


@staff_required(VIEW_PERMISSION)
def letters(request: HttpRequest, pk: int) -> HttpResponse:
    """The action's letters by office, the bundles sent, and each letter without its writer."""
    action = _action(pk)
    offices = letter_counts_by_office(action_id=action.pk)
    page_obj = Paginator(letters_for_staff(action_id=action.pk), LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "action": action,
        "offices": offices,
        "totals": letter_totals(offices),
        "weekly": action.delivery == LetterDelivery.WEEKLY,
        "bundles": letter_bundles_of(action_id=action.pk),
        "page_obj": page_obj,
        "rows": [(letter, _percent(letter.similarity)) for letter in page_obj],
        "shared": shared_replies_of(action_id=action.pk),
        "can_read": request.user.has_perm(READ_LETTERS_PERMISSION),
        "can_send_bundles": request.user.has_perm(BUNDLE_PERMISSION),
    }
    return render(request, "campaigns/admin/letters.html", context)


CSV_HEADER = [
    "Constituency or person written to",
    "Waiting for the writer to confirm",
    "Waiting their turn",
    "On their way",
    "Sent",
    "Refused",
    "Reply: yes",
    "Reply: not yet",
    "Reply: no",
    "Reply: not answered",
]


def _csv_rows(offices: list[OfficeCounts]) -> Iterator[list[object]]:
    for office in offices:
        yield [
            office.office,
            office.pending,
            office.waiting,
            office.on_the_way,
            office.sent,
            office.refused,
            office.replied_yes,
            office.replied_not_yet,
            office.replied_no,
            office.reply_unknown,
        ]


@staff_required(VIEW_PERMISSION)
def letters_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The counts by constituency as a spreadsheet: numbers only, never a writer."""
    action = _action(pk)
    offices = letter_counts_by_office(action_id=action.pk)
    log_action(
        "campaigns.letters.exported",
        obj=action,
        object_type="campaigns.actionpage",
        data={"format": "csv", "rows": len(offices)},
        request=request,
    )
    response = StreamingHttpResponse(csv_lines(CSV_HEADER, _csv_rows(offices)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="letters-by-constituency-{action.slug}.csv"'
    return response


def _letter(action: LetterToRepresentativePage, letter_pk: int) -> ConstituentLetter:
    letter = letter_for_staff(action_id=action.pk, letter_id=letter_pk)
    if letter is None:
        raise Http404("No such letter on this action.")
    return letter


@never_cache
@staff_required(READ_LETTERS_PERMISSION)
def letter_detail(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    """One letter with its writer's name, address and words; every reading goes in the audit log."""
    action = _action(pk)
    letter = _letter(action, letter_pk)
    log_action("campaigns.letter.viewed", obj=letter, data={"action": action.pk}, request=request)
    context = {
        "action": action,
        "letter": letter,
        "heading": f"Letter no. {letter.pk}",
        "similarity": _percent(letter.similarity),
        "may_attach": reply_may_be_attached(letter) and request.user.has_perm(ATTACH_PERMISSION),
        "shared": letter.shared_replies.select_related("item"),
    }
    return render(request, "campaigns/admin/letters_detail.html", context)


# --- sending an office's bundle now -------------------------------------------------------------


@require_POST
@staff_required(BUNDLE_PERMISSION)
def letters_bundle_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send one office's waiting letters now, in one bundle: asked first, then done once."""
    action = _action(pk)
    back = reverse("campaigns_admin_letters", kwargs={"pk": action.pk})
    target_key = request.POST.get("office", "")[:20]
    if action.delivery != LetterDelivery.WEEKLY:
        messages.error(request, "This action sends each letter on its own, at the daily pace: there is no bundle.")
        return redirect(back)
    waiting = letters_waiting().filter(action=action, target_key=target_key).count()
    office = office_name(action=action, target_key=target_key)
    if not confirmed(request):
        if not waiting:
            messages.info(request, f"No letters to {office} are waiting. Nothing has been sent.")
            return redirect(back)
        letters_word = "letter" if waiting == 1 else "letters"
        return confirmation_page(
            request,
            Confirmation(
                question=f"Send the {waiting} waiting {letters_word} to {office} now?",
                subtitle=action.title,
                consequences=[
                    f"One email goes to {office} within a few minutes, with the {waiting} {letters_word} "
                    "in it and the same as a PDF.",
                    "Each writer's name, postal address, postcode, email address and words are in it, "
                    "as they are in the weekly bundle.",
                    "Letters confirmed after this wait for the next weekly bundle.",
                ],
                undo="An email cannot be called back once it has gone.",
                button=f"Yes, send the {letters_word} now",
                cancel_url=back,
                carried={"office": target_key},
            ),
        )
    made: list[int] = []

    def send() -> str:
        bundle = letter_bundle_send_now(action=action, target_key=target_key, actor=request.user, request=request)
        made.append(bundle.size if bundle is not None else 0)
        return back

    done = submission_once(
        key=confirmation_key(request),
        scope=f"campaigns.letter_bundle:{action.pk}:{target_key}:{request.user.pk}",
        answers=request.POST,
        action=send,
    )
    if done.repeated:
        messages.info(request, "These letters were already sent. Nothing has been sent again.")
    elif made and made[0]:
        messages.success(request, f"{made[0]} letter{'s' if made[0] != 1 else ''} to {office} are on their way.")
    else:
        messages.info(request, f"No letters to {office} were waiting, or the office has no address. Nothing was sent.")
    return redirect(done.result)


# --- attaching a shared reply to the tracker ------------------------------------------------------


class AttachReplyForm(SubmissionKeyFormMixin):
    item: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        label="Tracker item",
        help_text="The consultation, inquiry, bill or strategy this reply is about.",
        empty_label="Choose an item",
    )
    text = forms.CharField(
        label="The words to keep with the item",
        help_text="Take out the writer's name, address and anything else that says who they are. "
        "Keep what the MP or decision-maker said.",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=REPLY_TEXT_LONGEST,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from chorus.tracker.models import TrackedItem

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].queryset = TrackedItem.objects.order_by("title")  # type: ignore[attr-defined]

    def clean_text(self) -> str:
        try:
            text = reply_text_clean(self.cleaned_data["text"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        if not text:
            raise forms.ValidationError("Enter the words of the reply to keep with the item.")
        return text


@never_cache
@staff_required(READ_LETTERS_PERMISSION, ATTACH_PERMISSION)
def letter_reply_attach(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    """Attach the reply a writer let the network share to a tracker item, as staff edit it."""
    action = _action(pk)
    letter = _letter(action, letter_pk)
    if not reply_may_be_attached(letter):
        messages.error(request, "The writer has not given permission to share this reply.")
        return redirect("campaigns_admin_letter", pk=action.pk, letter_pk=letter.pk)
    form = AttachReplyForm(request.POST or None, initial={"text": letter.reply_text})
    if request.method == "POST" and form.is_valid():

        def attach() -> str:
            shared_reply_attach(
                letter=letter,
                item=form.cleaned_data["item"],
                text=form.cleaned_data["text"],
                actor=request.user,
                request=request,
            )
            return reverse("campaigns_admin_letter", kwargs={"pk": action.pk, "letter_pk": letter.pk})

        done = submission_once(
            key=form.cleaned_data["submission_key"],
            scope=f"campaigns.letter_reply_attach:{letter.pk}:{request.user.pk}",
            answers=request.POST,
            action=attach,
        )
        messages.success(request, f"The reply is attached to “{form.cleaned_data['item']}”.")
        return redirect(done.result)
    if request.method == "GET":
        log_action(
            "campaigns.letter.viewed",
            obj=letter,
            data={"action": action.pk, "screen": "attach reply"},
            request=request,
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "campaigns/admin/letters_attach_reply.html",
        {"action": action, "letter": letter, "form": form},
        status=status,
    )

"""Staff screens for what groups send: the list, one application, and reviewing and deciding it.

Who may read which application is one selector (``selectors.applications_readable_by``):
``view_application`` reads every round; a panel member (``review_application`` alone)
reads only the rounds they are named on, and any other application answers 404, as if
it did not exist. A declared conflict of interest leaves only a line saying so. Reading
an application shows its contact details and answers, so each reading is audited.

Every form carries a one-time key (chorus.core.idempotency): a double click acts once.
Views parse and call one service; the services hold the rules (services/reviews.py,
services/decisions.py, services/call_answers.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from chorus.accounts.models import User
from chorus.core.audit import log_action
from chorus.core.idempotency import KEY_FIELD, submission_once
from chorus.core.ids import parse_id
from chorus.core.spreadsheets import csv_lines
from chorus.core.staff import staff_required
from chorus.core.workflow import ReasonRequired, TransitionNotAllowed, available_transitions
from chorus.grants import selectors
from chorus.grants.admin_forms import AwardForm, ConflictForm, DeclineForm, MoveForm, PanelAddForm, ReviewForm
from chorus.grants.forms import QuestionsForm, question_field_name
from chorus.grants.models import Application, RoundPage
from chorus.grants.services.call_answers import CallAnswersRefused, answers_enter_for_group
from chorus.grants.services.decisions import (
    PLAIN_MOVES,
    Award,
    DecisionRefused,
    application_award,
    application_decline,
    application_move,
)
from chorus.grants.services.reviews import (
    ReviewRefused,
    conflict_declare,
    panel_member_add,
    panel_member_remove,
    review_submit,
)
from chorus.grants.workflow import APPLICATION_WORKFLOW, CONSIDERED, ApplicationStatus

READ_PERMISSION = selectors.READ_ALL
REVIEW_PERMISSION = selectors.REVIEW
DECIDE_PERMISSION = selectors.DECIDE


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _may_read(request: HttpRequest) -> User:
    """The screens open to those who read every round or score their panels' rounds; 403 for others."""
    user = _staff(request)
    if not selectors.may_read_applications(user):
        raise PermissionDenied("You cannot read funding applications.")
    return user


def _readable(user: User, pk: int) -> Application:
    # 404, not 403, for an application outside the user's rounds: it says nothing about it.
    return get_object_or_404(selectors.applications_readable_by(user), pk=pk)


def _detail(application: Application) -> str:
    return reverse("grants_admin:application", kwargs={"pk": application.pk})


def _once(request: HttpRequest, form: forms.Form, scope: str, act: Callable[[], str]) -> str:
    """Act once for the form's key; a repeat is answered with where the first one went."""
    return submission_once(
        key=form.cleaned_data.get(KEY_FIELD, ""), scope=scope, answers=request.POST, action=act
    ).result


# The screens' guard asks for admin access and the second step; who may read applications
# (every round, or a panel's rounds) is checked inside, as either permission will do.
@staff_required()
def applications(request: HttpRequest) -> HttpResponse:
    user = _may_read(request)
    round_id = parse_id(request.GET.get("round", ""))
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values or status == ApplicationStatus.DRAFT:
        status = ""
    listed = selectors.applications_readable_by(user)
    if round_id is not None:
        listed = listed.filter(round_id=round_id)
    if status:
        listed = listed.filter(status=status)
    rounds = RoundPage.objects.live().order_by("-closes_at")
    if not user.has_perm(READ_PERMISSION):
        rounds = rounds.filter(panel_memberships__member=user)
    drafts = selectors.drafts_per_round()
    return render(
        request,
        "grants/admin/applications.html",
        {
            "applications": listed.order_by("-submitted_at", "-pk"),
            "rounds": [(round_page, drafts.get(round_page.pk, 0)) for round_page in rounds],
            "chosen_round": round_id,
            "statuses": [choice for choice in ApplicationStatus.choices if choice[0] != ApplicationStatus.DRAFT],
            "chosen_status": status,
            "conflicted": selectors.conflicted_ids(user=user),
            "may_export": user.has_perm(READ_PERMISSION),
            "may_name_panels": user.has_perm(DECIDE_PERMISSION),
        },
    )


@staff_required()
def application(request: HttpRequest, pk: int) -> HttpResponse:
    user = _may_read(request)
    found = _readable(user, pk)
    if selectors.has_conflict(application=found, user=user):
        # Nothing of the application is shown, so nothing is read: no audit entry.
        return render(request, "grants/admin/conflicted.html", {"application": found})
    log_action("grants.application.viewed", obj=found, request=request)
    moves = [t for t in available_transitions(APPLICATION_WORKFLOW, found, user) if t.name in PLAIN_MOVES]
    decisions = [t for t in available_transitions(APPLICATION_WORKFLOW, found, user) if t.name not in PLAIN_MOVES]
    visible = selectors.reviews_visible_to(application=found, user=user)
    return render(
        request,
        "grants/admin/application.html",
        {
            "application": found,
            "rows": selectors.application_rows(found, for_staff=True),
            "typed_by_staff": [question for question, _ in selectors.staff_typed_answers(found)],
            "moves": moves,
            "move_form": MoveForm(),
            "may_decide": bool(decisions),
            "may_review": selectors.may_review(application=found, user=user),
            "may_declare_conflict": user.has_perm(REVIEW_PERMISSION),
            "may_type_answers": found.call_me and found.status in CONSIDERED and user.has_perm(DECIDE_PERMISSION),
            "own_review": selectors.own_review(application=found, user=user),
            "reviews_visible": visible,
            "summary": selectors.review_summary(found) if visible else None,
            "review_count": selectors.counted_reviews(found).count(),
            "conflicts": selectors.conflicts_of(found) if user.has_perm(DECIDE_PERMISSION) else None,
            # Who read and did what is for those who run the rounds, not for a panel member
            # (it would tell a blind reviewer who has already scored).
            "history": selectors.application_history(found) if user.has_perm(READ_PERMISSION) else None,
        },
    )


@staff_required(DECIDE_PERMISSION)
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Check eligibility, send for review or shortlist: a button each, through the workflow."""
    user = _staff(request)
    found = _readable(user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the moves offered.")
        return redirect(_detail(found))

    def act() -> str:
        application_move(application=found, name=form.cleaned_data["move"], actor=user, request=request)
        return _detail(found)

    try:
        _once(request, form, f"grants.move:{found.pk}:{user.pk}", act)
    except (DecisionRefused, TransitionNotAllowed) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{found.reference} is now: {found.get_status_display()}.")
    return redirect(_detail(found))


def _refuse_if_conflicted(application: Application, user: User) -> None:
    if selectors.has_conflict(application=application, user=user):
        raise PermissionDenied("You declared a conflict of interest with this application.")


@staff_required(REVIEW_PERMISSION)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Score it against each criterion, with a short comment and a recommendation; once per reviewer."""
    user = _staff(request)
    found = _readable(user, pk)
    _refuse_if_conflicted(found, user)
    if selectors.own_review(application=found, user=user) is not None:
        messages.info(request, "You have sent your review of this application. Everyone's reviews are below.")
        return redirect(_detail(found) + "#reviews")
    criteria = selectors.criteria_of(found.round)
    form = ReviewForm(criteria, request.POST or None)
    if request.method == "POST" and form.is_valid():

        def act() -> str:
            review_submit(
                application=found,
                reviewer=user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                recommendation=form.cleaned_data["recommendation"],
                request=request,
            )
            return _detail(found) + "#reviews"

        try:
            done = _once(request, form, f"grants.review:{found.pk}:{user.pk}", act)
        except ReviewRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Your review is sent. You can now read the other reviews.")
            return redirect(done)
    may_review = selectors.may_review(application=found, user=user)
    if may_review:
        # The form shows the group's answers beside it: a reading, audited as the page's is.
        log_action("grants.application.viewed", obj=found, request=request)
    return render(
        request,
        "grants/admin/review.html",
        {
            "application": found,
            "form": form,
            "may_review": may_review,
            "rows": selectors.application_rows(found, for_staff=True) if may_review else [],
        },
        status=400 if form.errors else 200,
    )


@staff_required(REVIEW_PERMISSION)
@require_http_methods(["GET", "POST"])
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare a conflict of interest: from then on the reviewer cannot read, score or see its reviews."""
    user = _staff(request)
    found = _readable(user, pk)
    if selectors.has_conflict(application=found, user=user):
        return redirect(_detail(found))
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def act() -> str:
            conflict_declare(application=found, reviewer=user, note=form.cleaned_data["note"], request=request)
            return _detail(found)

        try:
            done = _once(request, form, f"grants.conflict:{found.pk}:{user.pk}", act)
        except ReviewRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Your conflict of interest is recorded. This application is closed to you now.")
            return redirect(done)
    return render(
        request, "grants/admin/conflict.html", {"application": found, "form": form}, status=400 if form.errors else 200
    )


@staff_required(DECIDE_PERMISSION)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Award a grant (from the panel) or decide not to (from the check, the review or the panel)."""
    user = _staff(request)
    found = _readable(user, pk)
    _refuse_if_conflicted(found, user)
    offered = {t.name for t in available_transitions(APPLICATION_WORKFLOW, found, user)}
    # Prefixed: both forms ask for a message, and ids must not repeat on the page.
    award_form = AwardForm(prefix="award") if "award" in offered else None
    decline_form = DeclineForm(prefix="decline") if "decline" in offered else None
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "award" and award_form is not None:
        award_form = AwardForm(request.POST, prefix="award")
        if award_form.is_valid():
            data = award_form.cleaned_data
            award = Award(
                amount=data["amount"],
                award_date=data["award_date"],
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                description=data["description"],
            )

            def act_award() -> str:
                application_award(application=found, actor=user, award=award, message=data["message"], request=request)
                return _detail(found)

            if _decided(request, award_form, found, user, act_award):
                return redirect(_detail(found))
    elif action == "decline" and decline_form is not None:
        decline_form = DeclineForm(request.POST, prefix="decline")
        if decline_form.is_valid():
            data = decline_form.cleaned_data

            def act_decline() -> str:
                application_decline(
                    application=found, actor=user, reason=data["reason"], message=data["message"], request=request
                )
                return _detail(found)

            if _decided(request, decline_form, found, user, act_decline):
                return redirect(_detail(found))
    elif request.method == "POST":
        messages.error(request, "This application cannot be decided that way now.")
        return redirect(_detail(found))
    visible = selectors.reviews_visible_to(application=found, user=user)
    has_errors = bool((award_form and award_form.errors) or (decline_form and decline_form.errors))
    return render(
        request,
        "grants/admin/decide.html",
        {
            "application": found,
            "award_form": award_form,
            "decline_form": decline_form,
            "summary": selectors.review_summary(found) if visible else None,
            "review_count": selectors.counted_reviews(found).count(),
            "has_errors": has_errors,
        },
        status=400 if has_errors else 200,
    )


def _decided(request: HttpRequest, form: forms.Form, found: Application, user: User, act: Callable[[], str]) -> bool:
    """Run the decision once for the form's key; a refusal goes on the form, with everything typed kept."""
    try:
        _once(request, form, f"grants.decide:{found.pk}:{user.pk}", act)
    except (DecisionRefused, TransitionNotAllowed, ReasonRequired) as refusal:
        form.add_error(None, getattr(refusal, "message", str(refusal)))
        return False
    found.refresh_from_db()
    messages.success(request, f"Decided: {found.get_status_display()}. The group is emailed that a decision is ready.")
    return True


@staff_required(DECIDE_PERMISSION)
@require_http_methods(["GET", "POST"])
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    """Type in the answers a group gave on the phone, marked as typed in by staff."""
    user = _staff(request)
    found = _readable(user, pk)
    _refuse_if_conflicted(found, user)
    if not found.call_me or found.status not in CONSIDERED or found.band is None:
        messages.error(
            request, "Only the answers of a call, for an application still being considered, are typed in here."
        )
        return redirect(_detail(found))
    questions = found.band.questions
    stored = {a.question_id: a.value for a in found.answers.all()}
    initial: dict[str, Any] = {}
    for block in questions:
        value = stored.get(block.id, "")
        if block.block_type == "choice" and block.value.get("more_than_one") and value.startswith("["):
            value = json.loads(value)
        initial[question_field_name(block.id)] = value
    # Staff type what they have from the call: a question the group had no answer to stays empty.
    form = QuestionsForm(questions, request.POST or None, initial=initial, enforce_required=False)
    if request.method == "POST" and form.is_valid():

        def act() -> str:
            answers_enter_for_group(application=found, values=form.answers(), actor=user, request=request)
            return _detail(found)

        try:
            done = _once(request, form, f"grants.answers:{found.pk}:{user.pk}", act)
        except CallAnswersRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "The answers from the call are saved, marked as typed in by staff.")
            return redirect(done)
    # The form holds the answers typed so far: a reading, audited.
    log_action("grants.application.viewed", obj=found, request=request)
    return render(
        request, "grants/admin/answers.html", {"application": found, "form": form}, status=400 if form.errors else 200
    )


@staff_required(DECIDE_PERMISSION)
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, round_id: int) -> HttpResponse:
    """Name who sits on a round's panel, or take them off: a panel member reads only their rounds."""
    user = _staff(request)
    round_page = get_object_or_404(RoundPage, pk=round_id)
    candidates = selectors.panel_candidates()
    add_form = PanelAddForm(candidates)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            add_form = PanelAddForm(candidates, request.POST)
            if add_form.is_valid():
                member = add_form.cleaned_data["member"]

                def add() -> str:
                    panel_member_add(round_page=round_page, member=member, actor=user, request=request)
                    return request.path

                try:
                    _once(request, add_form, f"grants.panel.add:{round_page.pk}:{user.pk}", add)
                except ReviewRefused as refusal:
                    add_form.add_error("member", refusal.message)
                else:
                    messages.success(request, f"{member.get_username()} is on the panel of {round_page.title}.")
                    return redirect(request.path)
        elif action == "remove":
            # No one-time key: taking someone off twice changes nothing more.
            member_id = parse_id(request.POST.get("member", ""))
            removed = round_page.panel_memberships.filter(member_id=member_id).select_related("member").first()
            if removed is not None:
                panel_member_remove(round_page=round_page, member=removed.member, actor=user, request=request)
                messages.success(request, f"{removed.member.get_username()} is off the panel of {round_page.title}.")
            return redirect(request.path)
        else:
            return redirect(request.path)
    members = round_page.panel_memberships.select_related("member").order_by("member__username")
    return render(
        request,
        "grants/admin/panel.html",
        {"round": round_page, "members": members, "add_form": add_form},
        status=400 if add_form.errors else 200,
    )


CSV_HEADER = ["Reference", "Status", "Late", "Format", "Grant size", "Sent", "Decision", "Amount awarded (£)"]


@staff_required(READ_PERMISSION)
def export(request: HttpRequest, round_id: int) -> StreamingHttpResponse:
    """The round's applications as a spreadsheet: no answers and no contact details, which stay
    on the audited screens; what a Grants officer needs to track the round."""
    user = _staff(request)
    round_page = get_object_or_404(RoundPage, pk=round_id)
    listed = selectors.applications_readable_by(user).filter(round=round_page).order_by("number", "pk")
    recorded = selectors.recorded_application_ids(listed)
    rows = list(listed)
    log_action("grants.round.exported", obj=round_page, data={"rows": len(rows)}, request=request)

    def lines() -> Any:
        for found in rows:
            decision = ""
            if found.status == ApplicationStatus.NOT_AWARDED:
                decision = f"Not awarded: {found.get_decision_reason_display()}"
            elif found.status == ApplicationStatus.AWARDED:
                decision = "Awarded"
            yield [
                found.reference,
                found.get_status_display(),
                "Yes" if found.is_late else "No",
                selectors.format_of(found, recorded=recorded),
                found.band.name if found.band else "",
                f"{found.submitted_at:%Y-%m-%d}" if found.submitted_at else "",
                decision,
                found.amount_awarded if found.amount_awarded is not None else "",
            ]

    response = StreamingHttpResponse(csv_lines(CSV_HEADER, lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="round-{round_page.pk}-applications.csv"'
    return response

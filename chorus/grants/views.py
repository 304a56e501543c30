"""Applying online: the start form, each step of the draft, check and send, the applicant's page.

Views are thin: forms check what was typed, services (services/applications.py) store it.
Every step's POST saves at once under a one-time form key, so a refresh or a double click
stores once; "Save and come back later" saves too and ends the visit.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chorus.core.antibot import FillCheck, fill_confirmation_page
from chorus.core.confirmation import Confirmation, confirmation_key, confirmed
from chorus.core.crypto import email_index
from chorus.core.idempotency import KEY_FIELD, SubmissionKeyForm, submission_once
from chorus.core.ratelimit import Limit, ip_hash, within_limits
from chorus.grants.file_views import accepts_uploads, posted_answers, uploads_too_big
from chorus.grants.forms import (
    APPLY_BY_CALL,
    SAVE_AND_LEAVE,
    AboutGroupForm,
    AccessForm,
    ApplySubmitForm,
    BandForm,
    QuestionsForm,
    StartForm,
    question_field_name,
)
from chorus.grants.models import AnswerFile, Application, RoundPage
from chorus.grants.selectors import (
    application_for_token,
    application_rows,
    application_timetable,
    staff_typed_answers,
)
from chorus.grants.services.applications import (
    AboutGroup,
    ApplyingRefused,
    answers_of,
    answers_save,
    application_link_request,
    application_save_about,
    application_save_access,
    application_save_band,
    application_submit,
    application_withdraw,
    missing_for_submit,
    round_takes_applications,
)
from chorus.grants.services.files import answer_files_apply, stored_files_kept_on_success
from chorus.grants.services.reports import report_asked
from chorus.grants.workflow import CONSIDERED

START_IP_LIMITS = [Limit(5, 60 * 60), Limit(20, 24 * 60 * 60)]
START_EMAIL_LIMITS = [Limit(3, 60 * 60), Limit(10, 24 * 60 * 60)]
STEPS = ["about", "size", "questions", "access"]
STEP_TITLES = {
    "about": "About your group",
    "size": "Which grant size",
    "questions": "Your answers",
    "access": "What would help you take part",
}


def _round(round_id: int) -> RoundPage:
    return get_object_or_404(RoundPage.objects.live().public(), pk=round_id)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, round_id: int) -> HttpResponse:
    """ "Start with an email address": whatever the address, the same answer, and a link by email."""
    round_page = _round(round_id)
    context: dict[str, Any] = {"round": round_page, "title": f"Apply to {round_page.title}"}
    if not round_takes_applications(round_page, now=timezone.now()):
        return render(request, "grants/apply_closed.html", context)
    form = StartForm(request.POST or None)
    if request.method == "POST":
        if not within_limits("grants.start.ip", ip_hash(request), START_IP_LIMITS):
            return render(request, "grants/rate_limited.html", context, status=429)
        if form.is_valid():
            check = form.fill_check()
            if check is FillCheck.CONFIRM:
                # Sent very fast (autofill, voice control): ask once, never drop it silently.
                return fill_confirmation_page(
                    request, posted=request.POST, title=context["title"], uses_csrf_cookie=True
                )
            email = form.cleaned_data["email"]
            # Bots, and more asks for one address than a person needs, get the same page and no email.
            if check is FillCheck.PERSON and within_limits(
                "grants.start.email", email_index(email), START_EMAIL_LIMITS
            ):
                application_link_request(round_page=round_page, email=email)
            return redirect("grants:check_email", round_id=round_page.pk)
    return render(request, "grants/apply_start.html", {**context, "form": form}, status=400 if form.errors else 200)


@never_cache
def check_email(request: HttpRequest, round_id: int) -> HttpResponse:
    round_page = _round(round_id)
    return render(request, "grants/apply_check_email.html", {"round": round_page, "title": "Check your email"})


def _application(token: str) -> Application:
    application = application_for_token(token=token)
    if application is None:
        raise Http404("No such application")
    return application


def _step_context(application: Application, token: str, step: str) -> dict[str, Any]:
    return {
        "application": application,
        "round": application.round,
        "token": token,
        "step": step,
        "step_number": STEPS.index(step) + 1,
        "step_count": len(STEPS),
        "title": STEP_TITLES[step],
    }


def _after_save(token: str, step: str, action: str) -> str:
    if action == SAVE_AND_LEAVE:
        return reverse("grants:application", kwargs={"token": token}) + "?saved=1"
    following = STEPS.index(step) + 1
    if following < len(STEPS):
        return reverse("grants:step", kwargs={"token": token, "step": STEPS[following]})
    return reverse("grants:check", kwargs={"token": token})


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _build_form(
    application: Application, step: str, data: Any = None, *, leaving: bool = False, request: HttpRequest | None = None
) -> Any:
    if step == "about":
        initial = {
            "group_name": application.group_name,
            "contact_name": application.contact_name,
            "contact_phone": application.contact_phone,
            "is_registered": _yes_no(application.is_registered),
            "registered_with": application.registered_with,
            "registered_number": application.registered_number,
        }
        return AboutGroupForm(data, initial=initial)
    if step == "size":
        return BandForm(list(application.round.bands.all()), data, initial={"band": application.band_id})
    if step == "questions":
        questions = application.band.questions if application.band is not None else []
        stored = answers_of(application)
        answered: dict[str, Any] = {}
        for block in questions:
            value = stored.get(block.id, "")
            if block.block_type == "choice" and block.value.get("more_than_one") and value:
                value = json.loads(value)
            answered[question_field_name(block.id)] = value
        posted_files = request.FILES if request is not None and data is not None else None
        return QuestionsForm(
            questions,
            data,
            posted_files,
            initial=answered,
            enforce_required=not leaving,
            stored_files={found.question_id: found for found in AnswerFile.objects.filter(application=application)},
            too_big=uploads_too_big(request) if request is not None and data is not None else frozenset(),
        )
    access = {
        "needs": application.access_needs,
        "other": application.access_other,
        "apply_by": (APPLY_BY_CALL if application.call_me else "online") if application.access_answered else "",
        "call_times": application.call_times,
    }
    return AccessForm(data, initial=access)


def _save(application: Application, step: str, form: Any) -> None:
    data = form.cleaned_data
    if step == "about":
        application_save_about(
            application=application,
            about=AboutGroup(
                group_name=data["group_name"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                is_registered=data["is_registered"] == "yes",
                registered_number=data["registered_number"],
                registered_with=data["registered_with"],
            ),
        )
    elif step == "size":
        band = application.round.bands.get(pk=data["band"])
        application_save_band(application=application, band=band)
    elif step == "questions":
        answers_save(application=application, values=form.answers())
        answer_files_apply(application=application, uploads=form.uploads(), removals=form.removals())
    else:
        application_save_access(
            application=application,
            needs=data["needs"],
            other=data["other"],
            call_me=data["apply_by"] == APPLY_BY_CALL,
            call_times=data["call_times"],
        )


@never_cache
@require_http_methods(["GET", "POST"])
@accepts_uploads
def step(request: HttpRequest, token: str, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404("No such step")
    application = _application(token)
    if not application.is_draft:
        return redirect("grants:application", token=token)
    if step == "questions" and application.band is None:
        return redirect("grants:step", token=token, step="size")
    context = _step_context(application, token, step)
    leaving = request.method == "POST" and request.POST.get("action") == SAVE_AND_LEAVE
    form = _build_form(
        application, step, request.POST if request.method == "POST" else None, leaving=leaving, request=request
    )
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")

        def save() -> str:
            _save(application, step, form)
            return _after_save(token, step, action)

        try:
            # A file written for a step that then fails is deleted, so nothing is half-stored.
            with stored_files_kept_on_success():
                saved = submission_once(
                    key=form.cleaned_data[KEY_FIELD],
                    scope=f"grants.step:{step}:{application.pk}",
                    answers=posted_answers(request),
                    action=save,
                )
        except ApplyingRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect(saved.result)
    counts = form.word_counts() if isinstance(form, QuestionsForm) and form.is_bound else {}
    return render(
        request,
        "grants/apply_step.html",
        {**context, "form": form, "word_counts": counts},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, token: str) -> HttpResponse:
    """Check your answers, then send: all of it at once or nothing."""
    application = _application(token)
    # A repeated "Send" (same key) is answered below with the first one's page, so only
    # other visits to a sent application are turned away here.
    if not application.is_draft and request.method != "POST":
        return redirect("grants:application", token=token)
    form = ApplySubmitForm(request.POST or None)
    refusal: ApplyingRefused | None = None
    if request.method == "POST" and form.is_valid():

        def send() -> str:
            if not application.is_draft:
                return reverse("grants:application", kwargs={"token": token})
            application_submit(application=application)
            return reverse("grants:application", kwargs={"token": token}) + "?sent=1"

        try:
            sent = submission_once(
                key=form.cleaned_data[KEY_FIELD], scope=f"grants.submit:{application.pk}", action=send
            )
        except ApplyingRefused as error:
            refusal = error
        else:
            return redirect(sent.result)
    missing = missing_for_submit(application)
    return render(
        request,
        "grants/apply_check.html",
        {
            "application": application,
            "round": application.round,
            "token": token,
            "title": "Check your answers",
            "rows": application_rows(application),
            "missing": missing,
            "refusal": refusal,
            "form": ApplySubmitForm(),
        },
        status=400 if refusal else 200,
    )


@never_cache
def application(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's own page: the draft's steps, or where a sent application is."""
    found = _application(token)
    context = {
        "application": found,
        "round": found.round,
        "token": token,
        "steps": [(name, STEP_TITLES[name]) for name in STEPS],
        "timetable": application_timetable(found),
        "sent": request.GET.get("sent") == "1",
        "saved": request.GET.get("saved") == "1",
        "can_withdraw": found.status in CONSIDERED,
        "report_asked": report_asked(found),
        "typed_by_staff": staff_typed_answers(found),
    }
    return render(request, "grants/application.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Withdraw, through the shared "are you sure?" step: nothing changes until it is confirmed."""
    found = _application(token)
    if found.status not in CONSIDERED:
        return redirect("grants:application", token=token)
    if confirmed(request):

        def act() -> str:
            application_withdraw(application=found)
            return reverse("grants:application", kwargs={"token": token})

        done = submission_once(key=confirmation_key(request), scope=f"grants.withdraw:{found.pk}", action=act)
        return redirect(done.result)
    confirmation = Confirmation(
        question=f"Withdraw your application {found.reference}?",
        consequences=[
            "We will stop considering it for this round.",
            "You can still see this page, but you cannot send this application again.",
        ],
        button="Yes, withdraw it",
        cancel_url=reverse("grants:application", kwargs={"token": token}),
        undo="This cannot be undone. If you change your mind, contact us before the round closes.",
        destructive=True,
    )
    # The shared confirmation's words and one-time key, on a public page (its own template is the staff one).
    return render(
        request,
        "grants/withdraw.html",
        {"confirmation": confirmation, "key_form": SubmissionKeyForm(), "application": found, "token": token},
    )

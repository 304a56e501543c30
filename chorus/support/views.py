"""Public views: the two forms (with a check-your-answers step) and the member's private page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chorus.core.antibot import CONFIRMED_FIELD, FillCheck, fill_confirmation_page, fill_started_now
from chorus.core.crypto import email_index
from chorus.core.idempotency import KEY_FIELD, submission_once
from chorus.core.ratelimit import Limit, ip_hash, within_limits
from chorus.support import selectors
from chorus.support.forms import FORMS, LostLinkForm, ReplyForm
from chorus.support.models import CORRECTION, RequestKind, SupportPage, SupportRequest
from chorus.support.services.access import SupportError
from chorus.support.services.conversation import support_member_reply, support_request_withdraw
from chorus.support.services.lost_links import support_links_request
from chorus.support.services.submission import (
    Submission,
    support_request_confirm_email,
    support_request_disown_email,
    support_request_submit,
)
from chorus.support.workflow import OPEN_STATUSES, OUTCOME_STATUSES

ANSWERS_SALT = "chorus.support.answers"
ANSWERS_MAX_AGE = 24 * 60 * 60
SUBMIT_LIMITS = [Limit(5, 60 * 60), Limit(20, 24 * 60 * 60)]
REPLY_LIMITS = [Limit(20, 60 * 60)]
LOST_LINK_IP_LIMITS = [Limit(5, 60 * 60), Limit(20, 24 * 60 * 60)]
LOST_LINK_EMAIL_LIMITS = [Limit(3, 24 * 60 * 60)]
TITLES: dict[str, str] = {
    RequestKind.ALERT: "Tell us about a policy issue",
    RequestKind.CAMPAIGN: "Ask for support with your campaign",
}


def _support_page() -> SupportPage | None:
    return SupportPage.objects.live().first()


def _seal_answers(data: QueryDict) -> str:
    # Pending answers travel in a signed hidden field, so nothing is kept on the server
    # and no cookie beyond CSRF is needed before the member presses "Send".
    answers = {key: data.getlist(key) for key in data if key not in {"csrfmiddlewaretoken", "action", "answers"}}
    return signing.dumps(answers, salt=ANSWERS_SALT, compress=True)


def _open_answers(sealed: str) -> tuple[QueryDict | None, bool]:
    """The answers sealed on the check-your-answers page, and whether they are too old to send.

    Answers older than a day are still ours (the signature holds), so they go back into
    the form to be checked again; answers that were altered are not returned at all.
    """
    try:
        answers = signing.loads(sealed, salt=ANSWERS_SALT, max_age=ANSWERS_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        answers = signing.loads(sealed, salt=ANSWERS_SALT)
        expired = True
    except signing.BadSignature:
        return None, False
    data = QueryDict(mutable=True)
    for key, values in answers.items():
        data.setlist(key, [str(value) for value in values])
    return data, expired


def _posted_answers(post: QueryDict, form_class: type[forms.Form]) -> QueryDict | None:
    """The form's own fields as posted (None if none of its visible fields came), without the step's controls."""
    visible = set(form_class.base_fields) - {"website", "form_started", KEY_FIELD}
    if not any(name in post for name in visible):
        return None
    answers = post.copy()
    for control in ("csrfmiddlewaretoken", "action", "answers"):
        answers.pop(control, None)
    return answers


def _form_again(
    request: HttpRequest, context: dict[str, Any], form_class: type[forms.Form], answers: QueryDict | None
) -> HttpResponse:
    """The form again when checked answers cannot be sent: holding them, if there are any, to check again."""
    if answers is None:
        form = form_class()
        notice = "lost"
    else:
        answers = answers.copy()
        # Shown again like a new form, so the fill-time check counts from now.
        answers["form_started"] = fill_started_now()
        form = form_class(answers)
        notice = "check"
    return render(request, "support/request_form.html", {**context, "form": form, "answers_notice": notice})


@never_cache
@require_http_methods(["GET", "POST"])
def support_form(request: HttpRequest, kind: str) -> HttpResponse:
    form_class = FORMS[kind]
    context: dict[str, Any] = {"title": TITLES[kind], "kind": kind, "support_page": _support_page()}
    if request.method == "GET":
        return render(request, "support/request_form.html", {**context, "form": form_class()})

    action = request.POST.get("action", "check")
    if action in {"change", "send"}:
        data, expired = _open_answers(request.POST.get("answers", ""))
        if data is None:
            # Altered or missing: keep any of the form's own fields that were posted with it.
            return _form_again(request, context, form_class, _posted_answers(request.POST, form_class))
        if expired:
            return _form_again(request, context, form_class, data)
        if CONFIRMED_FIELD in request.POST:
            # Back from "Please confirm you want to send this": the sealed answers plus the press.
            data[CONFIRMED_FIELD] = request.POST[CONFIRMED_FIELD]
    else:
        data = request.POST
    form = form_class(data)
    # Only "check" shows the answers and only "send" sends: "change", or an action no
    # button sends, comes back to the form with the answers in it.
    if action not in {"check", "send"} or not form.is_valid():
        return render(request, "support/request_form.html", {**context, "form": form})
    if action == "check":
        return render(
            request,
            "support/check_answers.html",
            {**context, "form": form, "rows": form.summary(), "answers": _seal_answers(data)},
        )
    # action == "send"
    check = form.fill_check()
    if check is FillCheck.CONFIRM:
        # Sent very fast (autofill, voice control): ask once, never drop it silently.
        return fill_confirmation_page(request, posted=request.POST, title=TITLES[kind], uses_csrf_cookie=True)
    try:
        # The key came sealed with the answers: a double-clicked Send, or Send pressed again
        # after going back, is answered with the first request's page and stores nothing more.
        sent = submission_once(
            key=form.cleaned_data[KEY_FIELD],
            scope=f"support.submit:{kind}",
            answers=data,
            action=lambda: _send(request, submission=form.submission(), probably_bot=check is FillCheck.BOT),
        )
    except _OverLimit:
        return render(request, "support/rate_limited.html", context, status=429)
    except _ProbablyBot:
        # A bot sees a plausible thank-you and learns nothing; nothing is stored.
        return render(request, "support/sent_generic.html", context)
    return redirect(sent.result)


class _OverLimit(Exception):
    """Too many requests sent from this address: nothing is stored, the key stays unused."""


class _ProbablyBot(Exception):
    """The form looks filled in by a bot: nothing is stored."""


def _send(request: HttpRequest, *, submission: Submission, probably_bot: bool) -> str:
    """Store the request; returns its private page, where the sender goes next."""
    if not within_limits("support.submit", ip_hash(request), SUBMIT_LIMITS):
        raise _OverLimit
    if probably_bot:
        raise _ProbablyBot
    _support_request, token = support_request_submit(submission=submission)
    return reverse("support:private", kwargs={"token": token}) + "?sent=1"


@never_cache
@require_http_methods(["GET", "POST"])
def lost_link(request: HttpRequest) -> HttpResponse:
    """ "Lost your link?": an address in, the same answer whatever it is; the links go by email."""
    title = "Get the link to your request again"
    form = LostLinkForm(request.POST or None)
    if request.method == "POST":
        if not within_limits("support.lost_link.ip", ip_hash(request), LOST_LINK_IP_LIMITS):
            return render(request, "support/rate_limited.html", {"title": "Please wait"}, status=429)
        if form.is_valid():
            check = form.fill_check()
            if check is FillCheck.CONFIRM:
                # Sent very fast (autofill, voice control): ask once, never drop it silently.
                return fill_confirmation_page(request, posted=request.POST, title=title, uses_csrf_cookie=True)
            email = form.cleaned_data["email"]
            # Bots, and more asks for one address than a person needs, get the same answer and no email.
            if check is FillCheck.PERSON and within_limits(
                "support.lost_link.email", email_index(email), LOST_LINK_EMAIL_LIMITS
            ):
                support_links_request(email=email)
            return render(request, "support/lost_link_sent.html", {"title": title, "support_page": _support_page()})
    return render(
        request,
        "support/lost_link.html",
        {"title": title, "form": form, "support_page": _support_page()},
        status=400 if form.errors else 200,
    )


def _access_for_token(token: str) -> selectors.PrivateAccess:
    access = selectors.support_request_for_token(token=token)
    if access is None:
        raise Http404("No such request")
    return access


def _request_for_token(token: str) -> SupportRequest:
    return _access_for_token(token).support_request


@never_cache
@require_http_methods(["GET", "POST"])
def private(request: HttpRequest, token: str) -> HttpResponse:
    access = _access_for_token(token)
    support_request = access.support_request
    if access.by_emailed_link and support_request.email_unconfirmed:
        # Whoever reads the mailbox says whether this is theirs before seeing any of it.
        return _confirm_email(request, support_request, token)
    reply_form = ReplyForm()
    refusal = ""
    if request.method == "POST":
        reply_form = ReplyForm(request.POST)
        if not within_limits("support.reply", support_request.token_hash, REPLY_LIMITS):
            return render(request, "support/rate_limited.html", {"title": "Please wait"}, status=429)
        if reply_form.is_valid():
            body = reply_form.cleaned_data["body"]

            def reply() -> str:
                support_member_reply(support_request=support_request, body=body)
                return reverse("support:private", kwargs={"token": token}) + "?replied=1"

            try:
                # A double-clicked Send stores one reply and tells staff once.
                sent = submission_once(
                    key=reply_form.cleaned_data[KEY_FIELD],
                    scope=f"support.reply:{support_request.pk}",
                    answers=request.POST,
                    action=reply,
                )
            except SupportError as error:
                refusal = str(error)
            else:
                return redirect(sent.result)
    can_reply = support_request.status in OPEN_STATUSES or support_request.status in OUTCOME_STATUSES
    return render(
        request,
        "support/private.html",
        {
            "support_request": support_request,
            "messages_list": selectors.conversation(support_request=support_request, include_notes=False),
            # Staff corrections of the type or area are internal triage, not news for the member.
            "events": support_request.events.exclude(transition=CORRECTION),
            "closes_on": selectors.support_request_closes_on(support_request=support_request),
            "reply_form": reply_form,
            "refusal": refusal,
            "can_reply": can_reply,
            "can_withdraw": support_request.status in OPEN_STATUSES,
            "sent": request.GET.get("sent") == "1",
            "reply_expected": selectors.support_request_reply_expected(support_request=support_request),
            "replied": request.GET.get("replied") == "1",
            "confirmed": request.GET.get("confirmed") == "1",
            "private_url": request.build_absolute_uri(reverse("support:private", kwargs={"token": token})),
            "token": token,
            "support_page": _support_page(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    support_request = _request_for_token(token)
    if support_request.status not in OPEN_STATUSES:
        return redirect("support:private", token=token)
    if request.method == "POST":
        support_request_withdraw(support_request=support_request)
        return redirect("support:private", token=token)
    return render(request, "support/withdraw.html", {"support_request": support_request, "token": token})


def _confirm_email(request: HttpRequest, support_request: SupportRequest, token: str) -> HttpResponse:
    """The emailed link's first page: "this is my request" or "this was not me" (POST buttons,
    so a link scanner opening the email decides nothing)."""
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            support_request_confirm_email(support_request=support_request)
            return redirect(reverse("support:private", kwargs={"token": token}) + "?confirmed=1")
        if request.POST.get("action") == "disown":
            support_request_disown_email(support_request=support_request)
            return render(request, "support/email_disowned.html", {"support_page": _support_page()})
    return render(
        request,
        "support/confirm_email.html",
        {"support_request": support_request, "token": token, "support_page": _support_page()},
    )

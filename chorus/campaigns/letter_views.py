"""Public views of letter actions: the action's page, writing a letter, confirming it, and "Did your MP reply?".

Writing takes three screens and no JavaScript: who you are and where you live (which
finds your MP), your letter, then a check of both with a word on how like other letters
it is. Step 1's answers travel in a signed hidden field (letter_forms.seal_details), so
the server keeps nothing until "Send" and no personal data is ever in an address. Like
signing, the form posts to a cookie-free address (``letter_direct``) and sets no cookie.

The pages an emailed link opens (confirming, and answering "Did your MP reply?") hold no
session and set no cookie either: the token in the link is the only authority, posts from
other sites are refused by the browser's own headers (``cookie_free_form``), and a GET
never changes anything, so a mail scanner confirms and answers nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chorus.campaigns.http import cacheable_for_public
from chorus.campaigns.letter_emails import addressee
from chorus.campaigns.letter_forms import (
    LETTER_MAX_CHARS,
    LetterDetailsForm,
    LetterWriteForm,
    ReplyTextForm,
    WriterDetails,
    open_details,
    seal_details,
)
from chorus.campaigns.letter_selectors import (
    letter_expected_day,
    letter_for_reply_token,
    letter_for_token,
    letters_summary,
)
from chorus.campaigns.models import (
    NAMED_TARGET_KEY,
    ActionPage,
    ConstituentLetter,
    LetterToRepresentativePage,
    ReplyReport,
)
from chorus.campaigns.selectors import live_action, live_action_url, public_updates
from chorus.campaigns.services.letter_replies import letter_reply_report, letter_reply_text_save
from chorus.campaigns.services.letters import (
    LetterConfirmOutcome,
    LetterSubmitOutcome,
    LetterTarget,
    letter_confirm,
    letter_confirm_state,
    letter_similarity,
    letter_submit,
    similarity_level,
)
from chorus.core.antibot import BLANK_FORM_CACHE_SECONDS, FillCheck, fill_confirmation_page
from chorus.core.http import cookie_free_form
from chorus.core.idempotency import submission_once
from chorus.core.ratelimit import ip_hash

# The buttons of the writing flow (the "step" each posts).
STEP_DETAILS = "details"  # step 1 sent: find the MP, then show the letter
STEP_CHANGE_DETAILS = "change-details"  # back to step 1 with the answers in it
STEP_CHECK = "check"  # the letter sent: show the check page
STEP_EDIT = "edit"  # back from the check page to the letter
STEP_SEND = "send"  # store it and email the confirmation link


def _letter_action(action: ActionPage) -> LetterToRepresentativePage:
    if not isinstance(action, LetterToRepresentativePage):
        raise Http404("This action takes signatures, not letters.")
    return action


def letter_action(request: HttpRequest, action: ActionPage) -> HttpResponse:
    """The action's page: the ask, the briefing, who the letters go to, and what has come of them."""
    letters = _letter_action(action)
    summary = letters_summary(action_id=letters.pk)
    context = {"summary": summary, "updates": public_updates(action_id=letters.pk)}
    return cacheable_for_public(request, letters.render(request, context_overrides=context))


def check_email(request: HttpRequest, action: ActionPage) -> HttpResponse:
    """ "Check your email": the same page whatever became of the letter, so it reveals nothing."""
    response = render(request, "campaigns/letter_check_email.html", {"page": _letter_action(action)})
    return cacheable_for_public(request, response)


def _never_cached(response: HttpResponse) -> HttpResponse:
    # Every page after the blank form holds what someone typed.
    add_never_cache_headers(response)
    return response


def _draft(request: HttpRequest, name: str = "draft") -> str:
    """A letter already written, carried through step 1 when the writer changes their details."""
    return str(request.POST.get(name, ""))[: LETTER_MAX_CHARS * 2]


def _details_page(
    request: HttpRequest,
    action: LetterToRepresentativePage,
    form: LetterDetailsForm,
    *,
    status: int = 200,
    draft: str | None = None,
) -> HttpResponse:
    context = {
        "page": action,
        "form": form,
        "draft": _draft(request) if draft is None else draft,
        "post_to": reverse("campaigns:letter", kwargs={"key": action.pk}),
    }
    return _never_cached(render(request, "campaigns/letter_details.html", context, status=status))


def _write_page(
    request: HttpRequest,
    action: LetterToRepresentativePage,
    form: LetterWriteForm,
    *,
    writer: WriterDetails,
    target: LetterTarget,
    status: int = 200,
) -> HttpResponse:
    context = {
        "page": action,
        "form": form,
        "writer": writer,
        "target": target,
        "prompts": action.prompt_list(),
        "post_to": reverse("campaigns:letter", kwargs={"key": action.pk}),
    }
    return _never_cached(render(request, "campaigns/letter_write.html", context, status=status))


def _start_again(request: HttpRequest, action: LetterToRepresentativePage) -> HttpResponse:
    """Step 1 again, blank, when the sealed answers are too old or were altered."""
    form = LetterDetailsForm(action=action)
    form.start_again = True  # type: ignore[attr-defined]
    return _details_page(request, action, form, status=400)


def write(request: HttpRequest, action: ActionPage) -> HttpResponse:
    """Every screen of writing a letter: one address, the step named by the button pressed."""
    letters = _letter_action(action)
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    if not letters.is_open:
        return render(request, "campaigns/letter_closed.html", {"page": letters})
    if request.method != "POST":
        response = render(
            request,
            "campaigns/letter_details.html",
            {
                "page": letters,
                "form": LetterDetailsForm(action=letters),
                "post_to": reverse("campaigns:letter", kwargs={"key": letters.pk}),
            },
        )
        return cacheable_for_public(request, response, seconds=BLANK_FORM_CACHE_SECONDS)
    step = request.POST.get("step", STEP_DETAILS)
    if step == STEP_DETAILS:
        return _details_sent(request, letters)
    if step == STEP_CHANGE_DETAILS:
        writer = open_details(request.POST.get("details", ""))
        if writer is None:
            return _start_again(request, letters)
        initial: dict[str, Any] = {**asdict(writer), "seat": writer.target_key}
        form = LetterDetailsForm(initial=initial, action=letters)
        return _details_page(request, letters, form, draft=_draft(request, "body"))
    return _letter_sent(request, letters, step)


def _details_sent(request: HttpRequest, action: LetterToRepresentativePage) -> HttpResponse:
    form = LetterDetailsForm(request.POST, action=action)
    if not form.is_valid() or form.target is None:
        return _details_page(request, action, form, status=400)
    check = form.fill_check()
    if check is FillCheck.CONFIRM:
        # Sent very fast (autofill, voice control): ask once, never drop it silently.
        return fill_confirmation_page(
            request, posted=request.POST, title=f"Write: {action.title}", uses_csrf_cookie=False
        )
    writer = form.writer_details(bot=check is FillCheck.BOT)
    write_form = LetterWriteForm(initial={"details": seal_details(writer), "body": _draft(request)}, action=action)
    return _write_page(request, action, write_form, writer=writer, target=form.target)


def _letter_sent(request: HttpRequest, action: LetterToRepresentativePage, step: str) -> HttpResponse:
    form = LetterWriteForm(request.POST, action=action)
    valid = form.is_valid()
    writer = form.writer
    target = form.target() if writer is not None else None
    if writer is None:
        return _start_again(request, action)
    if target is None or target.vacant:
        # The seat fell vacant or went away since step 1: say so there.
        details = LetterDetailsForm({**asdict(writer), "seat": writer.target_key}, action=action)
        return _details_page(request, action, details, status=400, draft=_draft(request, "body"))
    if step == STEP_EDIT or not valid:
        # Back to the letter as it was posted, with its one-time key.
        return _write_page(request, action, form, writer=writer, target=target, status=200 if valid else 400)
    body = form.cleaned_data["body"]
    if step != STEP_SEND:
        score = letter_similarity(action=action, target_key=target.key, body=body)
        context = {
            "page": action,
            "form": form,
            "writer": writer,
            "target": target,
            "body": body,
            "level": similarity_level(score),
            "percent": round(score * 100),
            "prompts": action.prompt_list(),
            "post_to": reverse("campaigns:letter", kwargs={"key": action.pk}),
        }
        return _never_cached(render(request, "campaigns/letter_check.html", context))

    def submit() -> str:
        outcome = letter_submit(
            action=action, details=writer.letter(body), ip_hash=ip_hash(request), is_bot=writer.bot
        )
        return str(outcome)

    submitted = submission_once(
        key=form.cleaned_data.get("submission_key", ""),
        scope=f"campaigns.letter:{action.pk}",
        action=submit,
        answers=request.POST,
    )
    if submitted.result == LetterSubmitOutcome.CLOSED:
        return render(request, "campaigns/letter_closed.html", {"page": action})
    if submitted.result == LetterSubmitOutcome.NO_TARGET:
        details = LetterDetailsForm({**asdict(writer), "seat": writer.target_key}, action=action)
        return _details_page(request, action, details, status=400, draft=body)
    # The same answer whatever happened: new, repeat, already written, blocked or limited.
    return HttpResponseRedirect(live_action_url(action) + "letter/check-your-email/")


@cookie_free_form
def letter_direct(request: HttpRequest, key: str) -> HttpResponse:
    """The writing screens at their cookie-free address, found by the action's id or slug."""
    action = live_action(key=key)
    if action is None:
        raise Http404("No such campaign action.")
    return write(request, action)


@never_cache
@cookie_free_form
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the letter and a button; only the POST confirms, so link scanners send nothing.

    Once confirmed, the same link shows where the letter is (queued, or sent).
    """
    letter = letter_for_token(token=token)
    if request.method == "POST":
        outcome = letter_confirm(letter=letter)
        if letter is not None and outcome in (LetterConfirmOutcome.CONFIRMED, LetterConfirmOutcome.ALREADY_CONFIRMED):
            # Post/Redirect/Get: a refresh never posts again.
            return HttpResponseRedirect(request.path)
        return _confirm_problem(request, letter, outcome)
    problem = letter_confirm_state(letter)
    if problem is LetterConfirmOutcome.ALREADY_CONFIRMED:
        assert letter is not None
        return _queued(request, letter)
    if problem is not None:
        return _confirm_problem(request, letter, problem)
    assert letter is not None
    return render(request, "campaigns/letter_confirm.html", {"letter": letter, "page": letter.action})


def _queued(request: HttpRequest, letter: ConstituentLetter) -> HttpResponse:
    context = {"letter": letter, "page": letter.action, "expected_day": letter_expected_day(letter)}
    return render(request, "campaigns/letter_queued.html", context)


def _confirm_problem(
    request: HttpRequest, letter: ConstituentLetter | None, outcome: LetterConfirmOutcome
) -> HttpResponse:
    page = letter.action if letter is not None else None
    return render(request, "campaigns/letter_link_problem.html", {"outcome": outcome, "page": page}, status=400)


# --- "Did your MP reply?" -------------------------------------------------------------------------


def _reply_page(
    request: HttpRequest, letter: ConstituentLetter, *, form: ReplyTextForm | None = None, status: int = 200
) -> HttpResponse:
    if form is None and letter.reply_report == ReplyReport.YES:
        form = ReplyTextForm(initial={"text": letter.reply_text, "may_share": letter.reply_may_share})
    context = {
        "letter": letter,
        "page": letter.action,
        "addressee": addressee(letter),
        "to_an_mp": letter.target_key != NAMED_TARGET_KEY,
        "answers": ReplyReport.choices,
        "form": form,
    }
    return render(request, "campaigns/letter_reply.html", context, status=status)


@never_cache
@cookie_free_form
@require_http_methods(["GET", "HEAD", "POST"])
def reply(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the question (and any answer given); each POST records one thing, then shows the page again."""
    letter = letter_for_reply_token(token=token)
    if letter is None:
        return render(request, "campaigns/letter_reply_bad_link.html", status=404)
    if request.method != "POST":
        return _reply_page(request, letter)
    if "answer" in request.POST:
        try:
            answer = ReplyReport(request.POST["answer"])
        except ValueError:
            return render(request, "campaigns/letter_reply_bad_link.html", {"bad_answer": True}, status=400)
        letter_reply_report(letter=letter, answer=answer)
        # Post/Redirect/Get: a refresh never posts again.
        return HttpResponseRedirect(request.path)
    if letter.reply_report != ReplyReport.YES:
        # The reply box is offered only after "yes": answer first.
        return _reply_page(request, letter, status=400)
    form = ReplyTextForm(request.POST)
    if not form.is_valid():
        return _reply_page(request, letter, form=form, status=400)
    letter_reply_text_save(letter=letter, text=form.cleaned_data["text"], may_share=form.cleaned_data["may_share"])
    return HttpResponseRedirect(request.path + "?kept=1")

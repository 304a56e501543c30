"""Public views for campaign actions. Thin: parse input, call one service, render or redirect.

No page of the signing flow sets a cookie. The action page carries no form, and the
blank form on its ``sign/`` page is the same for everyone, so a crowd refreshing either
is served from caches. Posts from other sites are refused by the browser's own headers
(``cookie_free_form``) rather than a CSRF cookie; see docs/decisions/0004.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from chorus.campaigns.forms import EasyReadSignForm, OpenLetterSignForm, PetitionSignForm, SignFormBase
from chorus.campaigns.http import cacheable_for_public
from chorus.campaigns.models import ActionPage, PetitionPage
from chorus.campaigns.selectors import (
    ConfirmOutcome,
    action_count,
    actions_alongside,
    confirm_state,
    consent_scope,
    goal_percent,
    listed_signatures,
    live_action,
    live_action_url,
    milestones_reached,
    public_updates,
    signature_for_token,
)
from chorus.campaigns.services.confirmation import signature_confirm_found
from chorus.campaigns.services.signing import signature_submit
from chorus.campaigns.sharing import mastodon_share_url, share_context, share_image
from chorus.campaigns.tokens import read_stop_updates_token
from chorus.core.antibot import BLANK_FORM_CACHE_SECONDS, FillCheck, fill_confirmation_page
from chorus.core.http import cookie_free_form, mark_publicly_cacheable
from chorus.core.ratelimit import ip_hash
from chorus.people.models import ConsentPurpose, Person
from chorus.people.services import consent_withdraw

SIGNATORIES_PER_PAGE = 50


def _count_context(action: ActionPage) -> dict[str, Any]:
    count = action_count(action_id=action.pk)
    context: dict[str, Any] = {"count": count}
    if isinstance(action, PetitionPage):
        milestones = action.milestone_list()
        context["milestones"] = milestones
        context["milestones_reached"] = milestones_reached(milestones=milestones, total=count.total)
        context["goal_percent"] = goal_percent(total=count.total, goal=action.goal)
    return context


def action_detail(request: HttpRequest, action: ActionPage) -> HttpResponse:
    count_context = _count_context(action)
    context = {
        **count_context,
        "updates": public_updates(action_id=action.pk),
        **share_context(action, total=count_context["count"].total),
    }
    return cacheable_for_public(request, action.render(request, context_overrides=context))


def easy_read(request: HttpRequest, action: ActionPage) -> HttpResponse:
    if not action.easy_read_summary:
        raise Http404("This action has no Easy Read version.")
    response = render(request, "campaigns/easy_read.html", {"page": action, "self": action})
    return cacheable_for_public(request, response)


def _form_for(action: ActionPage, data: Any = None) -> SignFormBase:
    if action.allows_organisations:
        return OpenLetterSignForm(data)
    return PetitionSignForm(data, asks_postcode=action.asks_postcode)


def sign(request: HttpRequest, action: ActionPage) -> HttpResponse:
    """The form and its post. Every form posts to ``sign_direct``, which checks where the
    post came from; a page's own ``sign/`` route behind Wagtail keeps Django's CSRF check."""
    return _signing(request, action, form_for=_form_for, template="campaigns/sign.html")


def _easy_read_form_for(action: ActionPage, data: Any = None) -> SignFormBase:
    return EasyReadSignForm(data)


def easy_read_sign(request: HttpRequest, action: ActionPage) -> HttpResponse:
    """The Easy Read version's short form: fewer fields, the same service and emails."""
    if not action.easy_read_summary:
        raise Http404("This action has no Easy Read version.")
    return _signing(request, action, form_for=_easy_read_form_for, template="campaigns/easy_read_sign.html")


def _signing(
    request: HttpRequest,
    action: ActionPage,
    *,
    form_for: Callable[[ActionPage, Any], SignFormBase],
    template: str,
) -> HttpResponse:
    """One signing flow for every form: validate, hand the details to ``signature_submit``,
    then the same check-your-email page."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    if not action.takes_signatures:
        # A letter action's people write their own letters (letter_views); nobody signs it.
        raise Http404("This action takes letters, not signatures.")
    if not action.is_open:
        response = render(request, "campaigns/sign_closed.html", {"page": action})
        return response
    if request.method == "POST":
        form = form_for(action, request.POST)
        if form.is_valid():
            check = form.fill_check()
            if check is FillCheck.CONFIRM:
                # Sent very fast (autofill, voice control): ask once, never drop it silently.
                return fill_confirmation_page(
                    request, posted=request.POST, title=f"Sign: {action.title}", uses_csrf_cookie=False
                )
            signature_submit(
                action=action, details=form.details(), ip_hash=ip_hash(request), is_bot=check is FillCheck.BOT
            )
            # The same answer whatever happened: new, repeat, blocked or limited.
            return HttpResponseRedirect(live_action_url(action) + "sign/check-your-email/")
        response = render(request, template, {"page": action, "form": form}, status=400)
        # The form holds what someone typed; never keep it in any cache.
        add_never_cache_headers(response)
        return response
    response = render(request, template, {"page": action, "form": form_for(action, None)})
    return cacheable_for_public(request, response, seconds=BLANK_FORM_CACHE_SECONDS)


@cookie_free_form
def sign_direct(request: HttpRequest, key: str) -> HttpResponse:
    return sign(request, _find_action(key))


@cookie_free_form
def easy_read_sign_direct(request: HttpRequest, key: str) -> HttpResponse:
    return easy_read_sign(request, _find_action(key))


def check_email(request: HttpRequest, action: ActionPage) -> HttpResponse:
    response = render(request, "campaigns/check_email.html", {"page": action})
    return cacheable_for_public(request, response)


def confirmed(request: HttpRequest, action: ActionPage) -> HttpResponse:
    """Where a confirmation lands: the same page for everyone, so served from the caches.

    It offers next steps that need to know nothing about the reader: the campaign's
    other open actions, the bulletin (offered to all: whether this signer subscribes
    is not knowable without a cookie or a lookup of who they are), and sharing.
    """
    context = {
        "page": action,
        "outcome": ConfirmOutcome.CONFIRMED,
        "next_actions": actions_alongside(action),
        **share_context(action, total=action_count(action_id=action.pk).total),
    }
    return cacheable_for_public(request, render(request, "campaigns/confirmed.html", context))


def signatories(request: HttpRequest, action: ActionPage) -> HttpResponse:
    paginator = Paginator(listed_signatures(action_id=action.pk), SIGNATORIES_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    response = render(
        request,
        "campaigns/signatories.html",
        {"page": action, "page_obj": page_obj, **_count_context(action)},
    )
    return cacheable_for_public(request, response)


@never_cache
@cookie_free_form
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms, so link scanners cannot sign for anyone."""
    signature = signature_for_token(token=token)
    page = live_action(key=str(signature.action_id)) if signature else None
    if request.method == "POST":
        outcome = signature_confirm_found(signature)
        if page is not None and outcome in (ConfirmOutcome.CONFIRMED, ConfirmOutcome.ALREADY_CONFIRMED):
            # Post/Redirect/Get: a refresh never posts again, and the thank-you page is cached.
            return HttpResponseRedirect(live_action_url(page) + "sign/confirmed/")
        return render(request, "campaigns/confirmed.html", {"outcome": outcome, "page": page}, status=400)
    problem = confirm_state(signature)
    if problem is not None:
        return render(
            request,
            "campaigns/confirmed.html",
            {"outcome": problem, "page": page},
            status=200 if problem == ConfirmOutcome.ALREADY_CONFIRMED else 400,
        )
    return render(request, "campaigns/confirm.html", {"signature": signature, "page": page})


def _find_action(key: str) -> ActionPage:
    """The live, public action for an id or slug: the busiest lookup in a surge."""
    action = live_action(key=key)
    if action is None:
        raise Http404("No such campaign action.")
    return action


def _find_signed_action(key: str) -> ActionPage:
    """The live, public action for an id or slug, if people sign it: a letter action has no count to show."""
    action = _find_action(key)
    if not action.takes_signatures:
        raise Http404("This action takes letters, not signatures.")
    return action


@require_safe  # HEAD too: link checkers and monitors ask with it
def count_json(request: HttpRequest, key: str) -> HttpResponse:
    action = _find_signed_action(key)
    count = action_count(action_id=action.pk)
    data: dict[str, Any] = {
        "id": action.pk,
        "title": action.title,
        "state": action.effective_state,
        "total": count.total,
        "individuals": count.individuals,
        "organisations": count.organisations,
        "refreshed_at": count.refreshed_at.isoformat() if count.refreshed_at else None,
    }
    if isinstance(action, PetitionPage):
        data["goal"] = action.goal
        data["milestones_reached"] = milestones_reached(milestones=action.milestone_list(), total=count.total)
    response = JsonResponse(data)
    return mark_publicly_cacheable(response, max_age=settings.CHORUS_CAMPAIGNS_CACHE_SECONDS)


@require_safe
def share_image_png(request: HttpRequest, key: str) -> HttpResponse:
    """The link-preview image of an action's count, drawn here (sharing.share_image)."""
    action = _find_signed_action(key)
    png = share_image(action, total=action_count(action_id=action.pk).total)
    response = HttpResponse(png, content_type="image/png")
    return mark_publicly_cacheable(response, max_age=settings.CHORUS_CAMPAIGNS_CACHE_SECONDS)


@never_cache
@cookie_free_form
@require_http_methods(["GET", "HEAD", "POST"])
def share_on_mastodon(request: HttpRequest, key: str) -> HttpResponse:
    """Ask for the reader's Mastodon server, then send them to its share page.

    A POST, so the server someone uses stays out of addresses and logs; the GET only
    shows the form (for anyone who arrives without the action page's own copy of it).
    """
    action = _find_action(key)
    server = request.POST.get("server", "") if request.method == "POST" else ""
    if request.method == "POST":
        target = mastodon_share_url(server=server[:300], action=action)
        if target is not None:
            return HttpResponseRedirect(target)
    error = "Enter your Mastodon server's name, like mastodon.social" if request.method == "POST" else ""
    context = {"page": action, "error": error, "server": server[:300]}
    return render(request, "campaigns/share_mastodon.html", context, status=400 if error else 200)


@csrf_exempt  # RFC 8058: mail providers POST with no cookie; the signed token is the authority.
@never_cache
@require_http_methods(["GET", "POST"])
def stop_updates(request: HttpRequest, token: str) -> HttpResponse:
    """The stop link in every campaign update: a GET only shows a button, so link
    scanners stop nothing; the POST (the button, or a mail program's one-click) withdraws
    this action's updates consent and nothing else."""
    found = read_stop_updates_token(token)
    person = Person.objects.filter(pk=found.person_id).first() if found else None
    if found is None or person is None:
        return render(request, "campaigns/updates_bad_link.html", status=404)
    action = ActionPage.objects.filter(pk=found.action_id).only("title").first()
    context = {"action_title": action.title if action else "this campaign"}
    if request.method == "POST":
        consent_withdraw(
            person=person,
            purpose=ConsentPurpose.CAMPAIGN_UPDATES,
            scope=consent_scope(found.action_id),
            via="campaign update stop link",
        )
        # Never a redirect: one-click clients expect a plain success answer.
        return render(request, "campaigns/updates_stopped.html", context)
    return render(request, "campaigns/updates_stop.html", context)

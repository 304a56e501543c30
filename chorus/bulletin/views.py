"""Public bulletin views: subscribe, confirm, preferences, one-click unsubscribe, feed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from chorus.bulletin.forms import PreferencesForm, SubscribeForm
from chorus.bulletin.models import Subscription, SubscriptionStatus
from chorus.bulletin.selectors import subscription_for_confirm_token, subscription_for_manage_token
from chorus.bulletin.services import subscriptions
from chorus.core.antibot import BLANK_FORM_CACHE_SECONDS, FillCheck, fill_confirmation_page
from chorus.core.http import cookie_free_form, mark_publicly_cacheable
from chorus.core.ratelimit import Limit, ip_hash, within_limits

SUBSCRIBE_LIMITS = [Limit(10, 60), Limit(60, 3600)]


def _bad_link(request: HttpRequest) -> HttpResponse:
    return render(request, "bulletin/bad_link.html", status=404)


@cookie_free_form
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """Cookie-free (docs/decisions/0004): the form also sits on the bulletin's own page,
    which only shows content, and a subscription starts only from the emailed link."""
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            if not within_limits("bulletin-subscribe", ip_hash(request), SUBSCRIBE_LIMITS):
                return render(request, "bulletin/too_many.html", status=429)
            check = form.fill_check()
            if check is FillCheck.CONFIRM:
                # Sent very fast (autofill, voice control): ask once, never drop it silently.
                return fill_confirmation_page(
                    request, posted=request.POST, title="Subscribe to the bulletin", uses_csrf_cookie=False
                )
            if check is FillCheck.PERSON:
                subscriptions.subscription_request_queue(
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                    topic_ids=[area.pk for area in form.cleaned_data["topics"]],
                )
            # Same answer for new, repeated and bot submissions: nothing leaks.
            return HttpResponseRedirect(reverse("bulletin:check_email"))
        status = 400
    else:
        form = SubscribeForm()
        status = 200
    response = render(
        request,
        "bulletin/subscribe.html",
        {"form": form, "consent_wording": subscriptions.CONSENT_WORDING},
        status=status,
    )
    if status == 200:
        # The blank form is the same for everyone but its fill-time stamp: cache it briefly.
        mark_publicly_cacheable(response, max_age=BLANK_FORM_CACHE_SECONDS)
    else:
        add_never_cache_headers(response)  # it holds what someone typed
    return response


def check_email(request: HttpRequest) -> HttpResponse:
    return mark_publicly_cacheable(render(request, "bulletin/check_email.html"))


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # A GET only shows a button, so link scanners that open the link subscribe no one.
    subscription = subscription_for_confirm_token(token=token)
    if subscription is None:
        return _bad_link(request)
    if request.method == "POST":
        subscription = subscriptions.subscription_confirm(subscription=subscription)
        return render(request, "bulletin/confirmed.html", {"preferences_token": _manage(subscription)})
    return render(request, "bulletin/confirm.html")


def _manage(subscription: Subscription) -> str:
    from chorus.bulletin.tokens import manage_token

    return manage_token(subscription.pk)


DONE_MESSAGES = {
    "saved": "Your choices are saved.",
    "unsubscribed": "You have unsubscribed. We will not send you the bulletin again.",
    "resubscribed": "Welcome back. You will get the next bulletin.",
}


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscription_for_manage_token(token=token)
    if subscription is None:
        return _bad_link(request)
    here = reverse("bulletin:preferences", args=[token])
    form = PreferencesForm(
        initial={
            "topics": list(subscription.topics.all()),
            "paused": subscription.status == SubscriptionStatus.PAUSED,
        }
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "unsubscribe":
            subscriptions.subscription_unsubscribe(subscription=subscription, via="bulletin preferences page")
            return HttpResponseRedirect(f"{here}?done=unsubscribed")
        if action == "resubscribe":
            subscriptions.subscription_resubscribe(subscription=subscription)
            return HttpResponseRedirect(f"{here}?done=resubscribed")
        form = PreferencesForm(request.POST)
        if form.is_valid() and subscription.status in {SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED}:
            subscriptions.subscription_update(
                subscription=subscription,
                topic_ids=[area.pk for area in form.cleaned_data["topics"]],
                paused=form.cleaned_data["paused"],
            )
            return HttpResponseRedirect(f"{here}?done=saved")
        status = 400
    return render(
        request,
        "bulletin/preferences.html",
        {
            "form": form,
            "subscription": subscription,
            "receiving": subscription.status in {SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED},
            "done": DONE_MESSAGES.get(request.GET.get("done", "")),
        },
        status=status,
    )


@csrf_exempt  # RFC 8058: mail providers POST with no cookie; the signed token is the authority.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscription_for_manage_token(token=token)
    if subscription is None:
        return _bad_link(request)
    if request.method == "POST":
        subscriptions.subscription_unsubscribe(subscription=subscription, via="one-click unsubscribe")
        # Never a redirect: one-click clients expect a plain success answer.
        return render(request, "bulletin/unsubscribed.html", {"token": token})
    return render(request, "bulletin/unsubscribe.html")

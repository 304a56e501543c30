"""The self-service privacy page: prove you own an address, then see, download,
withdraw or erase what we hold. No account and no cookie beyond CSRF; access lives
in a short-lived token in the address, and every page is never cached."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chorus.core.antibot import FillCheck, fill_confirmation_page
from chorus.core.audit import log_action
from chorus.core.crypto import email_index
from chorus.core.ratelimit import Limit, ip_hash, within_limits
from chorus.core.times import iso_moment
from chorus.people import selectors, services
from chorus.people.forms import ConsentWithdrawForm, PrivacyRequestForm
from chorus.people.models import PrivacyGrant

IP_LIMITS = [Limit(5, 600), Limit(30, 86400)]
EMAIL_LIMITS = [Limit(3, 3600)]
_INVALID_STATUS = {"unknown": 404, "expired": 410, "used": 410}


def token_stays_private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages whose address holds a token never send it on, not even to our own static files."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        # Origin only, never the path: "no-referrer" would make browsers send "Origin: null"
        # on our own POST forms, which CSRF protection rightly refuses.
        response["Referrer-Policy"] = "strict-origin"
        return response

    return wrapped


def _invalid(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "people/privacy_invalid.html", {"reason": reason}, status=_INVALID_STATUS[reason])


@never_cache
@require_http_methods(["GET", "POST"])
def privacy_start(request: HttpRequest) -> HttpResponse:
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST":
        if not within_limits("people.privacy.ip", ip_hash(request), IP_LIMITS):
            return render(request, "people/privacy_limited.html", status=429)
        if form.is_valid():
            email = form.cleaned_data["email"]
            # Bots and repeat requests for one address get the same answer and no email.
            check = form.fill_check()
            if check is FillCheck.CONFIRM:
                # Sent very fast (autofill, voice control): ask once, never drop it silently.
                return fill_confirmation_page(
                    request,
                    posted=request.POST,
                    title="See or erase the data we hold about you",
                    uses_csrf_cookie=True,
                )
            if check is FillCheck.PERSON and within_limits("people.privacy.email", email_index(email), EMAIL_LIMITS):
                services.privacy_link_request(email=email)
            return render(request, "people/privacy_sent.html", {"minutes": settings.CHORUS_PRIVACY_LINK_MINUTES})
    context = {"form": form, "minutes": settings.CHORUS_PRIVACY_LINK_MINUTES}
    return render(request, "people/privacy_start.html", context, status=400 if form.errors else 200)


@token_stays_private
@never_cache
@require_http_methods(["GET", "POST"])
def privacy_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button; the POST uses the link, so mail scanners cannot."""
    try:
        if request.method == "POST":
            access = services.privacy_link_confirm(token=token)
            return HttpResponseRedirect(reverse("people:privacy_manage", kwargs={"token": access}))
        selectors.privacy_link_check(token=token)
    except selectors.PrivacyTokenError as error:
        return _invalid(request, error.reason)
    return render(request, "people/privacy_link.html", {"token": token})


def _grant(token: str) -> PrivacyGrant:
    return selectors.privacy_grant_check(token=token)


@token_stays_private
@never_cache
@require_http_methods(["GET"])
def privacy_manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        grant = _grant(token)
    except selectors.PrivacyTokenError as error:
        return _invalid(request, error.reason)
    person = grant.person
    groups = selectors.person_data_held(person=person)
    log_action("people.privacy.viewed", obj=person, screen="/privacy/access/", data={"groups": len(groups)})
    context = {
        "token": token,
        "groups": groups,
        "consents": selectors.person_consents_to_withdraw(person=person),
        "expires_at": grant.expires_at,
        "withdrawn": request.GET.get("withdrawn") == "1",
    }
    return render(request, "people/privacy_manage.html", context)


@token_stays_private
@never_cache
@require_http_methods(["GET"])
def privacy_download(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    if fmt not in {"json", "csv"}:
        return render(request, "404.html", status=404)
    try:
        grant = _grant(token)
    except selectors.PrivacyTokenError as error:
        return _invalid(request, error.reason)
    groups = selectors.person_data_held(person=grant.person)
    log_action("people.privacy.downloaded", obj=grant.person, screen="/privacy/access/", data={"format": fmt})
    stamp = timezone.now().strftime("%Y-%m-%d")
    if fmt == "json":
        document = {
            "generated_at": iso_moment(timezone.now()),
            "time_zone": settings.TIME_ZONE,
            "groups": selectors.held_as_json(groups),
        }
        body = json.dumps(document, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(selectors.held_as_rows(groups))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chorus-my-data-{stamp}.{fmt}"'
    return response


@token_stays_private
@never_cache
@require_POST
def privacy_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    try:
        grant = _grant(token)
    except selectors.PrivacyTokenError as error:
        return _invalid(request, error.reason)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", status=400)
    services.consent_withdraw_one(person=grant.person, consent_id=form.cleaned_data["consent_id"], via="privacy page")
    url = reverse("people:privacy_manage", kwargs={"token": token})
    return HttpResponseRedirect(f"{url}?withdrawn=1#agreements")


@token_stays_private
@never_cache
@require_http_methods(["GET", "POST"])
def privacy_erase(request: HttpRequest, token: str) -> HttpResponse:
    try:
        grant = _grant(token)
    except selectors.PrivacyTokenError as error:
        return _invalid(request, error.reason)
    if request.method == "POST":
        reports = services.person_erase(person=grant.person, via="privacy page")
        kept = [line for report in reports for line in report.kept]
        return render(request, "people/privacy_erased.html", {"kept": kept})
    # The question says what will go: each kind of record we hold, by its title (no values).
    groups = selectors.person_data_held(person=grant.person)
    return render(request, "people/privacy_erase.html", {"token": token, "groups": groups})

"""Staff screens: setting up and passing the second sign-in step (passkeys too), resetting
someone else's, and the audit log."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import CompleteCredentialAuthenticationView, CompleteCredentialRegistrationView
from wagtail.admin.views.account import PasswordResetView

from chorus.accounts.forms import (
    AuditFilterForm,
    StaffPasswordResetForm,
    TokenForm,
    TwoFactorResetForm,
    VerifyTokenForm,
)
from chorus.accounts.lockout import password_reset_allowed
from chorus.accounts.models import User
from chorus.accounts.permissions import two_factor_reset_refusal
from chorus.accounts.selectors import audit_actors, audit_events_filtered, audit_seal_status
from chorus.accounts.services import password_reset_request
from chorus.accounts.services import two_factor_reset as two_factor_reset_service
from chorus.core.audit import log_action
from chorus.core.audit_events import describe_events, event_label
from chorus.core.idempotency import submission_once
from chorus.core.models import AuditEvent
from chorus.core.spreadsheets import csv_lines
from chorus.core.staff import StaffRequiredMixin, staff_required


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _passkey_context(request: HttpRequest) -> dict[str, Any]:
    """Whether this page's address can use passkeys, and if not, the address that can.

    A passkey belongs to the site's address (``SITE_URL``); a browser refuses to make or
    use one anywhere else, such as the demo opened at 127.0.0.1 instead of localhost.
    """
    here = f"{request.scheme}://{request.get_host()}"
    origins = list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
    return {"passkeys_here": here in origins, "passkey_address": origins[0] if origins else ""}


@never_cache
@staff_required(second_factor=False)
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add a second factor: a passkey (needs JavaScript), or an authenticator app (a QR
    code and the same secret as text, then one code to confirm).

    Someone who has a second factor and has used it this session may add another here;
    someone who has one but has not used it yet is sent to use it first.
    """
    user = request.user
    next_url = _next_url(request)
    verified = user.is_verified()  # type: ignore[union-attr]
    has_devices = any(devices_for_user(user, confirmed=True))
    if has_devices and not verified:
        return HttpResponseRedirect(f"{reverse('accounts_two_factor_verify')}?{urlencode({'next': next_url})}")
    context: dict[str, Any] = {"next": next_url, "adding": has_devices, **_passkey_context(request)}
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():  # type: ignore[misc]
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()  # type: ignore[misc]
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)  # type: ignore[misc]
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                if not verified:
                    otp_login(request, device)
                method = {"method": "authenticator app"}
                log_action("accounts.two_factor.enrolled", obj=user, request=request, data=method)  # type: ignore[arg-type]
                return HttpResponseRedirect(next_url)
            form.add_error("token", "That code did not match. Check the time on your phone and try the newest code.")
        context["form"] = form
        context["secret"] = _grouped(base64.b32encode(device.bin_key).decode())
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=4, title="QR code holding your two-factor secret", dark="#000", light="#fff"
        )
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@staff_required(second_factor=False)
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a passkey, a code from an authenticator app, or a backup code."""
    user = request.user
    devices = list(devices_for_user(user, confirmed=True))
    next_url = _next_url(request)
    if not devices:
        return HttpResponseRedirect(f"{reverse('accounts_two_factor_setup')}?{urlencode({'next': next_url})}")
    has_passkey = any(isinstance(device, WebAuthnCredential) for device in devices)
    # Authenticator apps and backup codes are checked the same way: a code typed in a form.
    takes_codes = any(not isinstance(device, WebAuthnCredential) for device in devices)
    form = VerifyTokenForm(request.POST or None) if takes_codes else None
    if form is not None and request.method == "POST" and form.is_valid():
        matched = match_token(user, form.cleaned_data["token"])
        if matched is not None:
            otp_login(request, matched)
            method = "backup code" if isinstance(matched, StaticDevice) else "authenticator app"
            log_action("accounts.two_factor.verified", obj=user, request=request, data={"method": method})  # type: ignore[arg-type]
            return HttpResponseRedirect(next_url)
        log_action("accounts.two_factor.failed", obj=user, request=request)  # type: ignore[arg-type]
        form.add_error("token", "That code did not match. Try the newest code from your app, or a backup code.")
    context = {"form": form, "next": next_url, "has_passkey": has_passkey, **_passkey_context(request)}
    return render(request, "accounts/two_factor_verify.html", context)


class PasskeyRegistrationCompleteView(StaffRequiredMixin, CompleteCredentialRegistrationView):  # type: ignore[misc]
    """django-otp-webauthn's last registration step, recorded in the audit log."""

    # Reached while setting up a first second factor, before any has been passed.
    second_factor_required = False

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post(*args, **kwargs)
        log_action(
            "accounts.two_factor.enrolled", obj=self.request.user, request=self.request, data={"method": "passkey"}
        )
        return response


class PasskeyVerifyCompleteView(StaffRequiredMixin, CompleteCredentialAuthenticationView):  # type: ignore[misc]
    """django-otp-webauthn's last sign-in step, as a second factor only: audited, and back
    to the admin page the member of staff was going to."""

    # This is the second step itself.
    second_factor_required = False

    def complete_auth(self, device: Any) -> None:
        super().complete_auth(device)
        log_action("accounts.two_factor.verified", obj=device.user, request=self.request, data={"method": "passkey"})

    def handle_exception(self, exc: Exception) -> HttpResponse:
        response: HttpResponse = super().handle_exception(exc)
        if self.request.user.is_authenticated:
            log_action(
                "accounts.two_factor.failed", obj=self.request.user, request=self.request, data={"method": "passkey"}
            )
        return response

    def get_success_url(self) -> str:
        return str(self.get_redirect_url() or reverse("wagtailadmin_home"))


class _NothingToReset(Exception):
    """The member of staff has no second factor (any more): nothing was done."""


@never_cache
@staff_required("accounts.change_user")
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset another member of staff's second factor (lost phone), after a confirmation step."""
    target = get_object_or_404(User, pk=pk)
    name = target.get_full_name() or target.get_username()
    context: dict[str, Any] = {
        "target": target,
        "name": name,
        "refusal": two_factor_reset_refusal(request.user, target),
        "devices": list(devices_for_user(target, confirmed=None)),
        "back_url": reverse("wagtailusers_users:index"),
    }
    if context["refusal"]:
        return render(request, "accounts/two_factor_reset.html", context, status=403)
    form = TwoFactorResetForm(request.POST if request.method == "POST" else None, name=name)
    if request.method == "POST" and form.is_valid():

        def reset() -> str:
            if not any(devices_for_user(target, confirmed=None)):
                raise _NothingToReset  # reset meanwhile, from another page
            two_factor_reset_service(user=target, actor=request.user, screen=request.path[:200])  # type: ignore[arg-type]
            return str(context["back_url"])

        try:
            # A double click resets once and emails them once; the second click is answered
            # as the first was, not with "nothing to reset".
            done = submission_once(
                key=form.cleaned_data["submission_key"],
                scope=f"accounts.two_factor_reset:{target.pk}:{request.user.pk}",
                answers=request.POST,
                action=reset,
            )
        except _NothingToReset:
            context["devices"] = []
        else:
            told = " We have emailed them to say so." if target.email else " They have no email address, so tell them."
            again = "They will set it up again when they next sign in."
            messages.success(request, f"Two-factor sign-in reset for {name}. {again}{told}")
            return HttpResponseRedirect(done.result)
    context["form"] = form
    return render(request, "accounts/two_factor_reset.html", context)


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None, actors=audit_actors())
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {key: value for key, value in filters.items() if value}


@never_cache
@staff_required("core.view_auditevent")
def audit_log(request: HttpRequest) -> HttpResponse:
    """Administrators browse and filter the audit log, each event as a sentence; nothing here can change it."""
    form, filters = _audit_filters(request)
    page = Paginator(audit_events_filtered(**filters), 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "events": describe_events(page.object_list),
        "query": query.urlencode(),
        "seals": audit_seal_status(),
    }
    return render(request, "accounts/audit_log.html", context)


AUDIT_CSV_HEADER = ["When (UK time)", "What happened", "Kind of event", "Details", "Seal number"]


def _audit_rows(events: QuerySet[AuditEvent]) -> Iterator[list[object]]:
    # A page of events at a time: each page's records and roles are read in one go.
    for page in Paginator(events, 500):
        for described in describe_events(page.object_list):
            event = described.event
            yield [
                timezone.localtime(event.created_at).isoformat(timespec="seconds"),
                described.sentence,
                event_label(event.action),
                "; ".join(f"{name}: {value}" for name, value in described.details),
                event.seal_sequence or "",
            ]


@never_cache
@staff_required("core.view_auditevent")
def audit_log_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered audit log as a CSV file; exporting it is itself recorded."""
    _form, filters = _audit_filters(request)
    events = audit_events_filtered(**filters)
    log_action("accounts.audit_log.exported", request=request, data={"rows": events.count()})
    response = StreamingHttpResponse(csv_lines(AUDIT_CSV_HEADER, _audit_rows(events)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


class StaffPasswordResetView(PasswordResetView):  # type: ignore[misc]
    """Wagtail's "Reset your password" form, limited per client address and per email
    address typed, so it cannot be used to flood a member of staff (or anyone) with mail.

    Over a limit, the form says so and sends nothing, whether or not the address has an
    account: the limits count every request alike (chorus.accounts.lockout). The email
    goes through the outbox, built as it is sent (chorus.accounts.emails), and a double
    click sends one.
    """

    template_name = "accounts/password_reset_form.html"

    def get_form_class(self) -> type[StaffPasswordResetForm]:
        return StaffPasswordResetForm

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]

        def request_reset() -> str:
            # Counted only for a post that is not a repeat: a double click is one request.
            if not password_reset_allowed(request=self.request, email=email):
                raise _OverLimit
            password_reset_request(email=email)
            return str(self.get_success_url())

        try:
            done = submission_once(
                key=form.cleaned_data["submission_key"],
                scope="accounts.password_reset",
                answers=self.request.POST,
                action=request_reset,
            )
        except _OverLimit:
            form.add_error(
                "email",
                "There have been too many requests to reset a password from here, or for this email address. "
                "Wait an hour, then try again.",
            )
            response: HttpResponse = self.form_invalid(form)
            response.status_code = 429
            return response
        return HttpResponseRedirect(done.result)


class _OverLimit(Exception):
    """Too many password resets asked for from here or for this address: nothing is sent."""

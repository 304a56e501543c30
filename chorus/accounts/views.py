"""Staff screens: the second sign-in step, resetting someone else's, and the audit log."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts.forms import AuditFilterForm, TokenForm, TwoFactorResetForm
from chorus.accounts.models import User
from chorus.accounts.permissions import two_factor_reset_refusal
from chorus.accounts.selectors import audit_events_filtered, audit_seal_status
from chorus.accounts.services import two_factor_reset as two_factor_reset_service
from chorus.core.audit import log_action


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("wagtailadmin_home")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: a QR code and the same secret as text, then one code to confirm."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():  # type: ignore[misc]
        return HttpResponseRedirect(f"{reverse('accounts_two_factor_verify')}?next={_next_url(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()  # type: ignore[misc]
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)  # type: ignore[misc]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            log_action("accounts.two_factor.enrolled", obj=user, request=request)  # type: ignore[arg-type]
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", "That code did not match. Check the time on your phone and try the newest code.")
    secret = base64.b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code holding your two-factor secret", dark="#000", light="#fff"
    )
    context = {"form": form, "qr_svg": qr_svg, "secret": _grouped(secret), "next": _next_url(request)}
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code from an enrolled authenticator app."""
    user = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():  # type: ignore[misc]
        return HttpResponseRedirect(f"{reverse('accounts_two_factor_setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            log_action("accounts.two_factor.verified", obj=user, request=request)  # type: ignore[arg-type]
            return HttpResponseRedirect(_next_url(request))
        log_action("accounts.two_factor.failed", obj=user, request=request)  # type: ignore[arg-type]
        form.add_error("token", "That code did not match. Try the newest code from your app.")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset another member of staff's second factor (lost phone), after a confirmation step."""
    if not request.user.has_perm("accounts.change_user"):
        # Wagtail turns PermissionDenied into a redirect; staff should see a plain refusal.
        return render(request, "403.html", status=403)
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
    if request.method == "POST" and context["devices"] and form.is_valid():
        two_factor_reset_service(user=target, actor=request.user, screen=request.path[:200])  # type: ignore[arg-type]
        told = " We have emailed them to say so." if target.email else " They have no email address, so tell them."
        messages.success(
            request, f"Two-factor sign-in reset for {name}. They will set it up again when they next sign in.{told}"
        )
        return HttpResponseRedirect(context["back_url"])
    context["form"] = form
    return render(request, "accounts/two_factor_reset.html", context)


@never_cache
def audit_log(request: HttpRequest) -> HttpResponse:
    """Administrators browse and filter the audit log; nothing here can change it."""
    if not request.user.has_perm("core.view_auditevent"):
        # Wagtail turns PermissionDenied into a redirect; staff should see a plain refusal.
        return render(request, "403.html", status=403)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_filtered(**{key: value for key, value in filters.items() if value})
    page = Paginator(events, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "query": query.urlencode(),
        "seals": audit_seal_status(),
    }
    return render(request, "accounts/audit_log.html", context)

"""Two-factor sign-in for staff whose role sees personal data."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import devices_for_user

from chorus.accounts.roles import user_sees_personal_data


class RequireTwoFactorMiddleware:
    """Send a signed-in member of staff who sees personal data to set up or enter a
    TOTP code before any admin page. Must come after django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        admin_prefix = reverse("wagtailadmin_home")
        path = request.path
        if not path.startswith(admin_prefix) or user.is_verified():  # type: ignore[union-attr]
            return self.get_response(request)
        open_paths = (
            reverse("accounts_two_factor_setup"),
            reverse("accounts_two_factor_verify"),
            reverse("wagtailadmin_login"),
            reverse("wagtailadmin_logout"),
            # Assets the sign-in pages themselves load (the icon sprite, translations).
            reverse("wagtailadmin_sprite"),
            reverse("wagtailadmin_javascript_catalog"),
        )
        if path.startswith(open_paths) or not user_sees_personal_data(user):
            return self.get_response(request)
        has_device = any(devices_for_user(user, confirmed=True))
        target = "accounts_two_factor_verify" if has_device else "accounts_two_factor_setup"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

"""Staff sessions: a second factor before any admin page, and an end to every session."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from chorus.accounts.sessions import session_outlived
from chorus.core.staff import second_factor_redirect


class RequireTwoFactorMiddleware:
    """Send a signed-in member of staff to set up, or use, a second factor (a passkey, an
    authenticator app or a backup code) before any admin page.

    Every role needs it: an Editor can send the bulletin to every subscriber, so a phished
    password alone must not be enough for anyone. Must come after django_otp's OTPMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_paths: tuple[str, ...] = ()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        path = request.path
        if not path.startswith(reverse("wagtailadmin_home")) or user.is_verified():  # type: ignore[union-attr]
            return self.get_response(request)
        if path.startswith(self._open_paths()):
            return self.get_response(request)
        # The same answer the staff guard gives (chorus.core.staff), for Wagtail's own pages too.
        return second_factor_redirect(request)

    def _open_paths(self) -> tuple[str, ...]:
        """The admin addresses a member of staff needs before the second step is done."""
        if not self.open_paths:
            self.open_paths = (
                reverse("accounts_two_factor_setup"),
                reverse("accounts_two_factor_verify"),
                # The passkey ceremonies the set-up and verify pages run (django-otp-webauthn),
                # and their script's translations.
                reverse("otp_webauthn:credential-registration-begin"),
                reverse("otp_webauthn:credential-registration-complete"),
                reverse("otp_webauthn:credential-authentication-begin"),
                reverse("otp_webauthn:credential-authentication-complete"),
                reverse("otp_webauthn:js-i18n-catalog"),
                reverse("wagtailadmin_login"),
                reverse("wagtailadmin_logout"),
                # Assets the sign-in pages themselves load (the icon sprite, translations).
                reverse("wagtailadmin_sprite"),
                reverse("wagtailadmin_javascript_catalog"),
            )
        return self.open_paths


class StaffSessionLifetimeMiddleware:
    """Sign a member of staff out once their session has lasted ``STAFF_SESSION_MAX_SECONDS``.

    The idle timeout alone never ends a session that keeps making requests, and the
    bulletin's progress page makes them by itself (chorus.accounts.sessions). Must come
    after the authentication and message middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Readers without a session cookie are never loaded from the session store.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and session_outlived(request=request):
                logout(request)
                hours = round(settings.STAFF_SESSION_MAX_SECONDS / 3600, 1)
                messages.info(request, f"For safety, staff sign in again every {hours:g} hours. Please sign in.")
        return self.get_response(request)

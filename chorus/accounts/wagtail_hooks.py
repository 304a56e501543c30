"""Admin wiring: the second sign-in step (passkeys too), the audit log viewer, and the reset
button in the user list."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.views import BeginCredentialAuthenticationView, BeginCredentialRegistrationView
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from chorus.accounts import views
from chorus.accounts.dashboard import administrator_panel
from chorus.accounts.roles import ADMINISTRATOR, user_has_role
from chorus.accounts.viewsets import reset_two_factor_button
from chorus.core.staff import GuardedMenuItem

# django-otp-webauthn's endpoints under the names its script and template tags look up
# ("otp_webauthn:..."), with its last steps audited (chorus.accounts.views).
passkey_urlpatterns = [
    path("registration/begin/", BeginCredentialRegistrationView.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        views.PasskeyRegistrationCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        views.PasskeyVerifyCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("two-factor/setup/", views.two_factor_setup, name="accounts_two_factor_setup"),
        path("two-factor/verify/", views.two_factor_verify, name="accounts_two_factor_verify"),
        path("two-factor/passkeys/", include((passkey_urlpatterns, "otp_webauthn"))),
        path("audit-log/", views.audit_log, name="accounts_audit_log"),
        path("audit-log/export.csv", views.audit_log_export, name="accounts_audit_log_export"),
    ]


@hooks.register("register_account_menu_item")
def register_two_factor_account_item(request: Any) -> dict[str, str]:
    return {
        "url": reverse("accounts_two_factor_setup"),
        "label": "Two-factor sign-in",
        "help_text": "Add a passkey, or an authenticator app, for the second step of signing in.",
    }


@hooks.register("register_settings_menu_item")
def register_audit_log_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "Audit log", reverse("accounts_audit_log"), shown_to="core.view_auditevent", icon_name="list-ul", order=900
    )


@hooks.register("register_user_listing_buttons")
def user_listing_reset_two_factor(user: Any, request_user: Any) -> list[Any]:
    button = reset_two_factor_button(target=user, request_user=request_user)
    return [button] if button is not None else []


@hooks.register("construct_homepage_panels")
def add_system_panel(request: Any, panels: list[Any]) -> None:
    if user_has_role(request.user, ADMINISTRATOR) and request.user.has_perm("core.view_outboxmessage"):
        panels.append(administrator_panel())

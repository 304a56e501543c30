"""Admin wiring: the second sign-in step, the audit log viewer, and the reset button in the user list."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from chorus.accounts import views
from chorus.accounts.viewsets import reset_two_factor_button


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("two-factor/setup/", views.two_factor_setup, name="accounts_two_factor_setup"),
        path("two-factor/verify/", views.two_factor_verify, name="accounts_two_factor_verify"),
        path("audit-log/", views.audit_log, name="accounts_audit_log"),
    ]


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm("core.view_auditevent"))


@hooks.register("register_settings_menu_item")
def register_audit_log_menu_item() -> MenuItem:
    return AuditLogMenuItem("Audit log", reverse("accounts_audit_log"), icon_name="list-ul", order=900)


@hooks.register("register_user_listing_buttons")
def user_listing_reset_two_factor(user: Any, request_user: Any) -> list[Any]:
    button = reset_two_factor_button(target=user, request_user=request_user)
    return [button] if button is not None else []

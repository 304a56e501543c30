"""Admin wiring for integration API tokens."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from chorus.api import admin_views
from chorus.core.staff import GuardedMenuItem


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("api-tokens/", admin_views.token_list, name="api_tokens"),
        path("api-tokens/new/", admin_views.token_create, name="api_token_create"),
        path("api-tokens/<int:token_id>/revoke/", admin_views.token_revoke, name="api_token_revoke"),
        path("api-tokens/<int:token_id>/webhooks/", admin_views.token_webhooks, name="api_token_webhooks"),
        path(
            "api-tokens/<int:token_id>/webhooks/<int:webhook_id>/remove/",
            admin_views.token_webhook_remove,
            name="api_token_webhook_remove",
        ),
    ]


@hooks.register("register_settings_menu_item")
def register_api_tokens_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "API tokens", reverse("api_tokens"), shown_to="api.view_apitoken", icon_name="key", order=920
    )

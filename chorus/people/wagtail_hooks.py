"""Admin wiring for people and privacy."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from chorus.people import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [path("people/privacy-request/", admin_views.privacy_request, name="people_privacy_request")]


class PrivacyRequestMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm("people.view_person"))


@hooks.register("register_settings_menu_item")
def register_privacy_request_menu_item() -> MenuItem:
    return PrivacyRequestMenuItem("Privacy requests", reverse("people_privacy_request"), icon_name="user", order=910)

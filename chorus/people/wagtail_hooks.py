"""Admin wiring for people and privacy."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from chorus.core.staff import GuardedMenuItem
from chorus.people import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [path("people/privacy-request/", admin_views.privacy_request, name="people_privacy_request")]


@hooks.register("register_settings_menu_item")
def register_privacy_request_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "Privacy requests",
        reverse("people_privacy_request"),
        shown_to="people.view_person",
        icon_name="user",
        order=910,
    )

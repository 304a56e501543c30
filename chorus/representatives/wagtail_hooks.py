"""The representatives data screen in the Wagtail admin, for Administrators."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from chorus.core.staff import GuardedMenuItem
from chorus.representatives import admin_views
from chorus.representatives.permissions import MANAGE_DATA


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    patterns = [path("", admin_views.data, name="data")]
    return [path("representatives/", include((patterns, "representatives_admin"), namespace="representatives_admin"))]


@hooks.register("register_settings_menu_item")
def register_data_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "Postcodes, MPs",
        reverse("representatives_admin:data"),
        shown_to=MANAGE_DATA,
        icon_name="site",
        order=930,
    )

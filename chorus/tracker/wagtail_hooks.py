"""Register the tracker's staff screens in the Wagtail admin."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
from wagtail import hooks

from chorus.accounts.roles import ADMINISTRATOR, EDITOR, user_has_role
from chorus.core.staff import GuardedMenuItem
from chorus.tracker import views
from chorus.tracker.dashboard import import_runs_panel, tracker_panel
from chorus.tracker.permissions import can_see_responses
from chorus.tracker.viewsets import TrackerViewSetGroup


@hooks.register("register_admin_viewset")
def register_tracker_viewsets() -> TrackerViewSetGroup:
    return TrackerViewSetGroup()


@hooks.register("register_admin_urls")
def register_tracker_urls() -> list[URLPattern]:
    return [
        path("tracker/due/", views.whats_due, name="tracker_whats_due"),
        path("tracker/items/draft/<int:pk>/", views.tracked_item_draft_preview, name="tracker_item_draft_preview"),
    ]


@hooks.register("register_admin_menu_item")
def register_whats_due_menu_item() -> Any:
    return GuardedMenuItem(
        "Policy deadlines", reverse("tracker_whats_due"), shown_to=can_see_responses, icon_name="date", order=251
    )


@hooks.register("construct_homepage_panels")
def add_tracker_panels(request: Any, panels: list[Any]) -> None:
    if user_has_role(request.user, EDITOR) and can_see_responses(request.user):
        panels.append(tracker_panel())
    if user_has_role(request.user, ADMINISTRATOR) and request.user.has_perm("tracker.view_importrun"):
        panels.append(import_runs_panel())

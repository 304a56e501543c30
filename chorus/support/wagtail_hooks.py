"""The triage desk's admin URLs and menu items (shown only to those who may triage)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from chorus.accounts.roles import CASEWORKER, user_has_role
from chorus.core.staff import GuardedMenuItem
from chorus.support import admin_views
from chorus.support.choosers import tracked_item_chooser_viewset
from chorus.support.dashboard import caseworker_panel
from chorus.support.models import CannedReply


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    patterns: list[URLPattern] = [
        path("", admin_views.queue, name="queue"),
        path("<id:pk>/", admin_views.detail, name="detail"),
        path("what-members-raised/", admin_views.report, name="report"),
    ]
    return [path("support/", include((patterns, "support_admin"), namespace="support_admin"))]


@hooks.register("register_admin_menu_item")
def register_queue_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "Support desk",
        reverse("support_admin:queue"),
        shown_to=admin_views.TRIAGE_PERMISSION,
        icon_name="help",
        order=250,
    )


@hooks.register("register_admin_menu_item")
def register_report_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "Issues raised",
        reverse("support_admin:report"),
        shown_to=admin_views.TRIAGE_PERMISSION,
        icon_name="table",
        order=251,
    )


@hooks.register("construct_homepage_panels")
def add_support_panel(request: HttpRequest, panels: list[Any]) -> None:
    if user_has_role(request.user, CASEWORKER) and request.user.has_perm(admin_views.TRIAGE_PERMISSION):
        panels.append(caseworker_panel(user=request.user))


class CannedReplyViewSet(SnippetViewSet):
    """Canned replies under the support desk's menu item, for caseworkers to keep."""

    model = CannedReply
    icon = "openquote"
    menu_label = "Canned replies"
    menu_order = 252
    add_to_admin_menu = True
    list_display = ["title"]


register_snippet(CannedReplyViewSet)


@hooks.register("register_admin_viewset")
def register_tracked_item_chooser() -> Any:
    return tracked_item_chooser_viewset

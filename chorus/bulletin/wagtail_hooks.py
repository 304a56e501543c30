"""The bulletin's admin URLs and menu item (shown only to those who may send)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from chorus.accounts.roles import EDITOR, user_has_role
from chorus.bulletin import admin_views
from chorus.bulletin.dashboard import publishing_panel
from chorus.bulletin.models import BulletinIssue
from chorus.bulletin.permissions import SEND_PERMISSION
from chorus.core.staff import GuardedMenuItem


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    patterns: list[URLPattern] = [
        path("", admin_views.issues, name="issues"),
        path("<id:pk>/", admin_views.issue_detail, name="detail"),
        path("<id:pk>/action/", admin_views.issue_action, name="action"),
        path("<id:pk>/progress.json", admin_views.progress_json, name="progress"),
        path("<id:pk>/preview/", admin_views.preview, name="preview"),
        path("<id:pk>/preview/email/", admin_views.preview_email, name="preview_email"),
        path("<id:pk>/reconciliation/", admin_views.reconciliation, name="reconciliation"),
    ]
    return [path("bulletin/", include((patterns, "bulletin_admin"), namespace="bulletin_admin"))]


@hooks.register("register_admin_menu_item")
def register_bulletin_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "Bulletin sending", reverse("bulletin_admin:issues"), shown_to=SEND_PERMISSION, icon_name="mail", order=260
    )


@hooks.register("register_page_listing_more_buttons")
def bulletin_issue_buttons(page: Any, user: Any, next_url: str | None = None) -> Any:
    # From the page tree straight to the preview and the sending screen of an issue.
    if page.specific_class is BulletinIssue and user.has_perm(SEND_PERMISSION):
        yield Button(
            "Preview email (HTML and plain text)", url=reverse("bulletin_admin:preview", args=[page.pk]), priority=3
        )
        yield Button(
            "Send, schedule or see progress", url=reverse("bulletin_admin:detail", args=[page.pk]), priority=5
        )


@hooks.register("construct_homepage_panels")
def add_publishing_panel(request: Any, panels: list[Any]) -> None:
    if user_has_role(request.user, EDITOR) and request.user.has_perm(SEND_PERMISSION):
        panels.append(publishing_panel())


@hooks.register("after_publish_page")
def back_to_the_sending_screen(request: HttpRequest, page: Any) -> HttpResponse | None:
    """After publishing an issue in the editor, staff land on its sending screen, not the page explorer.

    There they check the email, send a test to themselves and send it: one place to compose and send.
    """
    if page.specific_class is not BulletinIssue or not request.user.has_perm(SEND_PERMISSION):
        return None
    messages.success(
        request, f"“{page.title}” is published. Check the email below, send a test to yourself, then send it."
    )
    return redirect("bulletin_admin:detail", pk=page.pk)

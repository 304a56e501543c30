"""Admin wiring shared by every app: the staff stylesheet and the rich-text editors' names."""

from __future__ import annotations

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks

from chorus.core.viewsets import OutboxMessageViewSet


def staff_stylesheet() -> SafeString:
    """One stylesheet of our own static files, on every admin page (Wagtail's and ours)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/staff.css"))


def editor_field_names_script() -> SafeString:
    """Gives Wagtail's rich-text editors an accessible name, wherever a form shows one.

    On every admin page, not only the page editor: snippets and our own model forms can
    hold rich text too. A static file of our own, so the CSP's script-src 'self' allows it.
    """
    return format_html('<script src="{}" defer></script>', static("js/editor-field-names.js"))


def scroll_regions_script() -> SafeString:
    """Makes the parts of Wagtail's admin that scroll (the minimap) reachable by keyboard."""
    return format_html('<script src="{}" defer></script>', static("js/admin-scroll-regions.js"))


# Registered by a call, not the decorator: Wagtail is untyped, and core is checked strictly.
hooks.register("insert_global_admin_css", staff_stylesheet)
hooks.register("insert_global_admin_js", editor_field_names_script)
hooks.register("insert_global_admin_js", scroll_regions_script)


def outbox_viewset() -> OutboxMessageViewSet:
    return OutboxMessageViewSet()


hooks.register("register_admin_viewset", outbox_viewset)


def no_site_summary(request: HttpRequest, summary_items: list[object]) -> None:
    """Drop Wagtail's "35 Pages, 0 Images" counts: each role's panels say what needs doing instead."""
    summary_items.clear()


# Last, after Wagtail's own apps have added their counts.
hooks.register("construct_homepage_summary_items", no_site_summary, order=1000)

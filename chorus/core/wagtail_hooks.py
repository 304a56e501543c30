"""Admin wiring shared by every app: the staff stylesheet."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks


def staff_stylesheet() -> SafeString:
    """One stylesheet of our own static files, on every admin page (Wagtail's and ours)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/staff.css"))


# Registered by a call, not the decorator: Wagtail is untyped, and core is checked strictly.
hooks.register("insert_global_admin_css", staff_stylesheet)

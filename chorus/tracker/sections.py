"""What the tracker contributes to pages it does not own: a priority area's consultations,
inquiries and bills open for responses. Registered in ``TrackerConfig.ready()`` (chorus.core.sections)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Page

from chorus.tracker.selectors import item_path, open_windows_for_area, tracker_page


def area_open_items_section(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    """The area's tracked items open for responses now, with their deadlines; none, no section."""
    windows = open_windows_for_area(area_id=page.pk, now=timezone.now())
    if not windows:
        return None
    tracker = tracker_page()
    return {
        "windows": [(window, item_path(window.item, page=tracker)) for window in windows],  # type: ignore[attr-defined]
        "tracker": tracker,
    }

"""The home page's own sections: the campaign spotlight, the priority areas and the coalitions.

Registered in ``PagesConfig.ready()`` beside those other apps contribute (chorus.core.sections).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from wagtail.models import Page

from chorus.core.sections import SPOTLIGHT_COMPANIONS
from chorus.pages.models import Coalition, CoalitionIndexPage, HomePage, PriorityAreaPage


def spotlight_section(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    """The page in the spotlight, with any pages its app puts beside it (a campaign's other actions)."""
    if not isinstance(page, HomePage):
        return None
    spotlit = page.spotlight_page
    spotlight = spotlit.specific if spotlit is not None and spotlit.live else None
    if spotlight is None and not page.spotlight_heading:
        return None
    companions: list[Page] = []
    if spotlight is not None:
        for contribution in SPOTLIGHT_COMPANIONS.contributions():
            companions.extend(contribution.source(page=spotlight))
    return {
        "heading": page.spotlight_heading,
        "text": page.spotlight_text,
        "spotlight": spotlight,
        "companions": companions,
        "image": page.spotlight_image,
        "image_alt": "" if page.spotlight_image_decorative else page.spotlight_image_alt,
    }


def priority_areas_section(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    areas = list(PriorityAreaPage.objects.live().public().order_by("path"))
    return {"areas": areas} if areas else None


def coalitions_section(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    listed = list(Coalition.objects.all())
    if not listed:
        return None
    return {"coalitions": listed, "index": CoalitionIndexPage.objects.live().public().first()}

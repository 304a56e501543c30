"""Template tags for showing tracker items on other pages (e.g. an article)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from chorus.tracker.calendars import webcal_address
from chorus.tracker.models import TrackedItem
from chorus.tracker.selectors import TrackerFilters, item_path, tracked_items_for_article

register = template.Library()


@register.simple_tag
def tracked_items_about(article: object) -> list[tuple[TrackedItem, str]]:
    """(item, its path) for each tracked item the article is about."""
    return [(item, item_path(item)) for item in tracked_items_for_article(article)]


@register.simple_tag
def tracker_filter_link(filters: TrackerFilters, **changes: str) -> str:
    """The tracker's query string with one filter changed (and the page reset)."""
    return filters.link(**{key: str(value) for key, value in changes.items()})


@register.simple_tag
def webcal_url(name: str, *args: str) -> str:
    """The ``webcal:`` address of a calendar feed, so one click subscribes in a calendar app."""
    return webcal_address(reverse(name, args=args))

"""Atom feed of changes on the tracker: new items, stage and deadline changes, our responses."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from chorus.tracker.models import ItemChange
from chorus.tracker.selectors import item_path, recent_changes, tracker_page


class TrackerChangesFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = "Chorus: policy tracker changes"
    subtitle = "New consultations, inquiries and bills we follow, their stages and deadlines, and our responses."

    def link(self) -> str:
        page = tracker_page()
        return settings.SITE_URL + (page.url if page is not None and page.url else "/")

    def items(self) -> list[ItemChange]:
        self._page = tracker_page()
        return recent_changes(limit=50)

    def item_title(self, item: ItemChange) -> str:
        return f"{item.get_kind_display()}: {item.item.title}"

    def item_description(self, item: ItemChange) -> str:
        return item.description

    def item_link(self, item: ItemChange) -> str:
        path = item_path(item.item, page=getattr(self, "_page", None))
        return settings.SITE_URL + (path or "/")

    def item_guid(self, item: ItemChange) -> str:
        return f"{settings.SITE_URL}/tracker-changes/{item.pk}/"

    def item_pubdate(self, item: ItemChange) -> datetime:
        return item.occurred_at

    def item_updateddate(self, item: ItemChange) -> datetime:
        return item.occurred_at

    def item_categories(self, item: ItemChange) -> list[str]:
        return [item.item.get_kind_display()]

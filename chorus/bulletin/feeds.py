"""An Atom feed of sent bulletin issues (the public web versions, no personal data)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from chorus.bulletin.models import BulletinIssue
from chorus.bulletin.selectors import sent_issues

FEED_LENGTH = 30


class BulletinIssueFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = "Chorus: members' bulletin"
    subtitle = "Each week's bulletin from the network, as sent."

    def link(self) -> str:
        return settings.SITE_URL + "/"

    def items(self) -> list[BulletinIssue]:
        return list(sent_issues()[:FEED_LENGTH])

    def item_title(self, item: BulletinIssue) -> str:
        return item.title

    def item_description(self, item: BulletinIssue) -> str:
        return item.intro

    def item_link(self, item: BulletinIssue) -> str:
        return item.full_url or ""

    def item_guid(self, item: BulletinIssue) -> str:
        return f"{settings.SITE_URL}/pages/{item.pk}/"

    def item_pubdate(self, item: BulletinIssue) -> datetime | None:
        return item.send_started_at

    def item_updateddate(self, item: BulletinIssue) -> datetime | None:
        return item.send_finished_at or item.send_started_at

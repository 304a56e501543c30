"""Atom feeds of articles: everything, per priority area, per kind."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from chorus.news.models import ArticleKind, ArticlePage
from chorus.news.selectors import published_articles
from chorus.pages.models import PriorityAreaPage

FEED_LENGTH = 30


class ArticleFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = "Chorus: policy news and briefings"
    subtitle = "Everything the network publishes on policy."

    def link(self) -> str:
        return settings.SITE_URL + "/"

    def articles(self) -> QuerySet[ArticlePage]:
        return published_articles()

    def items(self) -> list[ArticlePage]:
        return list(self.articles()[:FEED_LENGTH])

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.summary

    def item_link(self, item: ArticlePage) -> str:
        return item.full_url or ""

    def item_guid(self, item: ArticlePage) -> str:
        return f"{settings.SITE_URL}/pages/{item.pk}/"

    def item_pubdate(self, item: ArticlePage) -> datetime:
        return timezone.make_aware(datetime.combine(item.date, time(9, 0)))

    def item_updateddate(self, item: ArticlePage) -> datetime:
        return item.last_published_at or self.item_pubdate(item)

    def item_categories(self, item: ArticlePage) -> list[str]:
        return [item.get_kind_display()]


class AreaArticleFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> PriorityAreaPage:
        area = PriorityAreaPage.objects.live().public().filter(slug=kwargs["slug"]).first()
        if area is None:
            raise Http404("No such priority area.")
        self.area = area
        return area

    def title(self, obj: PriorityAreaPage) -> str:  # type: ignore[override]
        return f"Chorus: {obj.title}"

    def link(self, obj: PriorityAreaPage) -> str:  # type: ignore[override]
        return obj.full_url or settings.SITE_URL

    def articles(self) -> QuerySet[ArticlePage]:
        return published_articles().filter(priority_areas=self.area)


class KindArticleFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        if kwargs["kind"] not in ArticleKind.values:
            raise Http404("No such kind of article.")
        self.kind = kwargs["kind"]
        return str(self.kind)

    def title(self, obj: str) -> str:  # type: ignore[override]
        return f"Chorus: {ArticleKind(obj).label}"

    def articles(self) -> QuerySet[ArticlePage]:
        return published_articles().filter(kind=self.kind)

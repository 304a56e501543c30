"""Reads for articles: listings, filters, feeds and the bulletin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from chorus.core.digest import DigestItem
from chorus.news.models import ArticleKind, ArticlePage


@dataclass(frozen=True)
class ArticleFilters:
    kind: str = ""
    area: str = ""  # priority area slug
    year: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> ArticleFilters:
        """Unknown or malformed values are ignored rather than erroring."""
        kind = query.get("kind", "")
        year_raw = query.get("year", "")
        # Four ASCII digits: "²" passes isdigit() but not int(), and int() refuses very long numbers.
        is_year = len(year_raw) == 4 and year_raw.isascii() and year_raw.isdigit()
        year = int(year_raw) if is_year and 1900 < int(year_raw) < 2200 else None
        return cls(
            kind=kind if kind in ArticleKind.values else "",
            area=query.get("area", "")[:100],
            year=year,
        )

    def is_active(self) -> bool:
        return bool(self.kind or self.area or self.year)

    @property
    def query_string(self) -> str:
        """The filters as a query string, for pagination links."""
        params = {"kind": self.kind, "area": self.area, "year": self.year or ""}
        return urlencode({key: value for key, value in params.items() if value})


def published_articles() -> QuerySet[ArticlePage]:
    articles: QuerySet[ArticlePage] = ArticlePage.objects.live().public()
    return articles.order_by("-date", "-first_published_at")


def article_list(*, filters: ArticleFilters) -> QuerySet[ArticlePage]:
    articles = published_articles()
    if filters.kind:
        articles = articles.filter(kind=filters.kind)
    if filters.area:
        articles = articles.filter(priority_areas__slug=filters.area)
    if filters.year:
        articles = articles.filter(date__year=filters.year)
    return articles.distinct()


def article_years() -> list[int]:
    return sorted({d.year for d in published_articles().dates("date", "year")}, reverse=True)


def latest_articles(*, limit: int) -> list[ArticlePage]:
    return list(published_articles()[:limit])


def articles_for_area(*, area: object, limit: int) -> list[ArticlePage]:
    return list(published_articles().filter(priority_areas=area)[:limit])


def bulletin_items(*, since: datetime, until: datetime) -> list[DigestItem]:
    """Published articles dated in the window (UK days, from since's to until's, not including it).

    By the article's own date, never by when its page was first published: an article
    loaded, imported or published late carries the date it came out, and must not reach
    members as this week's news.
    """
    articles = published_articles().filter(date__gte=timezone.localdate(since), date__lt=timezone.localdate(until))
    return [
        DigestItem(
            section="New from the network",
            title=article.title,
            url=article.url or "",
            summary=article.summary,
            date=article.date,
            priority_area_ids=tuple(area.pk for area in article.priority_areas.all()),
        )
        for article in articles.prefetch_related("priority_areas")
    ]

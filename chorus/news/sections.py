"""What news contributes to pages it does not own: the home page's latest articles and the
work listed on each priority-area page. Registered in ``NewsConfig.ready()`` (chorus.core.sections)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from wagtail.models import Page

from chorus.news.models import ArticleIndexPage
from chorus.news.selectors import articles_for_area, latest_articles

HOME_ARTICLES = 4
AREA_ARTICLES = 10


def latest_articles_section(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    articles = latest_articles(limit=HOME_ARTICLES)
    if not articles:
        return None
    return {"articles": articles, "index": ArticleIndexPage.objects.live().public().first()}


def area_articles_section(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    # Shown even when empty: the page then says nothing has been published in the area yet.
    return {"area": page, "articles": articles_for_area(area=page, limit=AREA_ARTICLES)}

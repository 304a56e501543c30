"""Factories for articles."""

from __future__ import annotations

import datetime

import factory
import wagtail_factories

from chorus.news.models import ArticleIndexPage, ArticleKind, ArticlePage


class ArticleIndexPageFactory(wagtail_factories.PageFactory):
    title = "News and briefings"

    class Meta:
        model = ArticleIndexPage


class ArticlePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Article {n}")
    kind = ArticleKind.NEWS
    date = factory.LazyFunction(lambda: datetime.date(2026, 10, 1))
    summary = "A short summary in plain words."
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Some body text about policy.</p>")])

    class Meta:
        model = ArticlePage

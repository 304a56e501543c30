"""Articles feed the weekly bulletin's draft by their own date, never by when they were published."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chorus.news.models import ArticlePage
from chorus.news.selectors import bulletin_items
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site

pytestmark = pytest.mark.django_db

UK = timezone.get_default_timezone()


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=UK)


def test_only_articles_dated_in_the_window_whenever_their_pages_were_published() -> None:
    index = ArticleIndexPageFactory(parent=make_site())
    monday = datetime.date(2026, 11, 30)
    since, until = at(monday - datetime.timedelta(days=7), 9), at(monday, 0)
    dated = {
        "From January, published today": datetime.date(2025, 1, 14),
        "The day before the window": monday - datetime.timedelta(days=8),
        "First day of the window": monday - datetime.timedelta(days=7),
        "Last day of the window": monday - datetime.timedelta(days=1),
        "The day the draft is made": monday,
    }
    for title, day in dated.items():
        ArticlePageFactory(parent=index, title=title, date=day)
    # Every page was published now, after the window: the demo's old articles looked like this.
    ArticlePage.objects.update(first_published_at=until + datetime.timedelta(days=2))

    titles = {item.title for item in bulletin_items(since=since, until=until)}

    assert titles == {"First day of the window", "Last day of the window"}


def test_an_article_dated_in_the_window_counts_even_if_published_before_it() -> None:
    index = ArticleIndexPageFactory(parent=make_site())
    until = at(datetime.date(2026, 11, 30), 0)
    article = ArticlePageFactory(parent=index, title="Dated this week", date=datetime.date(2026, 11, 27))
    ArticlePage.objects.filter(pk=article.pk).update(first_published_at=until - datetime.timedelta(days=40))
    [item] = bulletin_items(since=until - datetime.timedelta(days=7), until=until)
    assert (item.title, item.date, item.section) == (
        "Dated this week",
        datetime.date(2026, 11, 27),
        "New from the network",
    )

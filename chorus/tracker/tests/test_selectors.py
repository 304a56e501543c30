"""Closing soon, open and recently closed by UK calendar day; filters; links to articles; the bulletin."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.http import QueryDict
from django.utils import timezone

from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.tracker.models import ItemKind, ResponseStatus
from chorus.tracker.selectors import (
    TrackerFilters,
    bulletin_items,
    closing_soon_cutoff,
    closing_soon_windows,
    open_later_windows,
    recently_closed_windows,
    responses_due,
    tracked_item_list,
    tracked_items_for_article,
)
from chorus.tracker.tests.factories import (
    ResponseFactory,
    SubmissionWindowFactory,
    TrackedItemFactory,
    TrackerPageFactory,
    london,
)

pytestmark = pytest.mark.django_db


def titles(windows: list) -> list[str]:
    return [window.item.title for window in windows]


def test_closing_soon_is_soonest_first_and_stops_after_21_uk_days() -> None:
    now = london(2026, 11, 2, 12, 0)
    SubmissionWindowFactory(item__title="Later", closes_at=london(2026, 11, 20, 17, 0))
    SubmissionWindowFactory(item__title="Sooner", closes_at=london(2026, 11, 3, 9, 0))
    SubmissionWindowFactory(item__title="Last day", closes_at=london(2026, 11, 23, 23, 59))
    SubmissionWindowFactory(item__title="Day 22", closes_at=london(2026, 11, 24, 0, 0))
    SubmissionWindowFactory(item__title="Already closed", closes_at=london(2026, 11, 2, 11, 59))
    SubmissionWindowFactory(item__title="Not open yet", opens_at=london(2026, 11, 5, 9, 0))
    assert titles(closing_soon_windows(now=now)) == ["Sooner", "Later", "Last day"]
    assert "Day 22" in titles(open_later_windows(now=now))
    assert titles(recently_closed_windows(now=now)) == ["Already closed"]


def test_closing_soon_counts_uk_days_across_the_autumn_clock_change() -> None:
    # 00:30 on 5 October in BST is still 4 October in UTC: the UK day decides.
    now = london(2026, 10, 5, 0, 30)
    assert now.astimezone(datetime.UTC).date() == datetime.date(2026, 10, 4)
    # Clocks go back on 25 October 2026, so 26 October begins at 00:00 GMT.
    assert closing_soon_cutoff(now) == london(2026, 10, 27, 0, 0)
    assert closing_soon_cutoff(now).utcoffset() == datetime.timedelta(0)
    SubmissionWindowFactory(item__title="Noon on day 21", closes_at=london(2026, 10, 26, 12, 0))
    SubmissionWindowFactory(item__title="Last minute of day 21", closes_at=london(2026, 10, 26, 23, 59))
    SubmissionWindowFactory(item__title="First minute of day 22", closes_at=london(2026, 10, 27, 0, 0))
    assert titles(closing_soon_windows(now=now)) == ["Noon on day 21", "Last minute of day 21"]


def test_closing_soon_counts_uk_days_across_the_spring_clock_change() -> None:
    # Clocks go forward on 29 March 2026; late on 8 March GMT is the same day in UTC.
    now = london(2026, 3, 8, 23, 30)
    assert closing_soon_cutoff(now) == london(2026, 3, 30, 0, 0)
    assert closing_soon_cutoff(now).utcoffset() == datetime.timedelta(hours=1)
    SubmissionWindowFactory(item__title="In", opens_at=None, closes_at=london(2026, 3, 29, 23, 59))
    SubmissionWindowFactory(item__title="Out", opens_at=None, closes_at=london(2026, 3, 30, 0, 0))
    assert titles(closing_soon_windows(now=now)) == ["In"]


def test_a_window_closing_at_midnight_leaves_closing_soon_at_that_instant() -> None:
    SubmissionWindowFactory(item__title="Midnight", closes_at=london(2026, 11, 10, 0, 0))
    assert titles(closing_soon_windows(now=london(2026, 11, 9, 23, 59))) == ["Midnight"]
    assert titles(closing_soon_windows(now=london(2026, 11, 10, 0, 0))) == []
    assert titles(recently_closed_windows(now=london(2026, 11, 10, 0, 0))) == ["Midnight"]


def test_filters_ignore_unknown_values_and_combine() -> None:
    filters = TrackerFilters.from_query(QueryDict("kind=nonsense&status=open&response=drafting&area=x"))
    assert filters == TrackerFilters(kind="", area="x", status="open", response="drafting")
    assert filters.link(status="") == "?area=x&response=drafting"


def test_item_list_filters_by_kind_area_submissions_and_response() -> None:
    home = make_site()
    area = PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home), slug="data")
    now = london(2026, 11, 2, 12, 0)
    bill = TrackedItemFactory(title="A bill", kind=ItemKind.BILL)
    bill.priority_areas.add(area)
    bill.save()  # parental many-to-many relations are written on save
    open_item = SubmissionWindowFactory(item__title="Open one", closes_at=london(2026, 11, 30, 12, 0)).item
    closed_item = SubmissionWindowFactory(item__title="Closed one", closes_at=london(2026, 10, 30, 12, 0)).item
    upcoming = SubmissionWindowFactory(item__title="Upcoming one", opens_at=london(2026, 12, 1, 9, 0)).item
    ResponseFactory(item=open_item, status=ResponseStatus.DRAFTING)

    def listed(query: str) -> list[str]:
        return [item.title for item in tracked_item_list(filters=TrackerFilters.from_query(QueryDict(query)), now=now)]

    assert listed("kind=bill") == ["A bill"]
    assert listed("area=data") == ["A bill"]
    assert listed("status=open") == ["Open one"]
    assert listed("status=closed") == ["Closed one"]
    assert listed("status=upcoming") == [upcoming.title]
    assert listed("response=drafting") == ["Open one"]
    assert closed_item.title in listed("response=none")
    assert "Open one" not in listed("response=none")


def test_items_for_article_include_related_and_response_articles() -> None:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home)
    article = ArticlePageFactory(parent=news)
    other = ArticlePageFactory(parent=news)
    related = TrackedItemFactory(title="Related")
    related.articles.add(article)
    related.save()
    responded = TrackedItemFactory(title="Responded")
    ResponseFactory(item=responded, article=article)
    unrelated = TrackedItemFactory(title="Unrelated")
    unrelated.articles.add(other)
    unrelated.save()
    assert [item.title for item in tracked_items_for_article(article)] == ["Related", "Responded"]


def test_bulletin_items_list_windows_closing_in_the_next_three_weeks() -> None:
    home = make_site()
    TrackerPageFactory(parent=home)
    area = PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home))
    soon = SubmissionWindowFactory(
        item__title="Soon", item__slug="soon", closes_at=london(2026, 11, 12, 23, 59), opens_at=None
    )
    soon.item.priority_areas.add(area)
    soon.item.save()
    SubmissionWindowFactory(item__title="Too late", closes_at=london(2026, 12, 20, 23, 59))
    SubmissionWindowFactory(item__title="Gone", closes_at=london(2026, 11, 1, 23, 59))
    until = london(2026, 11, 6, 9, 0)
    items = bulletin_items(since=until - datetime.timedelta(days=7), until=until)
    assert [(i.title, i.section, i.url, i.date) for i in items] == [
        ("Soon", "Closing soon", "/tracker/soon/", datetime.date(2026, 11, 12))
    ]
    assert items[0].priority_area_ids == (area.pk,)
    assert "Closes 12 November 2026" in items[0].summary


def test_responses_due_are_ordered_by_the_nearest_deadline() -> None:
    now = london(2026, 11, 2, 12, 0)
    window_first = SubmissionWindowFactory(item__title="Window first", closes_at=london(2026, 11, 5, 12, 0))
    ResponseFactory(item=window_first.item, internal_deadline=datetime.date(2026, 11, 20))
    internal_first = SubmissionWindowFactory(item__title="Internal first", closes_at=london(2026, 11, 30, 12, 0))
    ResponseFactory(item=internal_first.item, internal_deadline=datetime.date(2026, 11, 3))
    ResponseFactory(item__title="Overdue", internal_deadline=datetime.date(2026, 11, 1))
    ResponseFactory(item__title="Done", status=ResponseStatus.SUBMITTED)
    rows = responses_due(now=now)
    assert [row.response.item.title for row in rows] == ["Overdue", "Internal first", "Window first"]
    assert [row.overdue for row in rows] == [True, False, False]


@time_machine.travel(london(2026, 11, 2, 12, 0), tick=False)
def test_now_helpers_use_the_frozen_clock() -> None:
    assert timezone.now() == london(2026, 11, 2, 12, 0)

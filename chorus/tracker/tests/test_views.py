"""The public tracker page, item pages, the article include and the feeds."""

from __future__ import annotations

import datetime
from typing import Any

import feedparser
import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from icalendar import Calendar

from chorus.core.middleware import retire_cached_pages
from chorus.news.models import ArticleKind
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.tracker.models import ItemKind, ResponseStatus, StageName
from chorus.tracker.services import response_create, response_transition
from chorus.tracker.tests.factories import (
    ResponseFactory,
    StageFactory,
    SubmissionWindowFactory,
    TrackedItemFactory,
    TrackerPageFactory,
    london,
)

pytestmark = pytest.mark.django_db

NOW = london(2026, 11, 2, 12, 0)


@pytest.fixture
def tracker(db: Any) -> dict[str, Any]:
    home = make_site()
    page = TrackerPageFactory(parent=home)
    area = PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home), title="Data", slug="data")
    news = ArticleIndexPageFactory(parent=home, slug="news")
    article = ArticlePageFactory(
        parent=news, title="Our answer on data sharing", slug="our-answer", kind=ArticleKind.CONSULTATION_RESPONSE
    )
    soon = SubmissionWindowFactory(
        item__title="Data sharing proposals",
        item__slug="data-sharing",
        item__owner_body="Department of Health and Social Care",
        label="Consultation",
        closes_at=london(2026, 11, 10, 23, 59),
        late_submissions_accepted=True,
    ).item
    soon.priority_areas.add(area)
    soon.save()
    StageFactory(item=soon, name=StageName.OPENED, date=datetime.date(2026, 10, 1))
    ResponseFactory(item=soon, status=ResponseStatus.SUBMITTED, article=article)
    SubmissionWindowFactory(
        item__title="Welfare bill evidence", item__slug="welfare", closes_at=london(2027, 2, 1, 17)
    )
    SubmissionWindowFactory(item__title="Closed inquiry", item__slug="closed", closes_at=london(2026, 10, 20, 17))
    TrackedItemFactory(title="A bill we watch", slug="a-bill", kind=ItemKind.BILL)
    return {"page": page, "area": area, "article": article, "soon": soon}


@time_machine.travel(NOW, tick=False)
def test_tracker_page_lists_closing_soon_open_and_recently_closed(client: Client, tracker: dict[str, Any]) -> None:
    response = client.get("/tracker/")
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    closing, rest = html.split('id="open-now"')
    later, closed = rest.split('id="recently-closed"')
    assert "Data sharing proposals" in closing and "late submissions accepted" in closing
    assert "Welfare bill evidence" in later
    assert "Closed inquiry" in closed.split('id="all-items"')[0]
    assert "A bill we watch" in closed.split('id="all-items"')[1]
    assert 'href="/feeds/tracker/deadlines.ics"' in html
    assert 'href="/feeds/tracker/areas/data/deadlines.ics"' in html


@time_machine.travel(NOW, tick=False)
def test_deadlines_say_the_days_left_in_words_with_the_date(client: Client, tracker: dict[str, Any]) -> None:
    SubmissionWindowFactory(item__title="Due tonight", item__slug="tonight", closes_at=london(2026, 11, 2, 23, 59))
    SubmissionWindowFactory(item__title="Due tomorrow", item__slug="tomorrow", closes_at=london(2026, 11, 3, 9))
    html = " ".join(client.get("/tracker/").content.decode().split())
    # Counted in UK days from Monday 2 November, noon.
    # The site's one wording of a deadline (chorus.core.deadlines), with the time of day.
    assert '<time datetime="2026-11-02T23:59' in html and ">Closes today (Mon 2 Nov), 23:59</time>" in html
    assert ">Closes tomorrow (Tue 3 Nov), 09:00</time>" in html
    assert ">Closes in 8 days (Tue 10 Nov), 23:59</time>" in html
    assert ">Closes in 91 days (Mon 1 Feb 2027), 17:00</time>" in html  # open now, closing later
    assert ">Closed (Tue 20 Oct), 17:00</time>" in html  # recently closed: no count


@time_machine.travel(NOW, tick=False)
def test_tracker_page_filters_by_plain_links(client: Client, tracker: dict[str, Any]) -> None:
    html = client.get("/tracker/?kind=bill").content.decode()
    everything = html.split('id="all-items"')[1]
    assert "A bill we watch" in everything and "Welfare bill evidence" not in everything
    assert "1 item matching your filters" in everything
    assert 'href="?kind=bill&amp;area=data#all-items"' in html
    html = client.get("/tracker/?area=data&status=open&response=submitted").content.decode()
    assert "Data sharing proposals" in html.split('id="all-items"')[1]
    html = client.get("/tracker/?kind=strategy").content.decode()
    assert "Nothing matches these filters" in html
    assert client.get("/tracker/?kind=<script>&page=999").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_item_page_shows_windows_timeline_response_and_how_to_respond(client: Client, tracker: dict[str, Any]) -> None:
    response = client.get("/tracker/data-sharing/")
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert "<h1>Data sharing proposals</h1>" in html
    assert "You can respond yourself" in html
    assert 'href="https://www.gov.uk/government/consultations/example/respond"' in html
    assert "Tuesday 10 November 2026, 23:59" in html
    assert "Accepted" in html
    assert "Opened for responses" in html
    assert "We have sent our response." in html
    assert 'href="/news/our-answer/"' in html
    assert 'href="/priorities/data/"' not in html or "Data" in html


def test_unknown_item_is_404(client: Client, tracker: dict[str, Any]) -> None:
    assert client.get("/tracker/no-such-item/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_closed_item_does_not_invite_responses(client: Client, tracker: dict[str, Any]) -> None:
    html = client.get("/tracker/closed/").content.decode()
    assert "You can respond yourself" not in html
    assert "Consultation – closed" in html


def test_article_include_lists_the_items_an_article_is_about(tracker: dict[str, Any]) -> None:
    html = render_to_string("tracker/includes/article_tracked_items.html", {"page": tracker["article"]})
    assert "On the policy tracker" in html
    assert '<a href="/tracker/data-sharing/">Data sharing proposals</a>' in html
    other = ArticlePageFactory(parent=tracker["article"].get_parent())
    assert render_to_string("tracker/includes/article_tracked_items.html", {"page": other}).strip() == ""


@time_machine.travel(NOW, tick=False)
def test_icalendar_feed_parses_back_with_stable_uids_and_london_times(client: Client, tracker: dict[str, Any]) -> None:
    response = client.get("/feeds/tracker/deadlines.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert not response.cookies
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/London"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Deadline: Data sharing proposals",
        "Deadline: Welfare bill evidence",
        "Deadline: Closed inquiry",
    }
    event = events["Deadline: Data sharing proposals"]
    window = tracker["soon"].windows.get()
    assert str(event["UID"]) == f"tracker-window-{window.pk}@127.0.0.1"
    assert event["DTEND"].dt == london(2026, 11, 10, 23, 59)
    assert event["DTSTART"].dt == london(2026, 11, 10, 22, 59)
    assert event["DTEND"].params["TZID"] == "Europe/London"
    assert event["DTEND"].dt.utcoffset() == datetime.timedelta(0)
    summer = events["Deadline: Welfare bill evidence"]["DTEND"].dt
    assert summer == london(2027, 2, 1, 17, 0)
    assert str(event["URL"]).endswith("/tracker/data-sharing/")
    assert "Late submissions are accepted." in str(event["DESCRIPTION"])
    # A moved deadline keeps its UID, so calendars update the event instead of duplicating it.
    window.closes_at = london(2026, 11, 20, 12, 0)
    window.save()
    retire_cached_pages()  # what the admin's save service does, so the feed is rebuilt
    again = Calendar.from_ical(client.get("/feeds/tracker/deadlines.ics").content)
    moved = next(e for e in again.walk("VEVENT") if str(e["UID"]) == str(event["UID"]))
    assert moved["DTEND"].dt == london(2026, 11, 20, 12, 0)


@time_machine.travel(NOW, tick=False)
def test_icalendar_feed_per_priority_area(client: Client, tracker: dict[str, Any]) -> None:
    calendar = Calendar.from_ical(client.get("/feeds/tracker/areas/data/deadlines.ics").content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Deadline: Data sharing proposals"]
    assert "Data" in str(calendar["X-WR-CALNAME"])
    assert client.get("/feeds/tracker/areas/nope/deadlines.ics").status_code == 404


def test_a_bst_deadline_keeps_its_offset_in_the_calendar(client: Client, tracker: dict[str, Any]) -> None:
    SubmissionWindowFactory(item__title="Summer", item__slug="summer", closes_at=london(2026, 7, 1, 17, 0))
    with time_machine.travel(london(2026, 6, 1, 9, 0), tick=False):
        calendar = Calendar.from_ical(client.get("/feeds/tracker/deadlines.ics").content)
    event = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Deadline: Summer")
    assert event["DTEND"].dt.utcoffset() == datetime.timedelta(hours=1)
    assert event["DTEND"].dt.astimezone(datetime.UTC).hour == 16


def test_atom_feed_of_changes(client: Client, tracker: dict[str, Any], campaigner: Any) -> None:
    item = TrackedItemFactory(title="Mental health plan", slug="plan")
    response = response_create(item=item, actor=campaigner)
    response_transition(response=response, target=ResponseStatus.DRAFTING, actor=campaigner)
    feed = feedparser.parse(client.get("/feeds/tracker/changes/").content)
    assert feed.bozo == 0
    assert feed.feed.title == "Chorus: policy tracker changes"
    titles = [entry.title for entry in feed.entries]
    assert titles[:2] == ["Our response: Mental health plan", "Our response: Mental health plan"]
    assert feed.entries[0].summary == "We are writing our response."
    assert feed.entries[0].link.endswith("/tracker/plan/")
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


def test_sitemap_lists_item_pages(client: Client, tracker: dict[str, Any]) -> None:
    xml = client.get("/sitemap.xml").content.decode()
    assert "/tracker/</loc>" in xml
    assert "/tracker/data-sharing/</loc>" in xml

"""One item's "add to calendar" file with a reminder, and webcal: links to subscribe."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from icalendar import Calendar

from chorus.pages.tests.factories import make_site
from chorus.tracker.calendars import webcal_address
from chorus.tracker.tests.factories import SubmissionWindowFactory, TrackedItemFactory, TrackerPageFactory, london

pytestmark = pytest.mark.django_db

NOW = london(2026, 11, 2, 12, 0)


@pytest.fixture
def item(db: Any) -> Any:
    TrackerPageFactory(parent=make_site())
    window = SubmissionWindowFactory(
        item__title="Data sharing proposals", item__slug="data-sharing", closes_at=london(2026, 11, 10, 23, 59)
    )
    SubmissionWindowFactory(item__title="Another item", item__slug="another", closes_at=london(2026, 12, 1, 17, 0))
    return window.item


@time_machine.travel(NOW, tick=False)
def test_an_items_file_holds_only_its_deadline_with_a_reminder(client: Client, item: Any) -> None:
    response = client.get("/feeds/tracker/items/data-sharing/deadlines.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert not response.cookies
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(event["SUMMARY"]) for event in events] == ["Deadline: Data sharing proposals"]
    alarms = list(events[0].walk("VALARM"))
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY" and str(alarms[0]["DESCRIPTION"])
    # The reminder rings three days before the closing time (the event starts an hour before it).
    trigger = alarms[0]["TRIGGER"].dt
    assert events[0]["DTSTART"].dt + trigger == london(2026, 11, 7, 23, 59)
    assert events[0]["DTEND"].dt - (events[0]["DTSTART"].dt + trigger) == datetime.timedelta(days=3)


@time_machine.travel(NOW, tick=False)
def test_subscribed_feeds_carry_no_reminders(client: Client, item: Any) -> None:
    calendar = Calendar.from_ical(client.get("/feeds/tracker/deadlines.ics").content)
    assert len(list(calendar.walk("VEVENT"))) == 2
    assert list(calendar.walk("VALARM")) == []


def test_an_unknown_item_or_one_without_deadlines_is_404(client: Client, item: Any) -> None:
    TrackedItemFactory(title="A bill we watch", slug="a-bill")
    assert client.get("/feeds/tracker/items/nope/deadlines.ics").status_code == 404
    assert client.get("/feeds/tracker/items/a-bill/deadlines.ics").status_code == 404


@override_settings(SITE_URL="https://chorus.example.org")
def test_webcal_addresses_follow_the_site_url() -> None:
    assert webcal_address("/feeds/tracker/deadlines.ics") == "webcal://chorus.example.org/feeds/tracker/deadlines.ics"


@time_machine.travel(NOW, tick=False)
def test_the_pages_offer_adding_and_subscribing(client: Client, item: Any) -> None:
    item_page = client.get("/tracker/data-sharing/").content.decode()
    assert 'href="/feeds/tracker/items/data-sharing/deadlines.ics" download' in item_page
    assert re.search(r'href="webcal://[^"/]+/feeds/tracker/deadlines\.ics"', item_page)
    tracker_page = client.get("/tracker/").content.decode()
    assert re.search(r'href="webcal://[^"/]+/feeds/tracker/deadlines\.ics"', tracker_page)

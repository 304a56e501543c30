"""Open actions feed the weekly bulletin's draft ("Take action"), by their own opening and closing dates."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from chorus.bulletin.selectors import draft_items
from chorus.campaigns.selectors import bulletin_items
from chorus.campaigns.tests.factories import letter, petition
from chorus.campaigns.workflow import ActionState

pytestmark = pytest.mark.django_db


def test_every_action_still_open_when_the_bulletin_goes_out_closing_soonest_first(index: Any) -> None:
    until = timezone.now()
    today = timezone.localdate(until)
    undated_old = letter(index, title="Undated, older")
    undated_new = petition(index, title="Undated, newer")
    later = petition(index, title="Closes later", closing_date=today + datetime.timedelta(days=30))
    sooner = letter(index, title="Closes sooner", closing_date=today + datetime.timedelta(days=3))
    closes_today = letter(index, title="Closes today", closing_date=today)
    letter(index, title="Closed yesterday", closing_date=today - datetime.timedelta(days=1))
    letter(index, title="Closed by staff", state=ActionState.CLOSED)
    letter(index, title="Delivered", state=ActionState.DELIVERED)
    draft = letter(index, title="Not published")
    draft.unpublish()
    # Opened in order of creation; the more recently opened undated one must come first. Their
    # pages were published the other way round: the action's own opening decides, not that.
    for n, action in enumerate([undated_old, undated_new, later, sooner, closes_today]):
        type(action).objects.filter(pk=action.pk).update(
            opened_at=until - datetime.timedelta(days=10 - n), first_published_at=until - datetime.timedelta(hours=n)
        )

    items = bulletin_items(since=until - datetime.timedelta(days=7), until=until)

    assert [item.title for item in items] == ["Closes today", "Closes sooner", "Closes later", "Undated, newer",
                                              "Undated, older"]  # fmt: skip
    assert {item.section for item in items} == {"Take action"}
    assert items[1].url == sooner.url and items[1].date == sooner.closing_date
    closing = sooner.closing_date
    assert items[1].summary == f"{sooner.summary} Open until {closing.day} {closing:%B %Y}."
    assert items[3].summary == undated_new.summary and items[3].date is None


def test_an_action_opened_after_the_bulletin_went_out_is_not_in_it_whenever_its_page_was_published(
    index: Any,
) -> None:
    until = timezone.now() - datetime.timedelta(days=1)
    opened_later = letter(index, title="Opened today, page published last month")
    opened_before = letter(index, title="Opened last week, page published today")
    type(opened_later).objects.filter(pk=opened_later.pk).update(
        opened_at=timezone.now(), first_published_at=until - datetime.timedelta(days=30)
    )
    type(opened_before).objects.filter(pk=opened_before.pk).update(
        opened_at=until - datetime.timedelta(days=6), first_published_at=timezone.now()
    )
    items = bulletin_items(since=until - datetime.timedelta(days=7), until=until)
    assert [item.title for item in items] == ["Opened last week, page published today"]


def test_the_bulletin_draft_takes_its_take_action_items_from_campaigns(index: Any) -> None:
    action = letter(index, title="Cameras off our wards")
    until = timezone.now() + datetime.timedelta(minutes=1)
    items = draft_items(since=until - datetime.timedelta(days=7), until=until)
    assert [(item.section, item.title) for item in items if item.section == "Take action"] == [
        ("Take action", action.title)
    ]

"""The public fund and round pages: rounds by status with deadline words, and what a round asks."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags

from chorus.grants.models import FundPage, RoundStatus
from chorus.grants.tests.factories import make_round
from chorus.pages.models import OrganisationSettings

pytestmark = pytest.mark.django_db


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def _words(response: object) -> str:
    """What a reader sees: the text without tags, spaces collapsed."""
    return " ".join(strip_tags(_text(response)).split())


# At noon, so "5 days and an hour from now" is 5 days away in UK days, whatever time the suite runs.
@time_machine.travel(datetime(2026, 12, 7, 12, 0, tzinfo=UTC), tick=False)
def test_the_fund_page_lists_rounds_open_opening_soon_and_closed_with_deadline_words(
    client: Client, fund: FundPage
) -> None:
    now = timezone.now()
    open_round = make_round(fund, title="Winter round", closes=now + timedelta(days=5, hours=1))
    soon = make_round(fund, title="Spring round", opens=now + timedelta(days=20), closes=now + timedelta(days=50))
    closed = make_round(fund, title="Autumn round", opens=now - timedelta(days=90), closes=now - timedelta(days=40))
    assert (open_round.status(), soon.status(), closed.status()) == (
        RoundStatus.OPEN,
        RoundStatus.OPENING_SOON,
        RoundStatus.CLOSED,
    )

    response = client.get(fund.url)

    assert response.status_code == 200
    page = _text(response)
    assert page.index("Open now") < page.index("Winter round") < page.index("Opening soon")
    assert page.index("Opening soon") < page.index("Spring round") < page.index("Closed") < page.index("Autumn round")
    assert "Closes in 5 days (" in page
    assert "Closed (" in page
    assert "User-led groups, registered or not." in page


def test_the_round_page_shows_bands_with_their_question_counts_criteria_and_timetable(
    client: Client, fund: FundPage
) -> None:
    round_page = make_round(fund, bands=[("Small grants", 500, 3), ("Larger grants", 2500, 6)], budget=30000)

    response = client.get(round_page.url)
    page, words = _text(response), _words(response)

    assert "Small grants: up to £500, 3 questions" in words
    assert "Larger grants: up to £2,500, 6 questions" in words
    assert "£30,000 to give in total" in words
    assert "The group is user-led." in page
    assert f'<time datetime="{round_page.decision_date.isoformat()}">' in page
    assert "Closes in 10 days (" in page or "Closes in 9 days (" in page
    assert "User-led groups, registered or not." in page


def test_an_open_round_links_to_apply_online_and_keeps_email_and_phone_beside_it(
    client: Client, fund: FundPage
) -> None:
    settings = OrganisationSettings.load()
    settings.contact_email = "grants@chorus.test"
    settings.save()
    round_page = make_round(fund)

    page = _text(client.get(round_page.url))

    assert f'href="/funding/apply/{round_page.pk}/"' in page
    assert ">Apply online<" in page
    assert "apply by email or by phone" in page
    assert 'href="mailto:grants@chorus.test"' in page


def test_a_funds_own_contact_comes_before_the_organisations(client: Client, fund: FundPage) -> None:
    fund.contact_email = "fund@chorus.test"
    fund.contact_phone = "0113 496 0123"
    fund.save_revision().publish()
    round_page = make_round(fund)

    page = _text(client.get(round_page.url))

    assert 'href="mailto:fund@chorus.test"' in page
    assert 'href="tel:01134960123"' in page


def test_a_closed_round_that_takes_no_late_applications_says_it_is_closed(client: Client, fund: FundPage) -> None:
    now = timezone.now()
    round_page = make_round(fund, opens=now - timedelta(days=60), closes=now - timedelta(days=30))

    page = _text(client.get(round_page.url))

    assert "This round is closed." in page
    assert "apply by email or by phone" not in page


def test_a_round_opening_soon_says_when_groups_can_apply_from(client: Client, fund: FundPage) -> None:
    now = timezone.now()
    round_page = make_round(fund, opens=now + timedelta(days=14), closes=now + timedelta(days=40))

    words = _words(client.get(round_page.url))

    assert "Opening soon" in words
    assert "This round is not open yet: you can apply from " in words
    assert "For now, apply by email or by phone" not in words

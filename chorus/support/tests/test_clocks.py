"""Working-day arithmetic across weekends, bank holidays and pauses."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from chorus.core import working_days as clocks
from chorus.support.models import SupportRequest
from chorus.support.selectors import support_request_is_overdue
from chorus.support.services.transitions import support_request_transition
from chorus.support.tests.factories import make_request

LONDON = ZoneInfo("Europe/London")


def test_weekends_are_skipped() -> None:
    friday = date(2026, 11, 27)
    assert clocks.add_working_days(friday, 1) == date(2026, 11, 30)  # Monday
    assert clocks.add_working_days(friday, 2) == date(2026, 12, 1)


def test_christmas_and_boxing_day_2026_are_skipped() -> None:
    # 25 Dec 2026 is a Friday; Boxing Day falls on Saturday, so Monday 28th is the substitute holiday.
    christmas_eve = date(2026, 12, 24)
    assert not clocks.is_working_day(date(2026, 12, 25))
    assert not clocks.is_working_day(date(2026, 12, 28))
    assert clocks.add_working_days(christmas_eve, 1) == date(2026, 12, 29)
    assert clocks.add_working_days(christmas_eve, 2) == date(2026, 12, 30)


def test_easter_2027_is_skipped() -> None:
    # Good Friday 26 March and Easter Monday 29 March 2027.
    thursday = date(2027, 3, 25)
    assert clocks.add_working_days(thursday, 1) == date(2027, 3, 30)
    assert clocks.working_days_between(thursday, date(2027, 3, 30)) == 1


def test_new_year_crosses_years() -> None:
    assert clocks.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)  # 1 Jan holiday, then weekend


def test_working_days_between_is_zero_for_same_or_earlier_day() -> None:
    assert clocks.working_days_between(date(2026, 12, 1), date(2026, 12, 1)) == 0
    assert clocks.working_days_between(date(2026, 12, 2), date(2026, 12, 1)) == 0
    assert clocks.working_days_between(date(2026, 12, 25), date(2026, 12, 28)) == 0


@pytest.mark.django_db
@override_settings(CHORUS_SUPPORT_FIRST_RESPONSE_DAYS=2, CHORUS_SUPPORT_RESOLUTION_DAYS=5)
def test_targets_are_set_in_working_days_on_arrival() -> None:
    support_request, _ = make_request(now=datetime(2026, 12, 23, 10, tzinfo=LONDON))  # Wednesday
    assert support_request.first_response_due == date(2026, 12, 29)  # Thu 24, then Tue 29
    # Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 Jan
    assert support_request.resolution_due == date(2027, 1, 4)


@pytest.mark.django_db
@override_settings(CHORUS_SUPPORT_FIRST_RESPONSE_DAYS=2, CHORUS_SUPPORT_RESOLUTION_DAYS=5)
def test_waiting_on_member_pauses_the_clock(caseworker: object) -> None:
    support_request, _ = make_request(now=datetime(2027, 3, 22, 10, tzinfo=LONDON))  # Monday
    # Tue 23, Wed 24, Thu 25, (Good Friday, Easter Monday), Tue 30, Wed 31.
    assert support_request.resolution_due == date(2027, 3, 31)
    support_request_transition(
        support_request=support_request,
        transition="ask_member",
        actor=caseworker,  # type: ignore[arg-type]
        now=datetime(2027, 3, 23, 9, tzinfo=LONDON),
    )
    support_request.refresh_from_db()
    assert support_request.paused_at is not None
    # While paused it is never overdue, even long after the target.
    assert not support_request_is_overdue(support_request=support_request, today=date(2027, 4, 30))
    assert not SupportRequest.objects.overdue(date(2027, 4, 30)).exists()
    # The member answers after Easter: Wed 24, Thu 25, Tue 30 = 3 working days paused.
    support_request_transition(
        support_request=support_request,
        transition="resume",
        actor=caseworker,  # type: ignore[arg-type]
        now=datetime(2027, 3, 30, 12, tzinfo=LONDON),
    )
    support_request.refresh_from_db()
    assert support_request.paused_at is None
    assert support_request.paused_working_days == 3
    # 5 + 3 = 8 working days from 22 March: ... 31 March, 1, 2 and 5 April.
    assert support_request.resolution_due == date(2027, 4, 5)
    assert support_request_is_overdue(support_request=support_request, today=date(2027, 4, 6))
    assert SupportRequest.objects.overdue(date(2027, 4, 6)).filter(pk=support_request.pk).exists()
    assert not support_request_is_overdue(support_request=support_request, today=date(2027, 4, 5))


@pytest.mark.django_db
@override_settings(CHORUS_SUPPORT_FIRST_RESPONSE_DAYS=2, CHORUS_SUPPORT_RESOLUTION_DAYS=20)
def test_first_response_overdue_until_staff_respond(caseworker: object) -> None:
    support_request, _ = make_request(now=datetime(2026, 11, 27, 16, tzinfo=LONDON))  # Friday
    assert support_request.first_response_due == date(2026, 12, 1)
    assert not support_request_is_overdue(support_request=support_request, today=date(2026, 12, 1))
    assert support_request_is_overdue(support_request=support_request, today=date(2026, 12, 2))
    support_request_transition(
        support_request=support_request,
        transition="acknowledge",
        actor=caseworker,  # type: ignore[arg-type]
        now=datetime(2026, 12, 2, 9, tzinfo=LONDON),
    )
    support_request.refresh_from_db()
    assert not support_request_is_overdue(support_request=support_request, today=date(2026, 12, 2))

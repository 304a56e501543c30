"""Reminders to response owners a set number of working days (England and Wales) before a window closes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail

from chorus.core.models import AuditEvent
from chorus.core.outbox import outbox_send
from chorus.core.working_days import working_days_before
from chorus.tracker.models import ResponseReminder, ResponseStatus
from chorus.tracker.services import response_reminders_schedule
from chorus.tracker.tests.factories import ResponseFactory, SubmissionWindowFactory, london

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    # Monday 4 May 2026 is the early May bank holiday.
    assert working_days_before(datetime.date(2026, 5, 6), 2) == datetime.date(2026, 5, 1)
    # Christmas 2026: Friday 25th, Boxing Day observed on Monday 28th.
    assert working_days_before(datetime.date(2026, 12, 30), 3) == datetime.date(2026, 12, 23)
    assert working_days_before(datetime.date(2026, 11, 16), 5) == datetime.date(2026, 11, 9)


@pytest.fixture
def owned_window(campaigner: Any) -> Any:
    campaigner.first_name = "Cam"
    campaigner.save()
    window = SubmissionWindowFactory(item__title="Welfare reform bill evidence", closes_at=london(2026, 11, 16, 12, 0))
    ResponseFactory(item=window.item, owner=campaigner, status=ResponseStatus.DRAFTING)
    return window


def test_no_reminder_before_the_working_day_threshold(owned_window: Any, settings: Any) -> None:
    settings.TRACKER_REMINDER_WORKING_DAYS = 5
    assert response_reminders_schedule(now=london(2026, 11, 6, 9, 0)) == []
    assert mail.outbox == []


def test_reminder_is_sent_once_to_the_owner(
    owned_window: Any, campaigner: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TRACKER_REMINDER_WORKING_DAYS = 5
    with django_capture_on_commit_callbacks(execute=True):
        created = response_reminders_schedule(now=london(2026, 11, 9, 7, 0))
    assert len(created) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cam-campaigner@chorus.test"]
    assert "Welfare reform bill evidence" in message.subject
    assert "16 Nov" in message.subject
    assert "Monday 16 November 2026 at 12:00" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    # The next day's run, and a retried task, send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert response_reminders_schedule(now=london(2026, 11, 10, 7, 0)) == []
    assert outbox_send().sent == 0
    assert len(mail.outbox) == 1
    assert ResponseReminder.objects.get().sent_at is not None
    event = AuditEvent.objects.get(action="tracker.response.reminder_sent")
    assert event.data == {"reminder_id": created[0], "window_id": owned_window.pk}


def test_finished_or_unowned_responses_get_no_reminder(owned_window: Any) -> None:
    owned_window.item.response.status = ResponseStatus.SUBMITTED
    owned_window.item.response.save()
    SubmissionWindowFactory(closes_at=london(2026, 11, 12, 12, 0)).item.save()
    ResponseFactory(item=SubmissionWindowFactory(closes_at=london(2026, 11, 12, 12, 0)).item, owner=None)
    assert response_reminders_schedule(now=london(2026, 11, 11, 7, 0)) == []


def test_daily_task_schedules_and_sends(
    owned_window: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import time_machine

    from chorus.tracker.tasks import send_response_reminders

    settings.TRACKER_REMINDER_WORKING_DAYS = 5
    with time_machine.travel(london(2026, 11, 12, 7, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        result = send_response_reminders.enqueue()
    assert result.return_value == 1
    assert len(mail.outbox) == 1

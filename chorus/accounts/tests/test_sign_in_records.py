"""Sign-in records: successful sign-ins are not logged; failed attempts go after a few days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.test import Client, override_settings
from django.urls import reverse

from chorus.accounts.models import User
from chorus.accounts.services import sign_in_records_prune
from chorus.core.periodic import periodic_jobs

pytestmark = pytest.mark.django_db


def _sign_in(address: str, username: str, password: str) -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password}).status_code


@override_settings(AXES_ENABLED=True)
def test_a_successful_sign_in_leaves_no_record_of_address_or_browser(editor: User) -> None:
    assert _sign_in("192.0.2.20", editor.username, "correct-horse-battery") == 302
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()


@override_settings(AXES_ENABLED=True)
def test_failed_attempts_are_deleted_after_the_retention_period(editor: User, settings: Any) -> None:
    settings.CHORUS_RETENTION_SIGN_IN_ATTEMPT_DAYS = 2
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as clock:
        _sign_in("192.0.2.21", "someone-mistyped", "wrong-password-here")
        clock.shift(timedelta(minutes=30))  # within the lock-out's hour, so axes keeps the first
        _sign_in("192.0.2.22", "another-typo", "wrong-password-here")
        assert AccessAttempt.objects.count() == 2
        clock.shift(timedelta(days=1, hours=23))
        assert sign_in_records_prune() == 0
        clock.shift(timedelta(minutes=40))  # the first is now more than two days old
        assert sign_in_records_prune() == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["another-typo"]


def test_the_prune_runs_every_hour() -> None:
    jobs = {job.task_path: job.every for job in periodic_jobs()}
    assert jobs["chorus.accounts.tasks.prune_sign_in_records"] == timedelta(hours=1)

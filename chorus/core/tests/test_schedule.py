"""The periodic-job runner enqueues each job once per interval, however many schedulers run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import task
from django.test import override_settings
from django.utils import timezone

from chorus.core.models import ScheduledJob
from chorus.core.schedule import run_due_jobs

pytestmark = pytest.mark.django_db

RUNS: list[str] = []


@task()
def record_run() -> None:
    RUNS.append("ran")


JOBS = [{"name": "test.record", "task": "chorus.core.tests.test_schedule.record_run", "every_seconds": 60}]


@pytest.fixture(autouse=True)
def _clear_runs() -> None:
    RUNS.clear()


@override_settings(CHORUS_PERIODIC_JOBS=JOBS)
def test_a_job_runs_once_per_interval_even_when_checked_often() -> None:
    start = timezone.now()
    assert run_due_jobs(now=start) == ["test.record"]
    assert run_due_jobs(now=start + timedelta(seconds=1)) == []
    assert run_due_jobs(now=start + timedelta(seconds=59)) == []
    assert run_due_jobs(now=start + timedelta(seconds=61)) == ["test.record"]
    assert RUNS == ["ran", "ran"]


@override_settings(CHORUS_PERIODIC_JOBS=JOBS)
def test_a_second_scheduler_with_a_stale_view_cannot_claim_the_same_run() -> None:
    start = timezone.now()
    run_due_jobs(now=start)
    job = ScheduledJob.objects.get(name="test.record")
    due = job.next_run_at
    later = due + timedelta(seconds=1)
    assert run_due_jobs(now=later) == ["test.record"]
    # Another scheduler read the row before the claim above: its conditional UPDATE matches nothing.
    assert ScheduledJob.objects.filter(pk=job.pk, next_run_at=due).update(next_run_at=later) == 0
    assert run_due_jobs(now=later) == []
    assert RUNS == ["ran", "ran"]


@override_settings(CHORUS_PERIODIC_JOBS=JOBS)
def test_a_scheduler_that_was_down_runs_an_overdue_job_once() -> None:
    start = timezone.now()
    run_due_jobs(now=start)
    assert run_due_jobs(now=start + timedelta(hours=5)) == ["test.record"]
    assert run_due_jobs(now=start + timedelta(hours=5, seconds=1)) == []
    assert RUNS == ["ran", "ran"]

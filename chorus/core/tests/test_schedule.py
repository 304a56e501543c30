"""The periodic-job runner enqueues each job once per interval, however many schedulers run,
and never again while the job's previous run is still waiting or running."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.tasks import TaskResultStatus, task
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chorus.core.models import AuditEvent, ScheduledJob
from chorus.core.periodic import PeriodicJob, periodic_jobs
from chorus.core.schedule import run_due_jobs

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

RUNS: list[str] = []


@task()
def record_run() -> None:
    RUNS.append("ran")


JOB = PeriodicJob(name="test.record", task=record_run, every=timedelta(seconds=60))


@pytest.fixture(autouse=True)
def _clear_runs() -> None:
    RUNS.clear()


def test_a_job_runs_once_per_interval_even_when_checked_often() -> None:
    start = timezone.now()
    assert run_due_jobs(now=start, jobs=[JOB]) == ["test.record"]
    assert run_due_jobs(now=start + timedelta(seconds=1), jobs=[JOB]) == []
    assert run_due_jobs(now=start + timedelta(seconds=59), jobs=[JOB]) == []
    assert run_due_jobs(now=start + timedelta(seconds=61), jobs=[JOB]) == ["test.record"]
    assert RUNS == ["ran", "ran"]


def test_a_second_scheduler_with_a_stale_view_cannot_claim_the_same_run() -> None:
    start = timezone.now()
    run_due_jobs(now=start, jobs=[JOB])
    job = ScheduledJob.objects.get(name="test.record")
    due = job.next_run_at
    later = due + timedelta(seconds=1)
    assert run_due_jobs(now=later, jobs=[JOB]) == ["test.record"]
    # Another scheduler read the row before the claim above: its conditional UPDATE matches nothing.
    assert ScheduledJob.objects.filter(pk=job.pk, next_run_at=due).update(next_run_at=later) == 0
    assert run_due_jobs(now=later, jobs=[JOB]) == []
    assert RUNS == ["ran", "ran"]


def test_a_scheduler_that_was_down_runs_an_overdue_job_once() -> None:
    start = timezone.now()
    run_due_jobs(now=start, jobs=[JOB])
    assert run_due_jobs(now=start + timedelta(hours=5), jobs=[JOB]) == ["test.record"]
    assert run_due_jobs(now=start + timedelta(hours=5, seconds=1), jobs=[JOB]) == []
    assert RUNS == ["ran", "ran"]


# --- no pile-up: one waiting run per job, whatever the number of periods -------------


def _waiting_runs() -> Counter[str]:
    return Counter(DBTaskResult.objects.filter(status=TaskResultStatus.READY).values_list("task_path", flat=True))


@override_settings(TASKS=DATABASE_TASKS)
def test_without_a_worker_many_periods_leave_one_waiting_run_per_job() -> None:
    jobs = periodic_jobs()
    start = timezone.now()
    # Every job is due at each of these checks (the longest interval is a day).
    for day in range(30):
        run_due_jobs(now=start + timedelta(days=day, seconds=1))
    assert _waiting_runs() == Counter({job.task_path: 1 for job in jobs})
    assert DBTaskResult.objects.count() == len(jobs)
    remembered = set(ScheduledJob.objects.values_list("last_result_id", flat=True))
    assert remembered == {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}


@override_settings(TASKS=DATABASE_TASKS)
def test_refresh_counts_queues_one_run_not_one_every_five_seconds() -> None:
    refresh = next(job for job in periodic_jobs() if job.name == "campaigns.refresh_counts")
    start = timezone.now()
    enqueued = [run_due_jobs(now=start + timedelta(seconds=5 * n), jobs=[refresh]) for n in range(120)]
    assert enqueued[0] == ["campaigns.refresh_counts"]
    assert not any(enqueued[1:])  # ten minutes of periods, every one skipped
    assert _waiting_runs() == Counter({"chorus.campaigns.tasks.refresh_counts": 1})


def _finish(status: str) -> None:
    run = DBTaskResult.objects.get()
    if status == "successful":
        run.set_successful(None)
    else:
        run.set_failed(RuntimeError("the run failed"))


@override_settings(TASKS=DATABASE_TASKS)
@pytest.mark.parametrize("status", ["successful", "failed"])
def test_the_next_run_is_enqueued_once_the_previous_one_has_finished(status: str) -> None:
    start = timezone.now()
    assert run_due_jobs(now=start, jobs=[JOB]) == ["test.record"]
    assert run_due_jobs(now=start + timedelta(minutes=1), jobs=[JOB]) == []
    _finish(status)
    # The period that was skipped is not made up: the next one runs.
    assert run_due_jobs(now=start + timedelta(minutes=1, seconds=30), jobs=[JOB]) == []
    assert run_due_jobs(now=start + timedelta(minutes=2, seconds=1), jobs=[JOB]) == ["test.record"]
    assert DBTaskResult.objects.count() == 2


@override_settings(TASKS=DATABASE_TASKS)
def test_a_previous_run_the_backend_no_longer_has_counts_as_finished() -> None:
    start = timezone.now()
    run_due_jobs(now=start, jobs=[JOB])
    DBTaskResult.objects.all().delete()  # pruned, or lost with an old database
    assert run_due_jobs(now=start + timedelta(minutes=1), jobs=[JOB]) == ["test.record"]
    assert run_due_jobs(now=start + timedelta(minutes=2), jobs=[JOB]) == []  # the run just enqueued waits
    ScheduledJob.objects.update(last_result_id="not-a-run-id")
    assert run_due_jobs(now=start + timedelta(minutes=3), jobs=[JOB]) == ["test.record"]


@override_settings(TASKS=DATABASE_TASKS)
def test_a_run_still_running_keeps_the_job_waiting() -> None:
    start = timezone.now()
    run_due_jobs(now=start, jobs=[JOB])
    DBTaskResult.objects.get().claim("worker-1")
    assert run_due_jobs(now=start + timedelta(minutes=5), jobs=[JOB]) == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    assert not AuditEvent.objects.filter(action="core.task_runs.requeued").exists()


@override_settings(TASKS=DATABASE_TASKS)
def test_a_run_whose_worker_died_is_queued_again_rather_than_doubled(settings: Any) -> None:
    # The job the scheduler waits on may be the lease job's own run: nothing else would
    # ever put it back, so the scheduler applies the lease to it.
    start = timezone.now()
    run_due_jobs(now=start, jobs=[JOB])
    run = DBTaskResult.objects.get()
    run.claim("worker-that-died")
    DBTaskResult.objects.filter(pk=run.pk).update(started_at=start - timedelta(hours=1))
    assert run_due_jobs(now=start + timedelta(minutes=5), jobs=[JOB]) == []
    run.refresh_from_db()
    assert run.status == TaskResultStatus.READY
    assert DBTaskResult.objects.count() == 1


def test_a_backend_that_keeps_no_results_still_gets_every_period() -> None:
    # The test settings' immediate backend runs a task as it is enqueued and keeps nothing.
    start = timezone.now()
    for n in range(3):
        assert run_due_jobs(now=start + timedelta(minutes=n), jobs=[JOB]) == ["test.record"]
    assert RUNS == ["ran"] * 3

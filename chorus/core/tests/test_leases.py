"""A task run whose worker died (RUNNING past its lease) is queued again and a worker runs it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus, task
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chorus.core import leases
from chorus.core.leases import DeclaredLease, WorkerLost, task_runs_requeue_lost
from chorus.core.models import AuditEvent
from chorus.core.tasks import requeue_lost_task_runs

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

RUNS: list[int] = []


@task()
def count_signatures(action_id: int) -> int:
    RUNS.append(action_id)
    return action_id


@pytest.fixture(autouse=True)
def _clear_runs() -> None:
    RUNS.clear()


def _left_running(*, started: datetime, action_id: int = 7, task_path: str = "") -> DBTaskResult:
    """A run a worker claimed and then died holding."""
    result = count_signatures.enqueue(action_id)
    run = DBTaskResult.objects.get(pk=result.id)
    run.claim("worker-that-died")
    updates: dict[str, Any] = {"started_at": started}
    if task_path:
        updates["task_path"] = task_path
    DBTaskResult.objects.filter(pk=run.pk).update(**updates)
    run.refresh_from_db()
    return run


@pytest.fixture
def worker_process_state() -> Iterator[None]:
    """`db_worker` sets signal handlers and log levels for its own process: put ours back."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = {name: logging.getLogger(name).level for name in ("django.tasks", "django_tasks_db")}
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for name, level in loggers.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_run_left_running_past_its_lease_is_ready_again_and_a_worker_runs_it(worker_process_state: None) -> None:
    lost = _left_running(started=timezone.now() - timedelta(minutes=16))

    requeue_lost_task_runs.call()

    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", verbosity=0)
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.SUCCESSFUL
    assert lost.return_value == 7
    assert RUNS == [7]
    assert lost.worker_ids[0] == "worker-that-died" and len(lost.worker_ids) == 2


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_run_within_its_lease_is_left_to_its_worker() -> None:
    running = _left_running(started=timezone.now() - timedelta(minutes=14))
    assert task_runs_requeue_lost() == 0
    running.refresh_from_db()
    assert running.status == TaskResultStatus.RUNNING
    assert not AuditEvent.objects.filter(action="core.task_runs.requeued").exists()


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS, CHORUS_TASK_LEASE_SECONDS=120)
def test_the_default_lease_is_a_setting() -> None:
    _left_running(started=timezone.now() - timedelta(minutes=3))
    assert task_runs_requeue_lost() == 1


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_finished_and_waiting_runs_are_never_touched() -> None:
    long_ago = timezone.now() - timedelta(days=2)
    done = _left_running(started=long_ago)
    done.set_successful(7)
    failed = _left_running(started=long_ago)
    failed.set_failed(RuntimeError("refused"))
    waiting = count_signatures.enqueue(8)
    assert task_runs_requeue_lost() == 0
    statuses = {str(pk): status for pk, status in DBTaskResult.objects.values_list("pk", "status")}
    assert statuses == {
        str(done.pk): TaskResultStatus.SUCCESSFUL,
        str(failed.pk): TaskResultStatus.FAILED,
        waiting.id: TaskResultStatus.READY,
    }


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_the_bulletin_send_has_a_longer_lease_of_its_own() -> None:
    now = timezone.now()
    send = "chorus.bulletin.tasks.send_issue"
    still_sending = _left_running(started=now - timedelta(minutes=50), task_path=send)
    died = _left_running(started=now - timedelta(minutes=61), task_path=send)
    ordinary = _left_running(started=now - timedelta(minutes=50))
    assert task_runs_requeue_lost(now=now) == 2
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[still_sending.pk] == TaskResultStatus.RUNNING
    assert statuses[died.pk] == TaskResultStatus.READY
    assert statuses[ordinary.pk] == TaskResultStatus.READY


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_declared_lease_applies_to_its_task_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leases, "declared_leases", [DeclaredLease(task=count_signatures, duration=timedelta(hours=3))])
    now = timezone.now()
    _left_running(started=now - timedelta(hours=2))
    other = _left_running(started=now - timedelta(hours=2), task_path="chorus.core.tasks.prune_task_results")
    assert task_runs_requeue_lost(now=now) == 1
    assert DBTaskResult.objects.get(status=TaskResultStatus.READY).pk == other.pk


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_the_audit_log_and_the_log_get_counts_and_task_names_only(caplog: pytest.LogCaptureFixture) -> None:
    for action_id in (101, 102):
        _left_running(started=timezone.now() - timedelta(hours=1), action_id=action_id)
    with caplog.at_level(logging.WARNING, logger="chorus.core.leases"):
        assert requeue_lost_task_runs.call() == 2
    event = AuditEvent.objects.get(action="core.task_runs.requeued")
    assert event.data == {"requeued": 2, "given_up": 0, "by_task": {count_signatures.module_path: 2}}
    assert "2 queued again, 0 given up" in caplog.text
    for text in (str(event.data), caplog.text):
        assert "101" not in text and "102" not in text  # no arguments


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_run_that_keeps_losing_its_worker_is_given_up_after_the_third() -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    twice = _left_running(started=long_ago)
    DBTaskResult.objects.filter(pk=twice.pk).update(worker_ids=["died-1", "died-2"])
    thrice = _left_running(started=long_ago)
    DBTaskResult.objects.filter(pk=thrice.pk).update(worker_ids=["died-1", "died-2", "died-3"])

    assert task_runs_requeue_lost() == 1

    twice.refresh_from_db()
    thrice.refresh_from_db()
    assert twice.status == TaskResultStatus.READY  # a third worker may try
    assert thrice.status == TaskResultStatus.FAILED and thrice.finished_at is not None
    error = thrice.task_result.errors[0]
    assert error.exception_class is WorkerLost
    assert "stopped 3 times" in error.traceback
    event = AuditEvent.objects.get(action="core.task_runs.requeued")
    assert (event.data["requeued"], event.data["given_up"]) == (1, 1)


def test_the_job_runs_every_minute() -> None:
    from chorus.core.periodic import periodic_jobs

    job = next(job for job in periodic_jobs() if job.name == "core.requeue_lost_task_runs")
    assert job.task is requeue_lost_task_runs
    assert job.every == timedelta(minutes=1)


@pytest.mark.slow
def test_a_lease_too_short_for_an_ordinary_run_stops_start_up() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "CHORUS_TASK_LEASE_SECONDS": "30"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "CHORUS_TASK_LEASE_SECONDS must be 60 or more" in result.stderr

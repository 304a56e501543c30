"""Finished task runs are deleted after the retention period; waiting ones never are."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chorus.core.housekeeping import task_results_prune
from chorus.core.mail import MailNotSent
from chorus.core.periodic import periodic_jobs

pytestmark = pytest.mark.django_db


def _task_run(*, finished: str | None) -> DBTaskResult:
    run = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="chorus.core.tasks.prune_task_results",
        backend_name="default",
        run_after=timezone.now(),
    )
    if finished == "successful":
        run.set_successful(0)
    elif finished == "failed":
        run.set_failed(MailNotSent("SMTPRecipientsRefused 550"))
    return run


def test_finished_runs_go_after_the_retention_period_and_waiting_ones_stay(settings: Any) -> None:
    settings.CHORUS_RETENTION_TASK_RESULTS_DAYS = 7
    successful = _task_run(finished="successful")
    failed = _task_run(finished="failed")
    waiting = _task_run(finished=None)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert task_results_prune() == 0
        recent = _task_run(finished="successful")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert task_results_prune() == 2
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert remaining == {waiting.pk, recent.pk}
    assert successful.pk not in remaining and failed.pk not in remaining


def test_the_daily_job_is_scheduled() -> None:
    jobs = {job.task_path: job.every for job in periodic_jobs()}
    assert jobs["chorus.core.tasks.prune_task_results"] == timedelta(days=1)

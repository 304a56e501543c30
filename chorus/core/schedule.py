"""The periodic-job runner: enqueues ``django.tasks`` tasks on a fixed interval.

Jobs are declared in ``settings.CHORUS_PERIODIC_JOBS``; each run is claimed with a
conditional UPDATE on ``ScheduledJob.next_run_at``, so several schedulers (one per
worker host) never enqueue the same run twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from chorus.core.models import ScheduledJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every: timedelta


def configured_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            name=str(job["name"]),
            task_path=str(job["task"]),
            every=timedelta(seconds=float(str(job["every_seconds"]))),
        )
        for job in settings.CHORUS_PERIODIC_JOBS
    ]


def _claim(job: PeriodicJob, now: datetime) -> bool:
    row = ScheduledJob.objects.filter(name=job.name).first()
    if row is None:
        try:
            ScheduledJob.objects.create(name=job.name, next_run_at=now + job.every, last_enqueued_at=now)
        except IntegrityError:
            return False  # another scheduler created it first and owns this run
        return True
    if row.next_run_at > now:
        return False
    claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        next_run_at=now + job.every, last_enqueued_at=now
    )
    return claimed == 1


def run_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose time has come; return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in configured_jobs():
        if _claim(job, now):
            task: Task = import_string(job.task_path)  # type: ignore[type-arg]
            task.enqueue()
            enqueued.append(job.name)
            logger.debug("Enqueued periodic job %s", job.name)
    return enqueued

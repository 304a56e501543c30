"""The periodic-job runner: enqueues ``django.tasks`` tasks on a fixed interval.

Jobs are declared beside their tasks with ``chorus.core.periodic.periodic``. Each run is
claimed with a conditional UPDATE on ``ScheduledJob.next_run_at``, so several schedulers
(one per worker host) never enqueue the same run twice.

A job is not enqueued again while its previous run is still waiting or running: the
scheduler remembers the id of the run it enqueued and asks the task backend about it
first. Without a worker the queue therefore holds one run per job, not one per period,
and a job that takes longer than its interval never runs beside itself.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.utils import timezone

from chorus.core.leases import task_runs_requeue_lost
from chorus.core.models import ScheduledJob
from chorus.core.periodic import PeriodicJob, periodic_jobs

logger = logging.getLogger(__name__)


def _claim(job: PeriodicJob, now: datetime) -> ScheduledJob | None:
    """This period's run of ``job`` if this scheduler is the one to start it, else None."""
    row = ScheduledJob.objects.filter(name=job.name).first()
    if row is None:
        try:
            with transaction.atomic():
                return ScheduledJob.objects.create(name=job.name, next_run_at=now + job.every)
        except IntegrityError:
            return None  # another scheduler created it first and owns this run
    if row.next_run_at > now:
        return None
    claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(next_run_at=now + job.every)
    if claimed != 1:
        return None
    return row


def _still_waiting_or_running(job: PeriodicJob, result_id: str, now: datetime) -> bool:
    """Whether the run enqueued last time has yet to finish.

    A run the backend cannot find (pruned, or a backend that keeps no results) counts
    as finished: better one run too many than a job that never runs again.
    """
    if not result_id or not job.task.get_backend().supports_get_result:
        return False
    try:
        result = job.task.get_result(result_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        return False
    if result.is_finished:
        return False
    if result.status == TaskResultStatus.RUNNING:
        # A worker that died holding this run would keep the job waiting for ever if the
        # run were the lease job's own, so the lease is applied to it here as well.
        task_runs_requeue_lost(now=now, result_ids=[result_id])
    return True


def _start(job: PeriodicJob, now: datetime) -> bool:
    with transaction.atomic():
        row = _claim(job, now)
        if row is None:
            return False
        if _still_waiting_or_running(job, row.last_result_id, now):
            logger.debug("Periodic job %s skipped: its previous run has not finished", job.name)
            return False
        result = job.task.enqueue()
        # In the claim's transaction: on the database backend the run and its id are
        # committed together, so no scheduler ever sees one without the other.
        ScheduledJob.objects.filter(pk=row.pk).update(last_result_id=str(result.id), last_enqueued_at=now)
    return True


def run_due_jobs(*, now: datetime | None = None, jobs: list[PeriodicJob] | None = None) -> list[str]:
    """Enqueue every job whose time has come and whose last run has finished; return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs() if jobs is None else jobs:
        if _start(job, now):
            enqueued.append(job.name)
            logger.debug("Enqueued periodic job %s", job.name)
    return enqueued

"""Task runs whose worker died: found by a lease, and put back in the queue.

django-tasks-db marks a run RUNNING when a worker claims it, and nothing else ever
touches that row if the worker is killed (out of memory, a redeploy, a lost machine).
A run RUNNING for longer than its lease is taken to have lost its worker and goes back
to READY, so the next free worker runs it again.

So a task may run twice: once in the worker that died, part or all of the way, and
again after the lease. Every task in Chorus is written to bear that: senders claim
their rows and settle each one once (docs/decisions/0017-periodic-jobs-and-lost-tasks.md
lists them and why). A run that has lost three workers is marked failed instead: it is
most likely what kills them.

A task that legitimately runs longer than the default lease (``CHORUS_TASK_LEASE_SECONDS``)
declares its own, above ``@task``:

    @lease(timedelta(hours=1))
    @task
    def send_issue(issue_id: int) -> None: ...
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.models import DBTaskResult

from chorus.core.audit import log_action
from chorus.core.periodic import dotted_path

logger = logging.getLogger(__name__)

Target = TypeVar("Target")


@dataclass(frozen=True)
class DeclaredLease:
    """A lease a task declared for itself; the start-up check refuses a bad one."""

    task: Any
    duration: timedelta

    @property
    def task_path(self) -> str:
        return dotted_path(self.task)


declared_leases: list[DeclaredLease] = []

# A run whose worker has died this many times is probably what kills it (running out of
# memory, say): it is marked failed rather than handed to a fourth worker.
GIVE_UP_AFTER_LOST_WORKERS = 3


class WorkerLost(Exception):
    """Recorded as the error of a run given up after its workers kept dying."""


def lease(duration: timedelta) -> Callable[[Target], Target]:
    """Give the decorated Task a lease other than the default: how long a run may take
    before it is counted as lost and queued again."""

    def declare(target: Target) -> Target:
        declared_leases.append(DeclaredLease(task=target, duration=duration))
        return target

    return declare


def leases_declared() -> list[DeclaredLease]:
    """Every lease declared, once each installed app's ``tasks`` module has been imported.

    A worker imports only the tasks it has run, so without this a lease declared in a
    module it has not needed yet would be missed."""
    autodiscover_modules("tasks")
    return list(declared_leases)


def default_lease() -> timedelta:
    return timedelta(seconds=settings.CHORUS_TASK_LEASE_SECONDS)


def task_runs_requeue_lost(*, now: datetime | None = None, result_ids: Iterable[str] | None = None) -> int:
    """Put back in the queue every run RUNNING for longer than its lease; returns how many.

    A run that has already lost ``GIVE_UP_AFTER_LOST_WORKERS`` workers is marked failed
    instead. ``result_ids`` limits it to those runs (the scheduler asks about the one run
    it waits on).
    """
    now = now or timezone.now()
    running = DBTaskResult.objects.running()
    if result_ids is not None:
        running = running.filter(pk__in=list(result_ids))
    own = {declared.task_path: declared.duration for declared in leases_declared()}
    expired = ~Q(task_path__in=list(own)) & Q(started_at__lt=now - default_lease())
    for duration in set(own.values()):
        paths = [path for path, length in own.items() if length == duration]
        expired |= Q(task_path__in=paths, started_at__lt=now - duration)
    lost = list(running.filter(expired).values_list("pk", "task_path", "worker_ids"))
    if not lost:
        return 0
    # Each UPDATE repeats the conditions, so a run that finished, or was queued again and
    # claimed by a new worker, since it was read is left alone.
    again = [pk for pk, _, workers in lost if len(workers) < GIVE_UP_AFTER_LOST_WORKERS]
    given_up = [pk for pk, _, workers in lost if len(workers) >= GIVE_UP_AFTER_LOST_WORKERS]
    requeued = running.filter(expired, pk__in=again).update(status=TaskResultStatus.READY) if again else 0
    failed = 0
    if given_up:
        failed = running.filter(expired, pk__in=given_up).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"WorkerLost: the worker running this task stopped {GIVE_UP_AFTER_LOST_WORKERS} times.\n",
        )
    if requeued or failed:
        # Task names and counts only: a run's arguments are ids, but they stay out of logs anyway.
        by_task = dict(Counter(path for _, path, _ in lost))
        logger.warning("Task runs whose worker stopped: %s queued again, %s given up (%s)", requeued, failed, by_task)
        log_action(
            "core.task_runs.requeued",
            data={"requeued": requeued, "given_up": failed, "by_task": by_task},
            screen="task leases",
        )
    return requeued

"""Background work for the shared machinery. Tasks call services."""

from __future__ import annotations

from django.tasks import task

from chorus.core.housekeeping import task_results_prune
from chorus.core.outbox import outbox_prune, outbox_send


@task
def prune_task_results() -> int:
    return task_results_prune()


@task
def send_outbox() -> int:
    """Send every email due in the outbox; returns how many rows were sent."""
    return outbox_send().sent


@task
def prune_outbox() -> int:
    """Delete settled outbox rows past their retention period."""
    return outbox_prune()

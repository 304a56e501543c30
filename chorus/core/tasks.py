"""Background work for the shared machinery. Tasks call services."""

from __future__ import annotations

from django.tasks import task

from chorus.core.housekeeping import task_results_prune


@task
def prune_task_results() -> int:
    return task_results_prune()

"""System checks for the periodic-job registry and task leases.

Registered in ``CoreConfig.ready()``, so they run when ``runserver``, ``db_worker``,
``run_scheduler`` and ``manage.py check`` start: a broken declaration stops the process
there instead of failing quietly in the scheduler later.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.tasks import Task

from chorus.core.leases import DeclaredLease, leases_declared
from chorus.core.periodic import PeriodicJob, periodic_jobs


def _needs_arguments(task: Task[Any, Any]) -> bool:
    parameters = list(inspect.signature(task.func).parameters.values())
    if task.takes_context:
        parameters = parameters[1:]
    required = (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )
    return any(p.kind in required and p.default is inspect.Parameter.empty for p in parameters)


def periodic_job_errors(jobs: Sequence[PeriodicJob]) -> list[checks.CheckMessage]:
    """What is wrong with these job declarations, as system-check errors."""
    errors: list[checks.CheckMessage] = []
    counts = Counter(job.name for job in jobs)
    for name, count in sorted(counts.items()):
        if count > 1:
            paths = ", ".join(job.task_path for job in jobs if job.name == name)
            errors.append(
                checks.Error(
                    f"The periodic job name {name!r} is declared {count} times ({paths}).",
                    hint="Give each job its own name: the name keys the job's schedule in the database.",
                    id="core.E001",
                )
            )
    for job in jobs:
        if not isinstance(job.task, Task):
            errors.append(
                checks.Error(
                    f"The periodic job {job.name!r} is declared on {job.task_path}, which is not a Task.",
                    hint="Put @periodic(...) above @task, on a function in a tasks.py module.",
                    obj=job.task,
                    id="core.E002",
                )
            )
        elif _needs_arguments(job.task):
            errors.append(
                checks.Error(
                    f"The periodic job {job.name!r} runs {job.task_path}, which needs arguments.",
                    hint="The scheduler enqueues periodic tasks with no arguments.",
                    obj=job.task,
                    id="core.E003",
                )
            )
        if not isinstance(job.every, timedelta) or job.every <= timedelta(0):
            errors.append(
                checks.Error(
                    f"The periodic job {job.name!r} has the interval {job.every!r}; it must be a positive timedelta.",
                    id="core.E004",
                )
            )
    return errors


def lease_errors(leases: Sequence[DeclaredLease]) -> list[checks.CheckMessage]:
    """What is wrong with these lease declarations, as system-check errors."""
    errors: list[checks.CheckMessage] = []
    for declared in leases:
        if not isinstance(declared.task, Task):
            errors.append(
                checks.Error(
                    f"A lease is declared on {declared.task_path}, which is not a Task.",
                    hint="Put @lease(...) above @task.",
                    obj=declared.task,
                    id="core.E005",
                )
            )
        if not isinstance(declared.duration, timedelta) or declared.duration <= timedelta(0):
            errors.append(
                checks.Error(
                    f"The lease of {declared.task_path} is {declared.duration!r}; it must be a positive timedelta.",
                    id="core.E006",
                )
            )
    return errors


def check_periodic_jobs(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return periodic_job_errors(periodic_jobs()) + lease_errors(leases_declared())

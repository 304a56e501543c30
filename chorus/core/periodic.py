"""The periodic-job registry: each app declares its jobs in its own ``tasks.py``.

    @periodic(every=timedelta(seconds=5), name="campaigns.refresh_counts")
    @task
    def refresh_counts() -> int: ...

``periodic`` goes above ``@task``: it records the Task and returns it unchanged.
``manage.py run_scheduler`` enqueues each job once per interval (``chorus.core.schedule``).

Declaring jobs beside their tasks, with the task object itself rather than a dotted
string in settings, means a misspelt task fails on import. The rest is checked at
start-up (``chorus.core.checks``): a duplicate name, a target that is not a Task, a
task that needs arguments, or an interval that is not positive stops ``runserver``, the
worker, the scheduler and ``manage.py check``.

A job's name keys its ``ScheduledJob`` row, so renaming a job starts its schedule afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.tasks import Task
from django.utils.module_loading import autodiscover_modules

Target = TypeVar("Target")


def dotted_path(target: Any) -> str:
    """Where a decorated object was defined, for messages: a Task's own path, else its function's."""
    if isinstance(target, Task):
        return target.module_path
    return f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', repr(target))}"


@dataclass(frozen=True)
class PeriodicJob:
    """One job: enqueue ``task`` (with no arguments) every ``every``."""

    name: str
    # Whatever the decorator was applied to; the start-up check refuses anything but a Task.
    task: Any
    every: timedelta

    @property
    def task_path(self) -> str:
        return dotted_path(self.task)


class PeriodicRegistry:
    """The jobs declared so far, in the order their modules were imported."""

    def __init__(self) -> None:
        self.declared: list[PeriodicJob] = []

    def add(self, job: PeriodicJob) -> None:
        self.declared.append(job)

    def jobs(self) -> list[PeriodicJob]:
        return list(self.declared)


registry = PeriodicRegistry()


def periodic(*, every: timedelta, name: str) -> Callable[[Target], Target]:
    """Declare the decorated Task a periodic job called ``name``, enqueued every ``every``."""

    def declare(target: Target) -> Target:
        registry.add(PeriodicJob(name=name, task=target, every=every))
        return target

    return declare


def periodic_jobs() -> list[PeriodicJob]:
    """Every declared job, once each installed app's ``tasks`` module has been imported."""
    # Importing a module twice does nothing, so this is cheap after the first call; it
    # runs here, not in AppConfig.ready(), so no app's tasks are imported before its own
    # ready() has run.
    autodiscover_modules("tasks")
    return registry.jobs()

"""Asking for a run of a background task that serves everything waiting, once per burst."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.tasks import default_task_backend
from django.utils import timezone


def coalesced_enqueue(task: Any, *, flag: str, gather: timedelta) -> bool:
    """Queue one run of ``task`` unless one is already queued; returns whether this call queued it.

    ``flag`` is set in the cache while a run is queued, and the run clears it before it
    reads what is waiting, so whatever was committed while the flag was set is seen by
    that run. Where the task backend can defer, the run waits ``gather`` first, so in a
    surge it takes a whole batch. The flag expires after a minute, in case that run is
    lost; if the cache is unavailable no run is queued, and the task's periodic job
    serves what waits instead.
    """
    if not cache.add(flag, True, timeout=int(gather.total_seconds()) + 60):
        return False
    if default_task_backend.supports_defer:
        task = task.using(run_after=timezone.now() + gather)
    task.enqueue()
    return True

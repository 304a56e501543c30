"""Outboxes: rows written with the event, sent later in batches by one queued run.

An event (a signature, a support request) writes its outbox row in the same transaction,
so nothing is lost on a crash; after commit it asks for a sender run with
``sender_run_request``. In a surge one queued run then serves every row written before
it starts, instead of one task and one mail connection per row. A periodic job covers a
run that is lost before it starts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.tasks import default_task_backend
from django.utils import timezone


def sender_run_request(*, flag: str, sender: Any, gather: timedelta) -> None:
    """Queue ``sender`` unless a run is already queued (``flag`` is set in the cache).

    The sender clears ``flag`` before it reads its outbox, so a row written while the flag
    is set is always seen by the run that set it. The flag expires after a minute, in case
    that run is lost. Where the task backend can defer, the run waits ``gather`` first so
    that it takes a whole batch.
    """
    if cache.add(flag, True, timeout=60):
        if default_task_backend.supports_defer:
            sender = sender.using(run_after=timezone.now() + gather)
        sender.enqueue()

"""Outboxes: rows written with the event, sent later in batches by one queued run.

An event (a signature, a support request) writes its outbox row in the same transaction,
so nothing is lost on a crash; after commit it asks for a sender run with
``sender_run_request``. In a surge one queued run then serves every row written before
it starts, instead of one task and one mail connection per row. A periodic job covers a
run that is lost before it starts.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.tasks import default_task_backend
from django.utils import timezone

from chorus.core.memo import LocalMemo

# When the run each flag stands for will start (a Unix time), as this process last learnt
# it. A row committed before then is that run's to send, so until then this process asks
# nothing of the shared cache: in a surge, one look a second instead of one per request.
QUEUED_RUN_STARTS = LocalMemo(seconds=60, maxsize=16)
# Rows are left to a known run only this long before it starts: room for the commit to
# land and for clocks on other machines to differ a little.
START_MARGIN_SECONDS = 0.25


def sender_run_request(*, flag: str, sender: Any, gather: timedelta) -> None:
    """See that a run of ``sender`` will read the outbox after the row just committed.

    ``flag`` is set in the cache while a run is queued, and holds when it will start. The
    sender clears ``flag`` before it reads its outbox, so a row committed while the flag
    is set is always seen by the run that set it. The flag expires after a minute, in case
    that run is lost. Where the task backend can defer, the run waits ``gather`` first so
    that it takes a whole batch.
    """
    now = time.time()
    known_start = QUEUED_RUN_STARTS.get(flag)
    if known_start is not None and now < known_start - START_MARGIN_SECONDS:
        return  # a queued run starts later than this row's commit: it will send it
    deferred = default_task_backend.supports_defer
    starts_at = now + gather.total_seconds() if deferred else now
    if cache.add(flag, starts_at, timeout=60):
        if deferred:
            sender = sender.using(run_after=timezone.now() + gather)
            QUEUED_RUN_STARTS.set(flag, starts_at)
        sender.enqueue()
        return
    # Another process queued the run; remember when it starts (if it said).
    queued_start = cache.get(flag)
    if isinstance(queued_start, float):
        QUEUED_RUN_STARTS.set(flag, queued_start)

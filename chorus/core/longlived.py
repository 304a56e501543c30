"""Keep the garbage collector off the objects a process holds for its whole life.

Django, Wagtail, every model, URL pattern and compiled template are loaded once and
live until the process ends: some 200,000 objects. Each full collection walks all of
them again; in a batch of signers' emails those passes took a quarter of the task
worker's CPU (docs/performance.md). Once a process has loaded what it needs,
``freeze_loaded`` clears what is already garbage and moves the rest out of the
collector's sight, with CPython's ``gc.freeze``, which exists for this.
"""

from __future__ import annotations

import gc
from typing import Any

_frozen_after_task = False


def freeze_loaded() -> None:
    gc.collect()
    gc.freeze()


def freeze_web_application() -> None:
    """Called once the WSGI application is built: load every URLconf now rather than on
    the first request, then freeze."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (reading it imports every URLconf)
    freeze_loaded()


def freeze_after_first_task(**kwargs: Any) -> None:
    """Receiver of ``task_finished``: a worker has loaded all it needs once it has run a task."""
    global _frozen_after_task
    if not _frozen_after_task:
        _frozen_after_task = True
        freeze_loaded()

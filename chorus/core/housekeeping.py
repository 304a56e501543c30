"""Records the framework keeps beside our own data, deleted when they have served.

django-tasks-db keeps a row for every task run, with its arguments and, for a failed
run, the error's traceback. Our tasks take ids and describe mail errors without
addresses (``core.mail``), but an old row has no use, so none is kept for long.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def task_results_prune() -> int:
    """Delete finished task runs older than the retention period; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.CHORUS_RETENTION_TASK_RESULTS_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted

"""Background work for the tracker: the daily import and response reminders."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from chorus.core.periodic import periodic
from chorus.tracker.importers.registry import SOURCES


@periodic(every=timedelta(days=1), name="tracker-import")
@task
def import_all_sources() -> list[str]:
    """Run every importer; each source succeeds or fails on its own."""
    from chorus.tracker.services import tracker_import_run

    lines: list[str] = []
    for source in SOURCES:
        lines.extend(tracker_import_run(source=source).lines())
    return lines


@periodic(every=timedelta(days=1), name="tracker-reminders")
@task
def send_response_reminders() -> int:
    from chorus.tracker.services import response_reminders_schedule

    return len(response_reminders_schedule(now=timezone.now()))

"""Background work for the tracker: the daily import and response reminders."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from chorus.tracker.importers.registry import SOURCES


@task
def import_all_sources() -> list[str]:
    """Run every importer; each source succeeds or fails on its own."""
    from chorus.tracker.services import tracker_import_run

    lines: list[str] = []
    for source in SOURCES:
        lines.extend(tracker_import_run(source=source).lines())
    return lines


@task
def send_response_reminders() -> int:
    from chorus.tracker.services import response_reminders_schedule

    return len(response_reminders_schedule(now=timezone.now()))

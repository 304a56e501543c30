"""The editor's tracker lines on the staff home page: deadlines in the next fortnight and where our response is."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from chorus.core.dashboard import DashboardPanel, PanelLine
from chorus.tracker.models import ImportRun, ResponseStatus
from chorus.tracker.selectors import windows_closing

DEADLINE_DAYS = 14


def tracker_panel(*, now: datetime | None = None) -> DashboardPanel:
    now = now or timezone.now()
    lines = []
    for window in windows_closing(now=now, days=DEADLINE_DAYS):
        item = window.item
        response = getattr(item, "response", None)
        status = response.get_status_display() if response is not None else "No response planned"
        closes = timezone.localtime(window.closes_at)
        needs_work = response is not None and response.status in (ResponseStatus.PLANNED, ResponseStatus.DRAFTING)
        lines.append(
            PanelLine(
                label=f"{item.title}{f' ({window.label})' if window.label else ''}",
                url=reverse("tracker_item:edit", args=[item.pk]),
                detail=f"Closes {closes:%A %-d %B at %H:%M} (UK time). Our response: {status}.",
                attention=needs_work,
            )
        )
    return DashboardPanel(
        title=f"Policy deadlines in the next {DEADLINE_DAYS} days",
        name="tracker",
        lines=lines,
        empty_text=f"Nothing in the tracker closes in the next {DEADLINE_DAYS} days.",
        more_url=reverse("tracker_whats_due"),
        more_label="Our responses: what's due",
        order=30,
    )


def import_runs_panel(*, now: datetime | None = None) -> DashboardPanel:
    """Whether the tracker's importers are keeping it up to date: failed runs in the last week."""
    now = now or timezone.now()
    failed = ImportRun.objects.filter(succeeded=False, started_at__gte=now - timedelta(days=7))
    last = ImportRun.objects.filter(succeeded=True).first()
    last_text = ""
    if last is not None:
        last_text = f"The last run that worked was {timezone.localtime(last.started_at):%-d %b %Y at %H:%M}."
    return DashboardPanel(
        title="Tracker imports",
        name="tracker-imports",
        lines=[
            PanelLine(
                label="import runs failed in the last 7 days",
                count=failed.count(),
                url=f"{reverse('tracker_import_run:index')}?succeeded=false",
                detail=last_text,
                attention=failed.exists(),
            )
        ],
        order=45,
    )

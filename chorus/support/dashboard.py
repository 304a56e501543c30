"""The caseworker's panel on the staff home page: what in the desk's queue needs someone today."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import User
from chorus.core.dashboard import DashboardPanel, PanelLine
from chorus.core.working_days import working_days_between
from chorus.support.selectors import support_queue
from chorus.support.workflow import Status


def _queue_url(**filters: str) -> str:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return f"{reverse('support_admin:queue')}?{query}" if query else reverse("support_admin:queue")


def _overdue_detail(*, today: date, user_id: int | None) -> str:
    """How late the most overdue request is, counted in working days like the desk's targets."""
    oldest = support_queue(user_id=user_id, overdue=True, sort="due", today=today).first()
    if oldest is None:
        return ""
    missed = (
        oldest.first_response_due
        if oldest.first_response_at is None and oldest.first_response_due < today
        else oldest.resolution_due
    )
    late = working_days_between(missed, today)
    days = "working day" if late == 1 else "working days"
    return f"The most overdue, {oldest.reference}, was due {missed:%-d %b} ({late} {days} ago)."


def caseworker_panel(*, user: User | AnonymousUser, today: date | None = None) -> DashboardPanel:
    today = today or timezone.localdate()
    new = support_queue(user_id=user.pk, status=Status.NEW, today=today).count()
    overdue = support_queue(user_id=user.pk, overdue=True, today=today).count()
    waiting = support_queue(user_id=user.pk, waiting=True, today=today).count()
    mine = support_queue(user_id=user.pk, assignee="me", today=today).count()
    lines = [
        PanelLine(label="new requests to triage", count=new, url=_queue_url(status=Status.NEW)),
        PanelLine(
            label="past their first-reply or resolution target",
            count=overdue,
            url=_queue_url(overdue="on", sort="due"),
            detail=_overdue_detail(today=today, user_id=user.pk) if overdue else "",
            attention=overdue > 0,
        ),
        PanelLine(
            label="waiting on the member (their clock is paused)",
            count=waiting,
            url=_queue_url(waiting="on"),
        ),
        PanelLine(label="open requests assigned to me", count=mine, url=_queue_url(assignee="me")),
    ]
    return DashboardPanel(
        title="Support desk",
        name="support",
        lines=lines,
        more_url=_queue_url(),
        more_label="Open the support queue",
        order=10,
    )

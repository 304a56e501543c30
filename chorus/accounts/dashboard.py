"""The administrator's panel on the staff home page: the audit chain, failed emails, stuck tasks."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from chorus.accounts.selectors import audit_seal_status
from chorus.core.dashboard import DashboardPanel, PanelLine
from chorus.core.health import tasks_check
from chorus.core.models import OutboxMessage, OutboxStatus

# A task running this long has most likely lost its worker; the lease job puts such runs
# back in the queue (chorus.core.leases), so one still here is worth a look.
STUCK_AFTER = timedelta(minutes=30)


def _when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y at %H:%M} (UK time)" if moment else "never"


def audit_line() -> PanelLine:
    status = audit_seal_status()
    check = status.last_check
    if check is None:
        checked = "The log has not been checked against its seals yet."
    elif check.ok:
        checked = f"Last checked {_when(check.checked_at)}: no problems."
    else:
        checked = f"Last checked {_when(check.checked_at)}: {check.problem_count} problems found."
    return PanelLine(
        label="audit log entries sealed",
        count=status.sealed,
        url=reverse("accounts_audit_log"),
        detail=f"Last sealed {_when(status.sealed_at)}; {status.unsealed} waiting for the next seal. {checked}",
        attention=check is not None and not check.ok,
    )


def failed_emails_line() -> PanelLine:
    failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count()
    return PanelLine(
        label="emails that could not be sent",
        count=failed,
        url=f"{reverse('core_outbox:index')}?status={OutboxStatus.FAILED}",
        attention=failed > 0,
    )


def stuck_tasks_line(*, now: datetime | None = None) -> PanelLine:
    now = now or timezone.now()
    queue = tasks_check()
    running_long = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - STUCK_AFTER
    ).count()
    waiting = queue.details.get("due", 0)
    oldest = queue.details.get("oldest_wait_seconds", 0)
    detail = f"{waiting} waiting to run; the oldest has waited {oldest // 60} minutes."
    return PanelLine(
        label=f"background tasks running for over {STUCK_AFTER.seconds // 60} minutes",
        count=running_long,
        detail=detail,
        attention=running_long > 0 or queue.status == "backlog",
    )


def administrator_panel() -> DashboardPanel:
    return DashboardPanel(
        title="The system",
        name="system",
        lines=[audit_line(), failed_emails_line(), stuck_tasks_line()],
        order=40,
    )

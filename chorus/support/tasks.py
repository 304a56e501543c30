"""Background work for the support desk: closing and retention. Tasks call services.

The desk's emails go through the outbox (chorus.support.emails)."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.core.periodic import periodic
from chorus.support.services.retention import (
    support_requests_anonymise_closed,
    support_requests_close_inactive,
    support_requests_forget_unconfirmed_emails,
)


@periodic(every=timedelta(hours=6), name="support-retention")
@task
def support_retention_run() -> int:
    """Anonymise the content of requests closed longer than the retention period, and
    forget addresses their owners never confirmed."""
    support_requests_forget_unconfirmed_emails()
    return support_requests_anonymise_closed()


@periodic(every=timedelta(hours=6), name="support-close-inactive")
@task
def support_close_inactive_run() -> dict[str, int]:
    """Close requests left waiting for the member, or untouched, too long (see workflow.py)."""
    closures = support_requests_close_inactive()
    return {"unanswered": closures.unanswered, "inactive": closures.inactive}

"""Background work for the bulletin. Tasks take ids and call services.

Answers to the subscribe form and notices of a failed schedule go through the outbox
(chorus.bulletin.emails); issues are sent by their own engine (chorus.bulletin.sending)."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.bulletin.services import drafts, lifecycle, retention
from chorus.core.leases import lease
from chorus.core.periodic import periodic


# A large send may outlast the default lease. Running it again is safe (rows are claimed;
# a batch whose worker died goes to reconciliation), but one run per issue is enough.
@lease(timedelta(hours=1))
@task
def send_issue(issue_id: int) -> None:
    """Send batches until the issue has nothing left to claim (dedicated workers may help)."""
    from chorus.bulletin.sending import run_worker

    run_worker(issue_id=issue_id, until_idle=True)


@periodic(every=timedelta(hours=1), name="bulletin-draft")
@task
def assemble_weekly_draft() -> None:
    drafts.issue_draft_assemble()


@periodic(every=timedelta(minutes=1), name="bulletin-scheduled")
@task
def start_scheduled_issues() -> None:
    from chorus.bulletin.selectors import scheduled_issue_ids_due

    for issue_id in scheduled_issue_ids_due():
        lifecycle.issue_send_scheduled(issue_id=issue_id)


@periodic(every=timedelta(minutes=1), name="bulletin-stale-claims")
@task
def recover_stale_claims() -> None:
    from chorus.bulletin.sending import deliveries_recover_stale

    deliveries_recover_stale()


@periodic(every=timedelta(days=1), name="bulletin-pending-cleanup")
@task
def remove_unconfirmed() -> None:
    retention.subscriptions_remove_unconfirmed()


@periodic(every=timedelta(days=1), name="bulletin-ended-cleanup")
@task
def remove_ended() -> None:
    retention.subscriptions_remove_ended()

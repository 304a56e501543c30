"""Background work for the bulletin. Tasks take ids and call services."""

from __future__ import annotations

from django.tasks import task

from chorus.bulletin import services


@task
def send_issue(issue_id: int) -> None:
    """Send batches until the issue has nothing left to claim (dedicated workers may help)."""
    from chorus.bulletin.sending import run_worker

    run_worker(issue_id=issue_id, until_idle=True)


@task
def assemble_weekly_draft() -> None:
    services.issue_draft_assemble()


@task
def start_scheduled_issues() -> None:
    from chorus.bulletin.selectors import scheduled_issue_ids_due

    for issue_id in scheduled_issue_ids_due():
        services.issue_send_scheduled(issue_id=issue_id)


@task
def recover_stale_claims() -> None:
    from chorus.bulletin.sending import deliveries_recover_stale

    deliveries_recover_stale()


@task
def remove_unconfirmed() -> None:
    services.subscriptions_remove_unconfirmed()


@task
def remove_ended() -> None:
    services.subscriptions_remove_ended()

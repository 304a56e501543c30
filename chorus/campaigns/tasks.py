"""Background work for campaign actions. Tasks take ids and call a service."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.campaigns import services
from chorus.core.periodic import periodic


# Signers' emails are sent as they are asked for; this catches any run lost on the way.
@periodic(every=timedelta(seconds=30), name="campaigns.send_signer_emails")
@task
def send_signer_emails() -> int:
    """Confirmation links and "you have already signed" notes, in batches."""
    return services.signer_emails_send()


@periodic(every=timedelta(seconds=5), name="campaigns.refresh_counts")
@task
def refresh_counts() -> int:
    """Every few seconds: recount actions with new confirmations."""
    return services.counts_refresh()


@periodic(every=timedelta(days=1), name="campaigns.recount_all")
@task
def recount_all() -> int:
    """Nightly: recount every action from scratch."""
    return services.counts_refresh(full=True)


@periodic(every=timedelta(hours=1), name="campaigns.trend_check")
@task
def trend_check() -> int:
    return services.trends_check()


@periodic(every=timedelta(days=1), name="campaigns.retention")
@task
def apply_retention() -> dict[str, int]:
    # Undated actions are closed first, so their retention period starts.
    closed = services.actions_close_undated()
    return {"undated_actions_closed": closed, **services.signatures_apply_retention()}


@task
def send_campaign_update(update_id: int) -> int:
    """One update to the signers who asked for updates on its action; returns how many went."""
    return services.campaign_update_deliver(update_id=update_id)


# Updates are sent when staff press Send; this finishes any send a broken connection stopped.
@periodic(every=timedelta(minutes=10), name="campaigns.resume_updates")
@task
def resume_campaign_updates() -> int:
    """Every few minutes: finish any update a run left half sent."""
    return services.campaign_updates_resume()

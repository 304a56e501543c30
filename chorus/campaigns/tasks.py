"""Background work for campaign actions. Tasks take ids and call a service."""

from __future__ import annotations

from django.tasks import task

from chorus.campaigns.services import counts, retention, signing, trends, updates
from chorus.campaigns.services.actions import actions_close_undated


@task
def file_signatures() -> int:
    """File the signatures taken in, then send the emails that queued; returns emails sent."""
    return signing.signatures_file_and_send()


@task
def refresh_counts() -> int:
    """Every few seconds: recount actions with new confirmations."""
    return counts.counts_refresh()


@task
def recount_all() -> int:
    """Nightly: recount every action from scratch."""
    return counts.counts_refresh(full=True)


@task
def trend_check() -> int:
    return trends.trends_check()


@task
def apply_retention() -> dict[str, int]:
    # Undated actions are closed first, so their retention period starts.
    closed = actions_close_undated()
    return {"undated_actions_closed": closed, **retention.signatures_apply_retention()}


@task
def send_campaign_update(update_id: int) -> int:
    """Queue one update for the signers who asked for updates on its action; returns how many."""
    return updates.campaign_update_start(update_id=update_id)


@task
def finish_campaign_updates() -> int:
    """Every few minutes: start updates whose task was lost, record those fully sent."""
    return updates.campaign_updates_finish()

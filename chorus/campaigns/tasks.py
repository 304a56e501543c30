"""Background work for campaign actions. Tasks take ids and call a service."""

from __future__ import annotations

from django.tasks import task

from chorus.campaigns import delivery_packs, services


@task
def send_signer_emails() -> int:
    """Confirmation links and "you have already signed" notes, in batches."""
    return services.signer_emails_send()


@task
def refresh_counts() -> int:
    """Every few seconds: recount actions with new confirmations."""
    return services.counts_refresh()


@task
def recount_all() -> int:
    """Nightly: recount every action from scratch."""
    return services.counts_refresh(full=True)


@task
def trend_check() -> int:
    return services.trends_check()


@task
def apply_retention() -> dict[str, int]:
    # Undated actions are closed first, so their retention period starts.
    closed = services.actions_close_undated()
    return {"undated_actions_closed": closed, **services.signatures_apply_retention()}


@task
def send_campaign_update(update_id: int) -> int:
    """One update to the signers who asked for updates on its action; returns how many went."""
    return services.campaign_update_deliver(update_id=update_id)


@task
def resume_campaign_updates() -> int:
    """Every few minutes: finish any update a run left half sent."""
    return services.campaign_updates_resume()


@task
def build_delivery_pack(pack_id: int) -> str:
    """Build one delivery pack a member of staff asked for; returns its status afterwards."""
    return delivery_packs.delivery_pack_build(pack_id=pack_id)


@task
def expire_delivery_packs() -> dict[str, int]:
    """Every quarter of an hour: delete packs whose time is up; give up on packs stuck on the way."""
    return delivery_packs.delivery_packs_expire()

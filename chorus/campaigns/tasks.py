"""Background work for campaign actions. Tasks take ids and call a service."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.campaigns import delivery_packs
from chorus.campaigns.services import (
    counts,
    letter_delivery,
    letter_replies,
    letter_retention,
    retention,
    signing,
    trends,
    updates,
)
from chorus.campaigns.services.actions import actions_close_undated
from chorus.core.leases import lease
from chorus.core.periodic import periodic


# Signatures are filed as they arrive; this catches any filing run lost on the way.
@periodic(every=timedelta(seconds=30), name="campaigns.file_signatures")
@task
def file_signatures() -> int:
    """File the signatures taken in, then send the emails that queued; returns emails sent."""
    return signing.signatures_file_and_send()


@periodic(every=timedelta(seconds=5), name="campaigns.refresh_counts")
@task
def refresh_counts() -> int:
    """Every few seconds: recount actions with new confirmations."""
    return counts.counts_refresh()


@periodic(every=timedelta(days=1), name="campaigns.recount_all")
@task
def recount_all() -> int:
    """Nightly: recount every action from scratch."""
    return counts.counts_refresh(full=True)


@periodic(every=trends.TREND_CHECK_EVERY, name="campaigns.trend_check")
@task
def trend_check() -> int:
    return trends.trends_check()


@periodic(every=timedelta(days=1), name="campaigns.retention")
@task
def apply_retention() -> dict[str, int]:
    # Undated actions are closed first, so their retention period starts.
    closed = actions_close_undated()
    return {
        "undated_actions_closed": closed,
        **retention.signatures_apply_retention(),
        **letter_retention.letters_apply_retention(),
    }


@task
def send_campaign_update(update_id: int) -> int:
    """Queue one update for the signers who asked for updates on its action; returns how many."""
    return updates.campaign_update_start(update_id=update_id)


# Updates start when staff press Send; this starts any whose task was lost and records finished ones.
@periodic(every=timedelta(minutes=5), name="campaigns.finish_updates")
@task
def finish_campaign_updates() -> int:
    """Every few minutes: start updates whose task was lost, record those fully sent."""
    return updates.campaign_updates_finish()


# A large pack takes minutes to lay out; a run repeated meanwhile does nothing (the pack is taken).
@lease(timedelta(hours=2))
@task
def build_delivery_pack(pack_id: int) -> str:
    """Build one delivery pack a member of staff asked for; returns its status afterwards."""
    return delivery_packs.delivery_pack_build(pack_id=pack_id)


@periodic(every=timedelta(minutes=15), name="campaigns.expire_delivery_packs")
@task
def expire_delivery_packs() -> dict[str, int]:
    """Every quarter of an hour: delete packs whose time is up; give up on packs stuck on the way."""
    return delivery_packs.delivery_packs_expire()


# Letters to MPs go out a few at a time through each office's sending hours (letter_delivery).
@periodic(every=timedelta(minutes=5), name="campaigns.release_letters")
@task
def release_letters() -> dict[str, int]:
    """Every five minutes: record what the outbox did with letters, then release each office's next ones."""
    settled = letter_delivery.letters_settle()
    released = letter_delivery.letters_release()
    return {"sent": settled.sent, "refused": settled.refused, "released": released.letters}


# Each office's weekly bundle goes on the week's first working day, early in its sending hours.
@periodic(every=timedelta(minutes=15), name="campaigns.send_letter_bundles")
@task
def send_letter_bundles() -> int:
    """Every quarter of an hour: make the weekly bundles that are due; returns how many."""
    return letter_delivery.letter_bundles_send()


@periodic(every=timedelta(hours=1), name="campaigns.ask_letter_replies")
@task
def ask_letter_replies() -> int:
    """Hourly: ask writers whose letter went two weeks ago whether they had a reply."""
    return letter_replies.letter_replies_ask()

"""Updates to the signers of an action who agreed to them, sent through the outbox.

Staff write an update; a task lists its recipients once (one outbox row each, keyed so
that listing twice queues nobody twice) and the outbox sends, retries and settles every
copy. When none is left to send, the outcome is kept on the update as counts and the
per-person rows may go.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from chorus.campaigns.models import CAMPAIGN_UPDATE_EMAIL, ActionPage, CampaignUpdate
from chorus.campaigns.selectors import update_recipients
from chorus.campaigns.services.actions import require_permission
from chorus.core.audit import log_action
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.core.outbox import MAX_ATTEMPTS, outbox_add_many, outbox_row

logger = logging.getLogger(__name__)

# An update whose recipients were not listed this long after it was written lost its task.
UPDATE_RESTART_AFTER = timedelta(minutes=10)


@transaction.atomic
def campaign_update_send(
    *, action: ActionPage, subject: str, body: str, actor: Any, request: HttpRequest | None = None
) -> CampaignUpdate:
    """Store an update and queue its sending to every signer who agreed to updates on this action."""
    require_permission(actor, "campaigns.change_signature")
    if not subject.strip() or not body.strip():
        raise ValueError("An update needs a subject and a message.")
    update = CampaignUpdate.objects.create(
        action=action,
        subject=subject,
        body=body,
        created_by=actor,
        # What staff were shown; the recipients are listed again when sending starts.
        recipients=update_recipients(action_id=action.pk).count(),
    )
    log_action(
        "campaigns.update.sent",
        actor=actor,
        obj=update,
        data={"action": action.pk, "recipients": update.recipients},
        request=request,
    )
    # Robust: if the queue is down the update is stored, and campaign_updates_finish starts it.
    transaction.on_commit(lambda: _campaign_update_enqueue(update.pk), robust=True)
    return update


def _campaign_update_enqueue(update_id: int) -> None:
    from chorus.campaigns import tasks

    tasks.send_campaign_update.enqueue(update_id=update_id)


@transaction.atomic
def campaign_update_start(*, update_id: int) -> int:
    """List an update's recipients in the outbox, once; returns how many were queued.

    Run again (a retried task, the periodic job) it queues nobody twice: each copy is keyed
    by the update and the person.
    """
    won = CampaignUpdate.objects.filter(pk=update_id, started_at__isnull=True).update(started_at=timezone.now())
    if not won:
        return 0
    update = CampaignUpdate.objects.get(pk=update_id)
    person_ids = list(update_recipients(action_id=update.action_id).values_list("pk", flat=True))
    outbox_add_many(
        outbox_row(
            kind=CAMPAIGN_UPDATE_EMAIL, about_id=update.pk, person_id=person_id, dedupe_key=f"{update.pk}:{person_id}"
        )
        for person_id in person_ids
    )
    CampaignUpdate.objects.filter(pk=update.pk).update(recipients=len(person_ids))
    return len(person_ids)


def campaign_updates_finish() -> int:
    """Start updates whose task was lost, and record the outcome of those with nothing
    left to send; returns how many finished."""
    now = timezone.now()
    unfinished = CampaignUpdate.objects.filter(finished_at__isnull=True)
    for update_id in unfinished.filter(started_at__isnull=True, created_at__lt=now - UPDATE_RESTART_AFTER).values_list(
        "pk", flat=True
    ):
        campaign_update_start(update_id=update_id)
    finished = 0
    for update in unfinished.filter(started_at__isnull=False):
        if _campaign_update_finish(update):
            finished += 1
    return finished


@transaction.atomic
def _campaign_update_finish(update: CampaignUpdate) -> bool:
    """Keep the outcome as counts once every copy is settled; the outbox rows then age out."""
    copies = OutboxMessage.objects.filter(kind=CAMPAIGN_UPDATE_EMAIL, about_id=update.pk)
    if copies.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).exists():
        return False
    won = CampaignUpdate.objects.filter(pk=update.pk, finished_at__isnull=True).update(finished_at=timezone.now())
    if not won:
        return False
    gave_up = Q(status=OutboxStatus.FAILED, attempts__gte=MAX_ATTEMPTS)
    outcome = copies.aggregate(
        sent=Count("pk", filter=Q(status=OutboxStatus.SENT)),
        skipped=Count("pk", filter=Q(status=OutboxStatus.SKIPPED)),
        refused=Count("pk", filter=Q(status=OutboxStatus.FAILED) & ~gave_up),
        given_up=Count("pk", filter=gave_up),
    )
    CampaignUpdate.objects.filter(pk=update.pk).update(**outcome)
    log_action(
        "campaigns.update.delivered",
        obj=update,
        data={"action": update.action_id, **outcome},
        screen="task: campaigns.finish_campaign_updates",
    )
    return True

"""Forgetting subscriptions: those never confirmed, and those that ended long ago."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chorus.bulletin.models import RECEIVING, Delivery, Subscription, SubscriptionStatus
from chorus.core.audit import log_action
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.services import consent_withdraw_one


@transaction.atomic
def subscriptions_remove_unconfirmed(*, older_than: timedelta = timedelta(days=14)) -> int:
    """Forget addresses that never confirmed: we have no consent to keep them."""
    cutoff = timezone.now() - older_than
    stale = Subscription.objects.filter(
        status=SubscriptionStatus.PENDING, confirmed_at__isnull=True, created_at__lt=cutoff
    )
    # The Person stays: other apps may hold records for them, and people's retention job decides.
    count, _ = stale.delete()
    if count:
        log_action("bulletin.subscription.unconfirmed_removed", data={"count": count}, screen="scheduled job")
    return count


def subscriptions_remove_ended(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Delete subscriptions that ended more than the retention period ago; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BULLETIN_RETENTION_ENDED_DAYS)
    due = (
        Subscription.objects.filter(ended_at__lt=cutoff)
        .exclude(status__in=RECEIVING)
        # Someone who asked to come back has a confirmation link that must keep working.
        .exclude(confirmation_sent_at__gte=cutoff)
        .order_by("pk")
    )
    removed = 0
    while True:
        # One transaction per batch: locks stay short and a run that stops keeps what it did.
        with transaction.atomic():
            ids = list(due.select_for_update().values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            # Staff's figures for past issues (sent, failed, skipped…) are counted live from
            # Delivery rows. Detaching the rows keeps those figures exact and leaves nothing
            # in them that points at a person; deleting them would rewrite history.
            Delivery.objects.filter(subscription_id__in=ids).update(subscription=None)
            _withdraw_ended_consents(subscription_ids=ids)
            # Bounces (their diagnostics may quote the address) and topic choices go with it.
            Subscription.objects.filter(pk__in=ids).delete()
            log_action("bulletin.subscription.ended_removed", data={"count": len(ids)}, screen="scheduled job")
        removed += len(ids)
    return removed


def _withdraw_ended_consents(*, subscription_ids: list[int]) -> None:
    # A suspended subscriber never withdrew, so their agreement is still open and would keep
    # the person for ever. Only the agreement the subscription rested on is closed: one
    # given after it ended (a petition's "send me the bulletin" box) is a new choice.
    consents = ConsentRecord.objects.filter(
        person__bulletin_subscription__pk__in=subscription_ids,
        purpose=ConsentPurpose.BULLETIN,
        scope="",
        withdrawn_at__isnull=True,
        given_at__lte=F("person__bulletin_subscription__ended_at"),
    ).values_list("pk", "person_id")
    rows = list(consents)
    people = Person.objects.only("pk").in_bulk([person_id for _, person_id in rows])
    for consent_id, person_id in rows:
        consent_withdraw_one(
            person=people[person_id], consent_id=consent_id, via="bulletin subscription removed after it ended"
        )

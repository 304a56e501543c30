"""Bounces: each is recorded, and repeated bounces suspend the address."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chorus.bulletin.models import SENDABLE, Bounce, BounceKind, BulletinIssue, Subscription, SubscriptionStatus
from chorus.bulletin.services.subscriptions import status_change
from chorus.core.audit import log_action
from chorus.people.selectors import person_find_by_email


@transaction.atomic
def bounce_record(*, email: str, kind: str, diagnostic: str = "", issue_id: int | None = None) -> Bounce | None:
    """Record a bounce; repeated bounces suspend the address. Unknown addresses are ignored."""
    person = person_find_by_email(email=email)
    subscription = (
        Subscription.objects.select_for_update().filter(person=person).first() if person is not None else None
    )
    if subscription is None:
        return None
    issue = BulletinIssue.objects.filter(pk=issue_id).first() if issue_id else None
    bounce = Bounce.objects.create(
        subscription=subscription, issue=issue, kind=BounceKind(kind), diagnostic=diagnostic[:2000]
    )
    if kind == BounceKind.HARD:
        subscription.hard_bounces += 1
    else:
        subscription.soft_bounces += 1
    subscription.last_bounce_at = timezone.now()
    suspend = (
        subscription.hard_bounces >= settings.BULLETIN_HARD_BOUNCE_LIMIT
        or subscription.soft_bounces >= settings.BULLETIN_SOFT_BOUNCE_LIMIT
    )
    if suspend and subscription.status in (*SENDABLE, SubscriptionStatus.PAUSED):
        status_change(subscription, SubscriptionStatus.SUSPENDED)
        log_action("bulletin.subscription.suspended", obj=subscription, data={"bounce_id": bounce.pk})
    subscription.save()
    log_action("bulletin.bounce.recorded", obj=bounce, data={"kind": kind, "subscription_id": subscription.pk})
    return bounce

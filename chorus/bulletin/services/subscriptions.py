"""Subscribing to the bulletin (double opt-in), confirming, preferences and unsubscribing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from chorus.bulletin.models import (
    ENDED,
    RECEIVING,
    SUBSCRIBE_REQUEST_EMAIL,
    Subscription,
    SubscriptionStatus,
)
from chorus.core import events
from chorus.core.audit import log_action
from chorus.core.outbox import outbox_add
from chorus.core.ratelimit import Limit, within_limits
from chorus.pages.models import PriorityAreaPage
from chorus.people.models import ConsentPurpose, Person
from chorus.people.services import consent_give, consent_withdraw, person_changed, person_get_or_create

# The exact words beside the subscribe button; stored with each consent record.
CONSENT_WORDING = (
    "Send me the weekly members' bulletin by email. I can change my topics, pause it or "
    "unsubscribe at any time with the link in every bulletin."
)
CONSENT_WORDING_VERSION = "2026-11"
# No one can use the form to flood an address with confirmation emails.
ADDRESS_LIMITS = [Limit(3, 3600), Limit(6, 86400)]


def status_change(subscription: Subscription, status: str) -> None:
    """Change the status in memory (the caller saves it), keeping the retention clock right."""
    now = timezone.now()
    if subscription.status != status and subscription.person_id is not None:
        # Announced for listeners (the integration API's webhooks), in the caller's transaction.
        events.subscription_changed.send(sender=Subscription, person_id=subscription.person_id)
    subscription.status = status
    subscription.status_changed_at = now
    if subscription.person_id is not None:
        person_changed(person_id=subscription.person_id)
    # The retention clock starts when sending first stops and stops only when the person
    # comes back (confirming again): a new request they never confirm does not reset it.
    if status in ENDED and subscription.ended_at is None:
        subscription.ended_at = now
    elif status in RECEIVING:
        subscription.ended_at = None


def _activate(subscription: Subscription) -> None:
    """Start sending to an address that has just been proved, with its bounce counts cleared."""
    status_change(subscription, SubscriptionStatus.ACTIVE)
    subscription.confirmed_at = timezone.now()
    subscription.hard_bounces = subscription.soft_bounces = 0
    subscription.save()


def subscription_request_queue(
    *, email: str, name: str = "", topic_ids: Iterable[int] = (), source: str = "bulletin subscribe form"
) -> None:
    """Take a subscribe form's answers: one outbox row, the same work whoever the address belongs to.

    Looking the address up here would make a known address answer more slowly than an
    unknown one; the outbox's run files the request (``subscription_request``) and sends
    a confirmation link or an "already subscribed" note.
    """
    outbox_add(
        kind=SUBSCRIBE_REQUEST_EMAIL,
        address=email,
        payload={"name": name, "topics": sorted(set(topic_ids)), "source": source[:200]},
    )


@dataclass(frozen=True)
class SubscribeAnswer:
    """What a subscribe request came to, and which email (if any) to send about it."""

    subscription: Subscription
    email: str  # "confirm", "already_subscribed", or "" when the address had enough emails today


@transaction.atomic
def subscription_request(
    *, email: str, name: str = "", topic_ids: Iterable[int] = (), source: str = "bulletin subscribe form"
) -> SubscribeAnswer:
    """Start a double opt-in; the screen always says "check your email", whatever the state."""
    # The name is used only for a new person: an anonymous form never edits someone's record.
    person, _ = person_get_or_create(email=email, name=name)
    subscription, created = Subscription.objects.select_for_update().get_or_create(person=person)
    already_active = subscription.status in {SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED}
    if not already_active:
        # Topics only change for an address that is not yet receiving, so a stranger
        # cannot rearrange someone else's live subscription from the public form.
        if subscription.status != SubscriptionStatus.SUSPENDED:
            status_change(subscription, SubscriptionStatus.PENDING)
        subscription.topics.set(PriorityAreaPage.objects.filter(pk__in=list(topic_ids)))
    answer = ""
    if within_limits("bulletin-address", person.email_index or str(person.pk), ADDRESS_LIMITS):
        answer = "already_subscribed" if already_active else "confirm"
        # A new link replaces the last one sent (tokens.confirm_token); none is replaced
        # when no email goes, so a flood of requests cannot stop its owner's link working.
        subscription.confirmation_sent_at = timezone.now()
    subscription.save()
    log_action(
        "bulletin.subscription.requested",
        obj=subscription,
        data={"created": created, "status": subscription.status},
        screen=source[:200],
    )
    return SubscribeAnswer(subscription=subscription, email=answer)


@transaction.atomic
def subscription_confirm(*, subscription: Subscription, source: str = "bulletin confirmation page") -> Subscription:
    """Activate after the person pressed the button in the confirmation page; records consent."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status in RECEIVING:
        return subscription
    _activate(subscription)
    consent_give(
        person=subscription.person,
        purpose=ConsentPurpose.BULLETIN,
        wording=CONSENT_WORDING,
        wording_version=CONSENT_WORDING_VERSION,
        source=source,
    )
    log_action("bulletin.subscription.confirmed", obj=subscription, screen=source[:200])
    return subscription


@transaction.atomic
def subscription_start_proven(*, person: Person, source: str) -> Subscription:
    """Start the bulletin for someone who asked for it elsewhere and has proved the address.

    A signer who ticked "send me the bulletin" and then pressed confirm on the page their
    emailed link opened has done what double opt-in asks, so no second email is sent.
    The caller records the consent, in the words the person saw; an address already
    receiving the bulletin keeps its topics and pause.
    """
    subscription, created = Subscription.objects.select_for_update().get_or_create(person=person)
    if subscription.status in RECEIVING:
        return subscription
    previous = subscription.status
    _activate(subscription)
    log_action(
        "bulletin.subscription.confirmed",
        obj=subscription,
        data={"created": created, "from": "" if created else previous},
        screen=source[:200],
    )
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, via: str) -> Subscription:
    """Stop every bulletin to this person and withdraw their consent; safe to repeat."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        return subscription
    status_change(subscription, SubscriptionStatus.UNSUBSCRIBED)
    subscription.save()
    consent_withdraw(person=subscription.person, purpose=ConsentPurpose.BULLETIN, via=via[:200])
    log_action("bulletin.subscription.unsubscribed", obj=subscription, data={"via": via[:50]})
    return subscription


@transaction.atomic
def subscription_update(*, subscription: Subscription, topic_ids: Iterable[int], paused: bool) -> Subscription:
    """Save topics and pause/resume from the preferences page."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.topics.set(PriorityAreaPage.objects.filter(pk__in=list(topic_ids)))
    if paused and subscription.status == SubscriptionStatus.ACTIVE:
        status_change(subscription, SubscriptionStatus.PAUSED)
    elif not paused and subscription.status == SubscriptionStatus.PAUSED:
        status_change(subscription, SubscriptionStatus.ACTIVE)
    subscription.save()
    log_action(
        "bulletin.subscription.updated",
        obj=subscription,
        data={"status": subscription.status, "topics": subscription.topics.count()},
    )
    return subscription


@transaction.atomic
def subscription_resubscribe(*, subscription: Subscription) -> Subscription:
    """Come back from the preferences page after unsubscribing or being suspended for bounces.

    The link came to their inbox, so it proves the address works and is theirs.
    """
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status not in {SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.SUSPENDED}:
        return subscription
    previous = subscription.status
    subscription.status = SubscriptionStatus.PENDING  # subscription_confirm activates and records consent
    subscription.save()
    subscription = subscription_confirm(subscription=subscription, source="bulletin preferences page")
    log_action("bulletin.subscription.reactivated", obj=subscription, data={"from": previous})
    return subscription

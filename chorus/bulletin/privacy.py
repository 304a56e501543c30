"""What the bulletin holds about a person, and how it is erased."""

from __future__ import annotations

from django.conf import settings

from chorus.bulletin.models import Subscription
from chorus.core.privacy import ErasureReport, HeldGroup, HeldItem
from chorus.people.models import Person


def data_held(person: Person) -> list[HeldGroup]:
    subscription = Subscription.objects.filter(person=person).first()
    if subscription is None:
        return []
    topics = ", ".join(area.title for area in subscription.topics.all()) or "Every priority area"
    items = [
        HeldItem("Subscription status", subscription.get_status_display(), subscription.status_changed_at),
        HeldItem("Topics", topics),
        HeldItem("Subscribed", "Asked to subscribe", subscription.created_at),
    ]
    if subscription.confirmed_at:
        items.append(HeldItem("Confirmed", "You confirmed your address", subscription.confirmed_at))
    items.append(HeldItem("Bulletins sent to you", str(subscription.deliveries.filter(status="sent").count())))
    bounces = subscription.bounces.count()
    if bounces:
        items.append(HeldItem("Messages that came back", str(bounces), subscription.last_bounce_at))
    return [
        HeldGroup(
            title="The weekly members' bulletin",
            purpose="To send you the bulletin on the topics you chose, and to stop when you ask.",
            items=items,
            retention=(
                f"Deleted {settings.BULLETIN_RETENTION_ENDED_DAYS} days after you unsubscribe or we stop "
                "sending because messages came back, or sooner if you ask us to erase it; "
                "unconfirmed requests go after 14 days."
            ),
        )
    ]


def erase(person: Person) -> ErasureReport:
    subscription = Subscription.objects.filter(person=person).first()
    if subscription is None:
        return ErasureReport(erased=0)
    erased = 1 + subscription.deliveries.count() + subscription.bounces.count()
    # Past issues' figures are counted from their deliveries: those stay, pointing at no one.
    subscription.deliveries.update(subscription=None)
    subscription.delete()  # bounces go with it
    return ErasureReport(
        erased=erased,
        kept=["The public archive of past bulletins stays: it holds nothing about you."],
    )

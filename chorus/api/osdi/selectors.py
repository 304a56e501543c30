"""What the integration API reads: people who agreed to be contacted, the actions, their
signatures, tags and tombstones. Nothing here reaches support requests, access needs,
grant applications or any other special-category record.

Who is shared with a CRM: a person who is not erased and holds an active agreement to
hear from the network (the bulletin, or updates on a campaign). The CRM is the network's
own tool for exactly that contact. Someone whose only agreement is to be contacted about
what they sent (a support request) is never shared, nor is a person whose agreements are
all withdrawn: they appear only as a tombstone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from chorus.api.models import Tag, Tagging
from chorus.bulletin.models import Subscription, SubscriptionStatus
from chorus.campaigns.models import ActionPage, Signature, SignatureStatus
from chorus.campaigns.selectors import action_count, live_action_url
from chorus.campaigns.workflow import ActionState
from chorus.people.models import ConsentPurpose, ConsentRecord, Person, PersonTombstone

# The agreements that let a person be shared with the network's CRM.
SHARING_PURPOSES = (ConsentPurpose.BULLETIN, ConsentPurpose.CAMPAIGN_UPDATES)


def _sharing_consent(*, active: bool) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(
        person_id=OuterRef("pk"), purpose__in=SHARING_PURPOSES, withdrawn_at__isnull=active
    )


def shareable_people() -> QuerySet[Person]:
    """People the CRM may hold (see the module docstring)."""
    return Person.objects.filter(Exists(_sharing_consent(active=True)), erased_at__isnull=True)


def shared_people() -> QuerySet[Person]:
    """``shareable_people``, each with ``modified``: the latest change to them, their
    agreements or their bulletin subscription (what the ``modified_date`` filter reads),
    kept on the person by the services that make those changes."""
    return shareable_people().annotate(modified=F("changed_at")).order_by("created_at", "pk")


@dataclass(frozen=True)
class PersonFacts:
    """What a person's OSDI record says besides their own fields: agreements and email status."""

    bulletin: bool
    campaign_updates: bool
    email_status: Literal["subscribed", "unsubscribed", "bouncing"]


def person_facts(people: list[Person]) -> dict[int, PersonFacts]:
    """Agreements and bulletin status for a page of people, in two queries."""
    ids = [person.pk for person in people]
    active: dict[int, set[str]] = {}
    for person_id, purpose in ConsentRecord.objects.filter(
        person_id__in=ids, purpose__in=SHARING_PURPOSES, withdrawn_at__isnull=True
    ).values_list("person_id", "purpose"):
        active.setdefault(person_id, set()).add(purpose)
    statuses = dict(Subscription.objects.filter(person_id__in=ids).values_list("person_id", "status"))
    facts = {}
    for person_id in ids:
        purposes = active.get(person_id, set())
        status = statuses.get(person_id)
        email_status: Literal["subscribed", "unsubscribed", "bouncing"]
        if status == SubscriptionStatus.SUSPENDED:
            email_status = "bouncing"
        elif ConsentPurpose.BULLETIN in purposes and status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED):
            email_status = "subscribed"
        else:
            email_status = "unsubscribed"
        facts[person_id] = PersonFacts(
            bulletin=ConsentPurpose.BULLETIN in purposes,
            campaign_updates=ConsentPurpose.CAMPAIGN_UPDATES in purposes,
            email_status=email_status,
        )
    return facts


def shared_person(*, uuid: UUID) -> Person | None:
    return shared_people().filter(uuid=uuid).first()


def published_actions() -> QuerySet[ActionPage]:
    """The campaign actions the public can see (live, public, opened at least once)."""
    actions: QuerySet[ActionPage] = (
        ActionPage.objects.live()
        .public()
        .exclude(state=ActionState.DRAFT)
        .specific()
        .annotate(modified=Coalesce(F("last_published_at"), F("first_published_at")))
        .order_by("first_published_at", "pk")
    )
    return actions


def action_total(action: ActionPage) -> int:
    """The same count the action's page shows (refreshed in batches)."""
    return action_count(action_id=action.pk).total


def action_browser_url(action: ActionPage) -> str:
    return str(action.full_url or live_action_url(action))


def action_target(action: ActionPage) -> str:
    return str(getattr(action, "target", "") or getattr(action, "addressee", ""))


def shared_signatures() -> QuerySet[Signature]:
    """Confirmed signatures of shared people, on published actions."""
    return (
        Signature.objects.filter(
            status=SignatureStatus.CONFIRMED,
            person__in=shareable_people().values("pk"),
            action__in=published_actions().values("pk"),
        )
        .select_related("person", "action")
        .annotate(modified=F("changed_at"))
        .order_by("created_at", "pk")
    )


def tags() -> QuerySet[Tag]:
    return Tag.objects.annotate(modified=F("updated_at")).order_by("name", "pk")


def shared_taggings() -> QuerySet[Tagging]:
    return (
        Tagging.objects.filter(person__in=shareable_people().values("pk"))
        .select_related("tag", "person")
        .annotate(modified=F("updated_at"))
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Tombstone:
    person_uuid: UUID
    at: datetime
    reason: str  # erased | retention | consent_withdrawn


def tombstones(*, since: datetime | None) -> list[Tombstone]:
    """People the CRM must delete: erased or anonymised, and (not erased) those who withdrew
    every agreement that let them be shared, each with when."""
    erased = PersonTombstone.objects.order_by("erased_at", "pk")
    if since is not None:
        erased = erased.filter(erased_at__gte=since)
    result = [Tombstone(row.person_uuid, row.erased_at, row.reason) for row in erased]
    withdrawn = (
        Person.objects.filter(erased_at__isnull=True)
        .filter(Exists(_sharing_consent(active=False)))
        .exclude(Exists(_sharing_consent(active=True)))
        .annotate(withdrawn=Max("consents__withdrawn_at", filter=Q(consents__purpose__in=SHARING_PURPOSES)))
        .order_by("withdrawn", "pk")
    )
    if since is not None:
        withdrawn = withdrawn.filter(withdrawn__gte=since)
    result += [Tombstone(person.uuid, person.withdrawn, "consent_withdrawn") for person in withdrawn.only("uuid")]
    return sorted(result, key=lambda tombstone: tombstone.at)

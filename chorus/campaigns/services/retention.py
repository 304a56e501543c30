"""Retention and erasure: signers' details go a set time after an action closes; counts stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chorus.campaigns.models import (
    ActionPage,
    BlockedIpHash,
    Moderation,
    Signature,
    SignatureIntake,
    SignatureKind,
    SignatureStatus,
)
from chorus.campaigns.workflow import ActionState
from chorus.core.audit import log_action
from chorus.people.models import Person

ANONYMISED_FIELDS: dict[str, Any] = {
    "person": None,
    "name": "",
    "role": "",
    "contact": "",
    "postcode": "",
    "token_hash": "",
    "ip_hash": "",
    "email_domain_hash": "",
}


def _anonymise(qs: Any, *, now: Any) -> int:
    """Clear personal data from signatures; a published organisation's name stays public."""
    published = Q(kind=SignatureKind.ORGANISATION, moderation=Moderation.APPROVED, status=SignatureStatus.CONFIRMED)
    qs = qs.filter(anonymised_at__isnull=True)
    count: int = qs.filter(published).update(**ANONYMISED_FIELDS, anonymised_at=now)
    count += qs.exclude(published).update(**ANONYMISED_FIELDS, organisation="", anonymised_at=now)
    return count


@transaction.atomic
def signatures_apply_retention() -> dict[str, int]:
    """Anonymise signers of long-closed actions, drop stale unconfirmed rows and old address hashes."""
    now = timezone.now()
    closed_before = now - timedelta(days=settings.CHORUS_CAMPAIGNS_RETENTION_DAYS)
    # Closed by a campaigner, or left open past its closing date and never formally closed.
    expired_actions = ActionPage.objects.filter(
        Q(state__in=[ActionState.CLOSED, ActionState.DELIVERED], closed_at__lte=closed_before)
        | Q(closing_date__lte=closed_before.date())
    )
    anonymised = _anonymise(Signature.objects.filter(action__in=expired_actions), now=now)
    unconfirmed_before = now - timedelta(days=settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS)
    removed, _ = Signature.objects.filter(
        Q(token_sent_at__lt=unconfirmed_before) | Q(token_sent_at__isnull=True, created_at__lt=unconfirmed_before),
        status=SignatureStatus.PENDING,
    ).delete()
    hashes_cleared = (
        Signature.objects.filter(created_at__lt=now - timedelta(days=settings.CHORUS_CAMPAIGNS_IP_HASH_DAYS))
        .exclude(ip_hash="")
        .update(ip_hash="")
    )
    BlockedIpHash.objects.filter(expires_at__lt=now).delete()
    # Filed within seconds while a sender runs; one that never ran would only send dead links.
    never_filed, _ = SignatureIntake.objects.filter(received_at__lt=unconfirmed_before).delete()
    figures = {
        "anonymised": anonymised,
        "unconfirmed_removed": removed,
        "ip_hashes_cleared": hashes_cleared,
        "never_filed_removed": never_filed,
    }
    log_action("campaigns.retention.applied", data=figures, screen="task: campaigns.apply_retention")
    return figures


@transaction.atomic
def signatures_erase_for_person(*, person: Person) -> int:
    """Erase one person's details from every signature; confirmed ones still count."""
    now = timezone.now()
    qs = Signature.objects.filter(person=person)
    removed, _ = qs.filter(status=SignatureStatus.PENDING).delete()
    anonymised = _anonymise(Signature.objects.filter(person=person), now=now)
    total = removed + anonymised
    log_action("campaigns.signatures.erased", data={"count": total}, screen="privacy: erase")
    return total

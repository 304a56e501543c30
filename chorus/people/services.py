"""Writes for people and consent. Other apps call these; they never write Person directly."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from chorus.core.crypto import email_index
from chorus.people.models import ConsentPurpose, ConsentRecord, Person


def person_get_or_create(*, email: str, name: str = "", postcode: str = "", phone: str = "") -> tuple[Person, bool]:
    """Find the person for an email by its blind index, or create them; never duplicates."""
    index = email_index(email)
    person = Person.objects.filter(email_index=index).first()
    if person is not None:
        return person, False
    try:
        with transaction.atomic():
            person = Person.objects.create(
                email=email.strip(), email_index=index, name=name, postcode=postcode, phone=phone
            )
    except IntegrityError:
        # Another request created the same person a moment ago.
        return Person.objects.get(email_index=index), False
    return person, True


def person_find_by_email(*, email: str) -> Person | None:
    return Person.objects.filter(email_index=email_index(email)).first()


def consent_give(
    *, person: Person, purpose: ConsentPurpose, wording: str, wording_version: str, source: str, scope: str = ""
) -> ConsentRecord:
    """Record an agreement with the words shown; an active identical one is reused."""
    existing = ConsentRecord.objects.filter(
        person=person, purpose=purpose, scope=scope, withdrawn_at__isnull=True
    ).first()
    if existing is not None and existing.wording_version == wording_version:
        return existing
    return ConsentRecord.objects.create(
        person=person,
        purpose=purpose,
        scope=scope,
        wording=wording,
        wording_version=wording_version,
        source=source,
        given_at=timezone.now(),
    )


def consent_withdraw(*, person: Person, purpose: ConsentPurpose, scope: str = "", via: str) -> int:
    """Withdraw every active agreement for a purpose; returns how many were withdrawn."""
    return ConsentRecord.objects.filter(person=person, purpose=purpose, scope=scope, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_via=via
    )


def consent_is_active(*, person: Person, purpose: ConsentPurpose, scope: str = "") -> bool:
    return ConsentRecord.objects.filter(
        person=person, purpose=purpose, scope=scope, withdrawn_at__isnull=True
    ).exists()

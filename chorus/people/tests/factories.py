"""Factories for people, built through the services so tests exercise the real path."""

from __future__ import annotations

from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.services import consent_give, person_get_or_create


def make_person(email: str = "rowan@example.org", **fields: str) -> Person:
    person, _ = person_get_or_create(email=email, **fields)
    return person


def give_consent(
    person: Person, purpose: ConsentPurpose = ConsentPurpose.BULLETIN, scope: str = "", version: str = "v1"
) -> ConsentRecord:
    return consent_give(
        person=person,
        purpose=purpose,
        wording=f"Yes, {purpose.label.lower()}.",
        wording_version=version,
        source="tests",
        scope=scope,
    )

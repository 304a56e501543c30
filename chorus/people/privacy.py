"""What the people app holds about a person (contact details and agreements), and erasing it."""

from __future__ import annotations

from django.conf import settings

from chorus.core.privacy import ErasureReport, HeldGroup, HeldItem, reference_in_words
from chorus.people.models import ConsentRecord, Person


def data_held(person: Person) -> list[HeldGroup]:
    details = [
        HeldItem(label, value, person.created_at)
        for label, value in (
            ("Email address", person.email),
            ("Name", person.name),
            ("Postcode", person.postcode),
            ("Phone number", person.phone),
            ("How you asked us to communicate", person.access_needs),
        )
        if value
    ]
    groups = [
        HeldGroup(
            title="Your contact details",
            purpose="To reach you about the things you agreed to below, and to find your records when you ask.",
            items=details,
            retention=(
                "Until you erase them, or "
                f"{settings.CHORUS_RETENTION_PERSON_DAYS} days after you no longer have any agreement with us."
            ),
        )
    ]
    for record in ConsentRecord.objects.filter(person=person).order_by("given_at"):
        applies_to = reference_in_words(record.scope) if record.scope else ""
        items = [
            HeldItem("What you agreed to", record.wording, record.given_at),
            HeldItem("Where you agreed", reference_in_words(record.source), record.given_at),
        ]
        if applies_to:
            items.append(HeldItem("What it applies to", applies_to))
        if record.withdrawn_at:
            items.append(HeldItem("You withdrew this", record.withdrawn_via or "yes", record.withdrawn_at))
        groups.append(
            HeldGroup(
                title=f"Your agreement: {record.get_purpose_display()}" + (f" ({applies_to})" if applies_to else ""),
                purpose="A record of what you agreed to and when, so we can show we only contact you as you asked.",
                items=items,
                retention="Kept as a record, without your contact details, even after you withdraw or erase.",
            )
        )
    return groups


def erase(person: Person) -> ErasureReport:
    from chorus.people.services import people_erase_personal_fields

    erased = people_erase_personal_fields(person=person, via="privacy page: erase everything")
    return ErasureReport(
        erased=erased,
        kept=[
            "A record that agreements were given and withdrawn, with the wording and dates, "
            "but nothing that identifies you: we need it to show we acted on what you chose.",
            "Entries in our staff audit log saying that a record was erased, with numbers only.",
        ],
    )

"""What the support desk holds about a person, and how it is erased (see core.privacy)."""

from __future__ import annotations

from django.conf import settings

from chorus.core.privacy import ErasureReport, HeldGroup, HeldItem
from chorus.people.models import Person
from chorus.support.models import MessageAuthor, SupportRequest
from chorus.support.services.retention import support_requests_erase_for_person

FIELDS = [
    ("description", "What you told us"),
    ("where_detail", "Where"),
    ("links", "Links you gave"),
    ("membership", "About you"),
    ("group_name", "Your group"),
    ("help_other", "Other help you asked for"),
    ("access_needs", "Your access needs"),
    ("contact_name", "Your name"),
    ("contact_phone", "Your phone number"),
]


def data_held(person: Person) -> list[HeldGroup]:
    groups = []
    requests = SupportRequest.objects.filter(sender=person, anonymised_at__isnull=True).prefetch_related("messages")
    for support_request in requests:
        items = [
            HeldItem(label=label, value=value, recorded_at=support_request.received_at)
            for field, label in FIELDS
            if (value := getattr(support_request, field))
        ]
        items += [
            HeldItem(
                label="Your message" if message.author == MessageAuthor.MEMBER else "Our message to you",
                value=message.body,
                recorded_at=message.created_at,
            )
            for message in support_request.messages.all()
            if message.kind == "message"
        ]
        groups.append(
            HeldGroup(
                title=f"Your {support_request.get_kind_display().lower()} {support_request.reference}",
                purpose="To answer you and to understand what members are raising with us.",
                items=items,
                retention=(
                    f"What you told us is deleted {settings.CHORUS_SUPPORT_RETENTION_DAYS} days after it is closed."
                ),
            )
        )
    return groups


def erase(person: Person) -> ErasureReport:
    erased = support_requests_erase_for_person(person_id=person.pk)
    return ErasureReport(
        erased=erased,
        kept=(
            ["The month, type and priority area of each request, with nothing that identifies you, for our counts."]
            if erased
            else []
        ),
    )

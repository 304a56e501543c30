"""What the integration API holds about a person (the tags a CRM put on them), and erasing it."""

from __future__ import annotations

from chorus.api.models import Tagging
from chorus.core.privacy import ErasureReport, HeldGroup, HeldItem
from chorus.people.models import Person


def data_held(person: Person) -> list[HeldGroup]:
    taggings = list(Tagging.objects.filter(person=person).select_related("tag").order_by("created_at"))
    if not taggings:
        return []
    return [
        HeldGroup(
            title="Labels our supporter records put on you",
            purpose="So our supporter records (CRM) and this site agree on what you take part in.",
            items=[HeldItem("Label", tagging.tag.name, tagging.created_at) for tagging in taggings],
            retention="Until you erase your data, or our supporter records remove the label.",
        )
    ]


def erase(person: Person) -> ErasureReport:
    erased, _ = Tagging.objects.filter(person=person).delete()
    return ErasureReport(erased=erased, kept=[])

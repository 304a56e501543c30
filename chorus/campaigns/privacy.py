"""What campaign actions hold about a person, and how it is erased (see core.privacy)."""

from __future__ import annotations

from django.conf import settings

from chorus.campaigns.delivery_packs import delivery_packs_discard
from chorus.campaigns.models import Signature, SignatureKind
from chorus.campaigns.services.retention import signatures_erase_for_person
from chorus.core.privacy import ErasureReport, HeldGroup, HeldItem
from chorus.people.models import Person


def data_held(person: Person) -> list[HeldGroup]:
    groups = []
    days = settings.CHORUS_CAMPAIGNS_RETENTION_DAYS
    for signature in Signature.objects.filter(person=person).select_related("action").order_by("created_at"):
        items = [
            HeldItem("Name", signature.name, signature.created_at),
            HeldItem("Signed as", signature.get_kind_display()),
            HeldItem("Status", signature.get_status_display(), signature.confirmed_at),
        ]
        if signature.kind == SignatureKind.ORGANISATION:
            items += [
                HeldItem("Organisation", signature.organisation),
                HeldItem("Type of organisation", signature.get_organisation_type_display()),
                HeldItem("Listed publicly", signature.get_moderation_display()),
            ]
        else:
            items.append(HeldItem("Shown publicly as", signature.public_name or "Not listed"))
            if signature.role:
                items.append(HeldItem("Role or group", signature.role))
        if signature.postcode:
            items.append(HeldItem("Postcode", signature.postcode))
        groups.append(
            HeldGroup(
                title=f"Your signature on “{signature.action.title}”",
                purpose="To count your signature, list you if you chose to be listed, and deliver it.",
                items=items,
                retention=f"Your details are removed {days} days after signing closes; "
                "the count keeps your signature.",
            )
        )
    return groups


def erase(person: Person) -> ErasureReport:
    signed = set(Signature.objects.filter(person=person).values_list("action_id", flat=True))
    erased = signatures_erase_for_person(person=person)
    # A built delivery pack is a copy of the list: it goes too (staff prepare a new one).
    delivery_packs_discard(action_ids=signed)
    kept = []
    if erased:
        kept.append(
            "Confirmed signatures still count in each total, without your details. "
            "An organisation's name that was already published stays on the list it signed."
        )
    return ErasureReport(erased=erased, kept=kept)

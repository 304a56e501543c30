"""What campaign actions hold about a person, and how it is erased (see core.privacy)."""

from __future__ import annotations

from django.conf import settings

from chorus.campaigns.delivery_packs import delivery_packs_discard
from chorus.campaigns.models import ConstituentLetter, Signature, SignatureKind
from chorus.campaigns.services.letter_retention import letters_erase_for_person
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
    return groups + letters_held(person)


def letters_held(person: Person) -> list[HeldGroup]:
    """Each letter to an MP or decision-maker the person wrote, with everything it holds of them."""
    groups = []
    days = settings.CHORUS_CAMPAIGNS_LETTER_RETENTION_DAYS
    for letter in ConstituentLetter.objects.filter(person=person).select_related("action").order_by("created_at"):
        to = (
            f"{letter.target_name}, MP for {letter.constituency_name}"
            if letter.constituency_name
            else letter.target_name
        )
        items = [
            HeldItem("Name", letter.name, letter.created_at),
            HeldItem("Postal address", letter.postal_address),
            HeldItem("Postcode", letter.postcode),
            HeldItem("To", to),
            HeldItem("Your letter", letter.body),
            HeldItem("Where it is", letter.get_status_display(), letter.sent_at or letter.confirmed_at),
        ]
        if letter.reply_report:
            items.append(HeldItem("Did they reply?", letter.get_reply_report_display(), letter.reply_reported_at))
        if letter.reply_text:
            items.append(HeldItem("The reply you gave us", letter.reply_text))
            items.append(HeldItem("We may share the reply", "Yes" if letter.reply_may_share else "No"))
        groups.append(
            HeldGroup(
                title=f"Your letter for “{letter.action.title}”",
                purpose="To send your letter, in your own words, to the office it is for, and to ask "
                "whether you had a reply.",
                items=items,
                retention=f"Your name, address, postcode, letter and any reply are removed {days} days after "
                "the letter is delivered; the count keeps it.",
            )
        )
    return groups


def erase(person: Person) -> ErasureReport:
    signed = set(Signature.objects.filter(person=person).values_list("action_id", flat=True))
    wrote = ConstituentLetter.objects.filter(person=person).exists()
    erased = signatures_erase_for_person(person=person) + letters_erase_for_person(person=person)
    # A built delivery pack is a copy of the list: it goes too (staff prepare a new one).
    delivery_packs_discard(action_ids=signed)
    kept = []
    if erased:
        kept.append(
            "Confirmed signatures still count in each total, without your details. "
            "An organisation's name that was already published stays on the list it signed."
        )
    if wrote:
        kept.append("Letters already delivered still count, without your name, address or words.")
    return ErasureReport(erased=erased, kept=kept)

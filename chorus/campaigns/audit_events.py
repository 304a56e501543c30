"""Campaigns' audit events and records, in words (chorus.core.audit_events)."""

from __future__ import annotations

from django.urls import reverse

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "campaigns.action.open": EventKind("Campaign action opened", "opened {object} for signatures"),
    "campaigns.action.closed": EventKind("Campaign action closed", "closed signing on {object}"),
    "campaigns.action.delivered": EventKind("Campaign action marked delivered", "marked {object} as delivered"),
    "campaigns.action.draft": EventKind("Campaign action back to draft", "put {object} back to draft"),
    "campaigns.signature.confirmed": EventKind("Signature confirmed", "recorded a confirmed signature on {object}"),
    "campaigns.letter.confirmed": EventKind("Letter confirmed", "recorded a confirmed {object}"),
    "campaigns.signature.approved": EventKind(
        "Organisation approved", "approved an organisation's signature ({object})"
    ),
    "campaigns.signature.rejected": EventKind(
        "Organisation rejected", "rejected an organisation's signature ({object})"
    ),
    "campaigns.signatures.viewed": EventKind("Signatures viewed", "viewed the signatures on {object}"),
    "campaigns.signatures.previewed": EventKind(
        "Bulk invalidation previewed", "previewed {count} signatures to invalidate on {object}"
    ),
    "campaigns.signatures.invalidated": EventKind(
        "Signatures invalidated", "invalidated {count} signatures on {object}"
    ),
    "campaigns.signatures.restored": EventKind("Signatures restored", "restored {count} signatures on {object}"),
    "campaigns.signatures.erased": EventKind(
        "Signatures erased", "erased {count} signatures after their keeping time"
    ),
    "campaigns.signatories.exported": EventKind("Signatories exported", "exported {rows} signatories of {object}"),
    "campaigns.retention.applied": EventKind(
        "Campaign keeping times applied", "applied the keeping times to signatures"
    ),
    "campaigns.trends.alerted": EventKind(
        "Unusual signing alert sent", "alerted campaigners to unusual signing on {object}"
    ),
    "campaigns.update.sent": EventKind("Update to signers sent", "sent an update to the signers of {object}"),
    "campaigns.update.delivered": EventKind(
        "Update's delivery recorded", "recorded the delivery of an update on {object}"
    ),
    "campaigns.delivery_pack.requested": EventKind("Delivery pack asked for", "asked for a delivery pack of {object}"),
    "campaigns.delivery_pack.built": EventKind("Delivery pack made", "made a delivery pack of {object}"),
    "campaigns.delivery_pack.failed": EventKind("Delivery pack failed", "could not make a delivery pack of {object}"),
    "campaigns.delivery_pack.replaced": EventKind(
        "Delivery pack replaced", "removed a delivery pack of {object} for a newer one"
    ),
    "campaigns.delivery_pack.expired": EventKind("Delivery pack removed", "removed an old delivery pack of {object}"),
    "campaigns.delivery_pack.discarded": EventKind(
        "Delivery pack discarded", "discarded a delivery pack of {object} after an erasure"
    ),
    "campaigns.blockedemaildomain.added": EventKind("Email domain blocked", "blocked an email domain"),
    "campaigns.blockedemaildomain.changed": EventKind(
        "Blocked email domain changed", "changed a blocked email domain"
    ),
    "campaigns.blockedemaildomain.removed": EventKind("Email domain unblocked", "unblocked an email domain"),
    "campaigns.blockediphash.added": EventKind("Address blocked", "blocked a connection address"),
    "campaigns.blockediphash.changed": EventKind("Blocked address changed", "changed a blocked connection address"),
    "campaigns.blockediphash.removed": EventKind("Address unblocked", "unblocked a connection address"),
    # Delivering letters to MPs and what came after (services.letter_delivery, letter_replies, letter_retention).
    "campaigns.letters.released": EventKind(
        "Letters handed over for sending", "handed {letters} letters to {offices} offices for sending"
    ),
    "campaigns.letters.settled": EventKind(
        "Letters' delivery recorded", "recorded {sent} letters delivered and {refused} refused"
    ),
    "campaigns.letter.refused": EventKind("Letter refused by its office", "recorded that the office refused {object}"),
    "campaigns.letters.bundled": EventKind("Letters bundled for an office", "put {letters} letters in {object}"),
    "campaigns.letters.exported": EventKind(
        "Letters' counts downloaded", "downloaded the letters' counts by constituency of {object}"
    ),
    "campaigns.letter.viewed": EventKind("Letter read", "read the writer's details and words of {object}"),
    "campaigns.letter.reply_reported": EventKind(
        "Reply reported", "recorded the writer's answer about a reply to {object}"
    ),
    "campaigns.letter.reply_kept": EventKind("Reply kept", "recorded the reply its writer pasted for {object}"),
    "campaigns.letter_reply.attached": EventKind(
        "Reply attached to the tracker", "attached the reply to {object} to a tracker item"
    ),
    "campaigns.letters.retention_applied": EventKind(
        "Letters' keeping time applied", "applied the keeping time to letters"
    ),
    "campaigns.letters.erased": EventKind("Letters erased", "erased {count} letters at their writer's request"),
}


def _action_name(action: object) -> str:
    return f"the campaign action {getattr(action, 'title', '')}"


OBJECTS = {
    **{
        label: ObjectKind(
            name=_action_name,
            url=lambda action: reverse("campaigns_admin_dashboard", args=[action.pk]),
            noun="campaign action",
        )
        for label in (
            "campaigns.actionpage",
            "campaigns.openletterpage",
            "campaigns.petitionpage",
            "campaigns.lettertorepresentativepage",
        )
    },
    "campaigns.signature": ObjectKind(
        name=lambda signature: f"signature no. {signature.pk} on {_action_name(signature.action)}",
        url=lambda signature: reverse("campaigns_admin_moderation", args=[signature.action_id]),
        noun="signature",
    ),
    "campaigns.constituentletter": ObjectKind(
        name=lambda letter: f"letter no. {letter.pk} on {_action_name(letter.action)}",
        url=lambda letter: reverse("campaigns_admin_dashboard", args=[letter.action_id]),
        noun="letter",
    ),
    "campaigns.campaignupdate": ObjectKind(
        name=lambda update: f"{_action_name(update.action)}",
        url=lambda update: reverse("campaigns_admin_updates", args=[update.action_id]),
        noun="update",
    ),
    "campaigns.deliverypack": ObjectKind(
        name=lambda pack: _action_name(pack.action),
        url=lambda pack: reverse("campaigns_admin_packs", args=[pack.action_id]),
        noun="delivery pack",
    ),
    "campaigns.letterbundle": ObjectKind(
        name=lambda bundle: f"bundle no. {bundle.pk} on {_action_name(bundle.action)}",
        url=lambda bundle: reverse("campaigns_admin_letters", args=[bundle.action_id]),
        noun="bundle of letters",
    ),
}

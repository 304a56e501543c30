"""The emails of campaign actions, built when the outbox sends them.

- A signer's confirmation link, or a note that they have already signed. The link is
  issued here, as the email goes: only its hash is stored, so the token exists in the
  email alone. Each action's two emails are rendered once per batch.
- Updates to signers who agreed to them, with an RFC 8058 one-click stop link.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chorus.campaigns.models import (
    CAMPAIGN_UPDATE_EMAIL,
    SIGNER_ALREADY_SIGNED_EMAIL,
    SIGNER_CONFIRM_EMAIL,
    ActionPage,
    CampaignUpdate,
    Signature,
    SignatureStatus,
)
from chorus.campaigns.selectors import update_recipients
from chorus.campaigns.tokens import stop_updates_path
from chorus.core import outbox
from chorus.core.crypto import token_digest
from chorus.core.mail import RenderedEmail, email_message, one_click_unsubscribe_headers, render_email
from chorus.core.models import OutboxMessage
from chorus.people.models import Person

# Stands in for a signer's confirmation link while an action's email is rendered once per batch.
CONFIRM_URL_SLOT = "CHORUSCONFIRMURLSLOT"
# Stands in for each recipient's own stop link while an update is rendered once per batch.
STOP_URL_SLOT = "CHORUSSTOPURLSLOT"


def confirm_path(token: str) -> str:
    return reverse("campaigns:confirm", kwargs={"token": token})


def signer_email(action: ActionPage, *, with_link: bool) -> RenderedEmail:
    """A signer's email for one action, with the link left as a slot. It never repeats
    the name typed on the form: anyone may type anything beside someone's address."""
    if with_link:
        return render_email(
            template="campaigns/email/confirm",
            context={
                "action": action,
                "confirm_url": CONFIRM_URL_SLOT,
                "days": settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS,
            },
        )
    return render_email(
        template="campaigns/email/already_signed",
        context={"action": action, "action_url": settings.SITE_URL + action.url},
    )


def _signatures(rows: list[OutboxMessage]) -> dict[int, Signature]:
    ids = {row.about_id for row in rows if row.about_id is not None}
    return {s.pk: s for s in Signature.objects.filter(pk__in=ids).select_related("person")}


@outbox.composer(SIGNER_CONFIRM_EMAIL, label="Signing: confirmation link")
def compose_confirmations(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """A fresh link for each signature still waiting for confirmation; one email per signature."""
    signatures = _signatures(rows)
    waiting: dict[int, list[int]] = {}
    for row in rows:
        signature = signatures.get(row.about_id or 0)
        # Confirmed, invalidated, erased or removed meanwhile: nothing to send.
        if signature is not None and signature.status == SignatureStatus.PENDING and signature.person is not None:
            waiting.setdefault(signature.pk, []).append(row.pk)
    tokens = _issue_links([signatures[pk] for pk in waiting])
    renderings: dict[int, RenderedEmail] = {}
    actions = _actions({signatures[pk].action_id for pk in waiting})
    for pk, row_ids in waiting.items():
        signature = signatures[pk]
        assert signature.person is not None
        if signature.action_id not in renderings:
            renderings[signature.action_id] = signer_email(actions[signature.action_id], with_link=True)
        url = settings.SITE_URL + confirm_path(tokens[pk])
        rendered = renderings[signature.action_id].with_link(CONFIRM_URL_SLOT, url)
        yield outbox.Envelope(message=email_message(rendered, to=signature.person.email), rows=tuple(row_ids))


@transaction.atomic
def _issue_links(signatures: list[Signature]) -> dict[int, str]:
    """New confirmation tokens; only their hashes are stored, and a new one replaces the last."""
    now = timezone.now()
    tokens = {signature.pk: secrets.token_urlsafe(32) for signature in signatures}
    for signature in signatures:
        signature.token_hash = token_digest(tokens[signature.pk])
        signature.token_sent_at = now
    Signature.objects.bulk_update(signatures, ["token_hash", "token_sent_at"], batch_size=500)
    return tokens


def _actions(action_ids: set[int]) -> dict[int, ActionPage]:
    return {action.pk: action for action in ActionPage.objects.filter(pk__in=action_ids).specific()}


@outbox.composer(SIGNER_ALREADY_SIGNED_EMAIL, label="Signing: already signed note")
def compose_already_signed(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    signatures = _signatures(rows)
    found = {row.pk: signatures[row.about_id] for row in rows if row.about_id in signatures}
    actions = _actions({signature.action_id for signature in found.values()})
    renderings: dict[int, RenderedEmail] = {}
    for row_id, signature in found.items():
        if signature.person is None or not signature.person.email:
            continue
        if signature.action_id not in renderings:
            renderings[signature.action_id] = signer_email(actions[signature.action_id], with_link=False)
        message = email_message(renderings[signature.action_id], to=signature.person.email)
        yield outbox.Envelope(message=message, rows=(row_id,))


def campaign_update_email(
    *, action: ActionPage, subject: str, body: str, stop_url: str = STOP_URL_SLOT
) -> RenderedEmail:
    """The update email as recipients get it; the staff preview shows exactly this."""
    return render_email(
        template="campaigns/email/update",
        context={
            "action": action,
            "action_url": settings.SITE_URL + action.url if action.url else settings.SITE_URL,
            "subject": subject,
            "body": body,
            "stop_url": stop_url,
        },
    )


@outbox.composer(CAMPAIGN_UPDATE_EMAIL, label="Campaign update to signers")
def compose_updates(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """Each recipient's copy of an update, if they still agree to updates on its action."""
    updates = {
        update.pk: update
        for update in CampaignUpdate.objects.filter(pk__in={row.about_id for row in rows}).select_related("action")
    }
    for update_id, update in updates.items():
        mine = [row for row in rows if row.about_id == update_id]
        # Read again now: someone who stopped updates since the send started gets nothing.
        agreed = {
            person.pk: person
            for person in update_recipients(action_id=update.action_id).filter(pk__in=[row.person_id for row in mine])
        }
        rendered = campaign_update_email(action=update.action.specific, subject=update.subject, body=update.body)
        for row in mine:
            person: Person | None = agreed.get(row.person_id or 0)
            if person is None or not person.email:
                continue
            stop_url = settings.SITE_URL + stop_updates_path(person_id=person.pk, action_id=update.action_id)
            message = email_message(
                rendered.with_link(STOP_URL_SLOT, stop_url),
                to=person.email,
                headers=one_click_unsubscribe_headers(stop_url),
            )
            yield outbox.Envelope(message=message, rows=(row.pk,))

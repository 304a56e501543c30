"""Confirming a signature: the button on the page its emailed link opens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chorus.bulletin.services.subscriptions import subscription_start_proven
from chorus.campaigns import consents
from chorus.campaigns.models import DisplayChoice, Signature, SignatureKind, SignatureStatus
from chorus.campaigns.selectors import (
    ConfirmOutcome,
    confirm_state,
    consent_scope,
    signature_for_token,
    signing_source,
)
from chorus.core import events
from chorus.people.models import ConsentPurpose, Person
from chorus.people.services import consent_give


def signature_confirm(*, token: str) -> ConfirmOutcome:
    """Confirm a signature from its emailed link; idempotent, and safe when replayed."""
    return signature_confirm_found(signature_for_token(token=token))


def signature_confirm_found(signature: Signature | None) -> ConfirmOutcome:
    """``signature_confirm`` for a signature its link has already found (the view has it).

    Reading it before the update is safe: only the conditional UPDATE decides.
    """
    blocked = confirm_state(signature)
    if blocked is not None:
        return blocked
    assert signature is not None
    scope = consent_scope(signature.action_id)
    chosen: list[tuple[ConsentPurpose, str]] = []
    if signature.kind == SignatureKind.INDIVIDUAL and signature.display != DisplayChoice.NOT_LISTED:
        chosen.append((ConsentPurpose.PUBLISH_NAME, scope))
    if signature.wants_updates:
        chosen.append((ConsentPurpose.CAMPAIGN_UPDATES, scope))
    if signature.wants_bulletin:
        chosen.append((ConsentPurpose.BULLETIN, ""))
    # The consents and what listeners queue (the integration API's webhooks) commit with the
    # confirmation or not at all: a crash between them must not confirm without telling.
    with transaction.atomic():
        now = timezone.now()
        # The conditional UPDATE lets exactly one of several simultaneous clicks win.
        won = Signature.objects.filter(pk=signature.pk, status=SignatureStatus.PENDING).update(
            status=SignatureStatus.CONFIRMED, confirmed_at=now, changed_at=now
        )
        if not won:
            return ConfirmOutcome.ALREADY_CONFIRMED
        # Announced for listeners (the integration API's webhooks), with the consents when there
        # are any; one query when no integration listens.
        events.signature_confirmed.send(sender=Signature, signature_id=signature.pk)
        # The person is loaded only when there is something to record for them.
        if chosen and signature.person is not None:
            source = signing_source(signature.action_id)
            for purpose, purpose_scope in chosen:
                _give(signature.person, purpose, source, purpose_scope)
            if signature.wants_bulletin:
                # Pressing confirm proved the address, as the bulletin's own double opt-in would.
                subscription_start_proven(person=signature.person, source=source)
    return ConfirmOutcome.CONFIRMED


def _give(person: Person, purpose: ConsentPurpose, source: str, scope: str) -> None:
    consent_give(
        person=person,
        purpose=purpose,
        wording=consents.WORDING[purpose],
        wording_version=consents.WORDING_VERSION,
        source=source,
        scope=scope,
    )

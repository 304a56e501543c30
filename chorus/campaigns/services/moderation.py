"""Campaigners' decisions on signatures: organisations approved or rejected, bulk
invalidation by criteria, and putting an invalidation back."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.campaigns.models import ActionPage, Invalidation, Moderation, Signature, SignatureKind, SignatureStatus
from chorus.campaigns.selectors import InvalidationCriteria, signatures_matching
from chorus.campaigns.services.actions import require_permission
from chorus.core.audit import log_action
from chorus.core.middleware import retire_cached_pages


@transaction.atomic
def organisations_moderate(
    *, action: ActionPage, signature_ids: list[int], approve: bool, actor: Any, request: HttpRequest | None = None
) -> int:
    """Approve or reject organisation signatures (one or many); returns how many changed."""
    require_permission(actor, "campaigns.change_signature")
    decision = Moderation.APPROVED if approve else Moderation.REJECTED
    qs = Signature.objects.filter(action=action, kind=SignatureKind.ORGANISATION, pk__in=signature_ids).exclude(
        moderation=decision
    )
    ids = sorted(qs.values_list("pk", flat=True))
    changed = Signature.objects.filter(pk__in=ids).update(moderation=decision, changed_at=timezone.now())
    log_action(
        f"campaigns.signature.{'approved' if approve else 'rejected'}",
        actor=actor,
        obj=action,
        object_type="campaigns.actionpage",
        data={"signature_ids": ids, "count": changed},
        request=request,
    )
    transaction.on_commit(retire_cached_pages)
    return changed


@transaction.atomic
def signatures_invalidate(
    *,
    action: ActionPage,
    criteria: InvalidationCriteria,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Invalidation:
    """Invalidate every signature matching the criteria, remembering how to undo it."""
    require_permission(actor, "campaigns.change_signature")
    # The form says the same in its own words; this stops any other caller.
    if criteria.refusal:
        raise ValueError(criteria.refusal)
    invalidation = Invalidation.objects.create(
        action=action, criteria=criteria.as_data(), reason=reason, created_by=actor
    )
    now = timezone.now()
    matching = signatures_matching(action_id=action.pk, criteria=criteria)
    affected = 0
    for status in (SignatureStatus.PENDING, SignatureStatus.CONFIRMED):
        affected += matching.filter(status=status).update(
            status=SignatureStatus.INVALIDATED,
            status_before_invalidation=status,
            invalidation=invalidation,
            changed_at=now,
        )
    invalidation.affected = affected
    invalidation.save(update_fields=["affected"])
    log_action(
        "campaigns.signatures.invalidated",
        actor=actor,
        obj=invalidation,
        data={"action": action.pk, "count": affected, "criteria": invalidation.criteria},
        request=request,
    )
    return invalidation


@transaction.atomic
def invalidation_reverse(*, invalidation: Invalidation, actor: Any, request: HttpRequest | None = None) -> int:
    """Put back every signature a bulk invalidation touched; returns how many."""
    require_permission(actor, "campaigns.change_signature")
    locked = Invalidation.objects.select_for_update().get(pk=invalidation.pk)
    if locked.reversed_at is not None:
        return 0
    now = timezone.now()
    restored = 0
    for status in (SignatureStatus.PENDING, SignatureStatus.CONFIRMED):
        restored += Signature.objects.filter(
            invalidation=locked, status=SignatureStatus.INVALIDATED, status_before_invalidation=status
        ).update(status=status, status_before_invalidation="", invalidation=None, changed_at=now)
    locked.reversed_at = now
    locked.reversed_by = actor
    locked.save(update_fields=["reversed_at", "reversed_by"])
    invalidation.reversed_at = now
    log_action(
        "campaigns.signatures.restored",
        actor=actor,
        obj=locked,
        data={"action": locked.action_id, "count": restored},
        request=request,
    )
    return restored


# A key's usual share of signing is read from this long before the hour checked. Address

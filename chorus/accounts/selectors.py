"""Reads for staff screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from chorus.core.models import AuditCheck, AuditEvent, AuditSealState


def audit_events_filtered(
    *,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, narrowed by whichever filters are given."""
    events = AuditEvent.objects.order_by("-id")
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label__iexact=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events


@dataclass(frozen=True)
class AuditSealStatus:
    """How far the audit log is sealed, and how the last check against the seals went."""

    sealed: int
    sealed_at: datetime | None
    unsealed: int
    last_check: AuditCheck | None


def audit_seal_status() -> AuditSealStatus:
    state = AuditSealState.objects.filter(pk=1).first()
    return AuditSealStatus(
        sealed=state.sequence if state else 0,
        sealed_at=state.sealed_at if state else None,
        unsealed=AuditEvent.objects.filter(seal_sequence__isnull=True).count(),
        last_check=AuditCheck.objects.order_by("-checked_at", "-id").first(),
    )

"""Reads for staff screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from chorus.core.models import AuditCheck, AuditEvent, AuditSealState

# The filter's value for events no one signed in made (scheduled jobs, members' own actions).
SYSTEM_ACTOR = "-"


def audit_events_filtered(
    *,
    action: str = "",
    kind: str = "",
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
    if kind:
        events = events.filter(action=kind)
    if actor == SYSTEM_ACTOR:
        events = events.filter(actor_label="")
    elif actor:
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


def audit_actors() -> list[str]:
    """Everyone named in the log, for the filter: staff who acted, including accounts since removed."""
    names = AuditEvent.objects.exclude(actor_label="").values_list("actor_label", flat=True).distinct()
    return sorted(names, key=str.lower)


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

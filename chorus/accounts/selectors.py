"""Reads for staff screens."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from chorus.core.models import AuditEvent


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

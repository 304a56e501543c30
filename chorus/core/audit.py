"""Write the audit log. Services call ``log_action``; ``log_actions`` is for batch jobs.

Writing is a plain INSERT: no lock and no shared row, so audited writes never wait for
one another. Entries are made tamper-evident afterwards, by the sealer in
``chorus.core.audit_seals`` (docs/decisions/0014).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.models import AuditEvent


def log_action(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    screen: str = "",
) -> AuditEvent:
    """Append one event. Never put personal data in ``data``: ids and counts only."""
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if request is not None and not screen:
        screen = request.path[:200]
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor.get_username() if getattr(actor, "pk", None) else "")[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        screen=screen,
        data=json.loads(json.dumps(data or {}, default=str)),
    )
    event.save(force_insert=True)
    return event


def log_actions(action: str, *, objs: Sequence[models.Model], screen: str = "") -> list[AuditEvent]:
    """Append one event per object, all for the same system action, in one INSERT.

    For batch jobs: no actor (a job acts for no one) and no ``data``.
    """
    now = timezone.now()
    events = [
        AuditEvent(
            created_at=now,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            screen=screen,
            data={},
        )
        for obj in objs
    ]
    return AuditEvent.objects.bulk_create(events) if events else []

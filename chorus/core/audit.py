"""Write and verify the tamper-evident audit log. Services call ``log_action``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _entry_hash(event: AuditEvent) -> str:
    payload = json.dumps(
        {
            "created_at": event.created_at.isoformat(),
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "screen": event.screen,
            "data": event.data,
            "previous_hash": event.previous_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic
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
    _append([event])
    return event


@transaction.atomic
def log_actions(action: str, *, objs: Sequence[models.Model], screen: str = "") -> list[AuditEvent]:
    """Append one event per object, all for the same system action, in one write.

    For batch jobs: the chain head is locked once for the whole batch instead of once
    per event. No actor (a job acts for no one) and no ``data``.
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
    _append(events)
    return events


def _append(events: list[AuditEvent]) -> None:
    """Chain the events after the newest entry and store them. Call inside a transaction."""
    if not events:
        return
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    previous = head.last_hash
    for event in events:
        event.previous_hash = previous
        event.entry_hash = previous = _entry_hash(event)
    if len(events) == 1:
        events[0].save()
    else:
        AuditEvent.objects.bulk_create(events)
    head.last_hash = previous
    head.save(update_fields=["last_hash"])


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def verify_chain() -> Iterator[ChainBreak]:
    """Yield every place where the chain does not hold."""
    expected_previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != expected_previous:
            yield ChainBreak(
                event.id, "previous hash does not match the entry before it (a row was removed or inserted)"
            )
        if _entry_hash(event) != event.entry_hash:
            yield ChainBreak(event.id, "contents do not match the entry's hash (the row was edited)")
        expected_previous = event.entry_hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_previous:
        yield ChainBreak(0, "the newest entries are missing (the chain head does not match the last row)")

"""The audit log read by people: each event as a sentence, its details as words, a link to what it was about.

The log stores codes ("support.request.viewed", "support.supportrequest", 29) so that it
never changes meaning; staff read "Sam (Caseworker) viewed request CH-2026-0029". Each
app names its own events and records in ``chorus/<app>/audit_events.py``:

    EVENTS = {
        "support.request.viewed": EventKind(label="Support request viewed", sentence="viewed {object}"),
    }
    OBJECTS = {
        "support.supportrequest": ObjectKind(
            name=lambda r: f"request {r.reference}", url=lambda r: reverse(...), noun="request"
        ),
    }

Apps are found the way roles find their permissions (``chorus.accounts.roles``), so core
imports no app. ``chorus/core/tests/test_audit_events.py`` fails for an action the code
logs that no app has named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import models

from chorus.core.models import AuditEvent


@dataclass(frozen=True)
class EventKind:
    label: str  # for the filter's list: "Support request viewed"
    # What the person did, after their name: "viewed request {object}". {object} is the
    # record's name; other {names} come from the event's details (ids and counts only).
    sentence: str


@dataclass(frozen=True)
class ObjectKind:
    name: Callable[[Any], str]  # the record as people know it: "request CH-2026-0029"
    url: Callable[[Any], str] | None = None  # where staff open it, if there is such a screen
    noun: str = "record"  # what it is, when the record is gone: "request", "campaign action"


@dataclass(frozen=True)
class DescribedEvent:
    event: AuditEvent
    sentence: str
    url: str
    details: list[tuple[str, str]]


class _Defaults(dict[str, Any]):
    """Formatting values: a name missing from an event's details reads as nothing, never raises."""

    def __missing__(self, key: str) -> str:
        return ""


@cache
def _registry() -> tuple[dict[str, EventKind], dict[str, ObjectKind]]:
    events: dict[str, EventKind] = {}
    objects: dict[str, ObjectKind] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("chorus."):
            continue
        try:
            module = import_module(f"{config.name}.audit_events")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.audit_events":
                raise
            continue
        events.update(getattr(module, "EVENTS", {}))
        objects.update(getattr(module, "OBJECTS", {}))
    return events, objects


def event_kinds() -> dict[str, EventKind]:
    return _registry()[0]


def event_kind_choices() -> list[tuple[str, str]]:
    """Every kind of event, for a select: (action, label), by label."""
    return sorted(((action, kind.label) for action, kind in event_kinds().items()), key=lambda pair: pair[1])


def event_label(action: str) -> str:
    kind = event_kinds().get(action)
    return kind.label if kind else "Another kind of event"


DETAIL_NAMES = {
    "rows": "Rows",
    "format": "Format",
    "count": "How many",
    "items": "Items",
    "devices": "Devices",
    "reason": "Reason",
    "from": "From",
    "to": "To",
    "transition": "Change",
}


def _detail_name(key: str) -> str:
    return DETAIL_NAMES.get(key, key.replace("_", " ").capitalize())


def _detail_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_detail_value(each) for each in value)
    if isinstance(value, dict):
        return "; ".join(f"{_detail_name(k)}: {_detail_value(v)}" for k, v in value.items())
    return str(value).replace("_", " ")


def _objects_by_event(events: Iterable[AuditEvent]) -> dict[tuple[str, str], models.Model]:
    """The records the events are about that still exist, fetched once per kind of record."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    found: dict[tuple[str, str], models.Model] = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        valid = [each for each in ids if each.isdigit()]
        manager = model._default_manager
        for obj in manager.filter(pk__in=valid):
            found[(object_type, str(obj.pk))] = obj
    return found


def _actor_text(event: AuditEvent, roles: dict[int, list[str]]) -> str:
    if event.actor_id is None:
        return f"{event.actor_label} (account since removed)" if event.actor_label else "Chorus itself"
    names = roles.get(event.actor_id, [])
    return f"{event.actor_label} ({', '.join(names)})" if names else event.actor_label


def _roles_of(events: Iterable[AuditEvent]) -> dict[int, list[str]]:
    from django.contrib.auth import get_user_model

    ids = {event.actor_id for event in events if event.actor_id is not None}
    roles: dict[int, list[str]] = {}
    for user in get_user_model().objects.filter(pk__in=ids).prefetch_related("groups"):
        names = sorted(group.name for group in user.groups.all())
        if user.is_superuser:
            names.insert(0, "Superuser")
        roles[user.pk] = names
    return roles


def describe_events(events: Iterable[AuditEvent]) -> list[DescribedEvent]:
    """Sentences, details and links for a page of events, with one query per kind of record."""
    events = list(events)
    kinds, object_kinds = _registry()
    objects = _objects_by_event(events)
    roles = _roles_of(events)
    described = []
    for event in events:
        object_kind = object_kinds.get(event.object_type)
        obj = objects.get((event.object_type, event.object_id))
        if obj is not None and object_kind is not None:
            object_text = object_kind.name(obj)
            url = object_kind.url(obj) if object_kind.url else ""
        elif event.object_id:
            noun = object_kind.noun if object_kind else "record"
            object_text = f"{noun} no. {event.object_id}" + (" (since deleted)" if obj is None else "")
            url = ""
        else:
            object_text, url = "", ""
        kind = kinds.get(event.action)
        data = event.data if isinstance(event.data, dict) else {}
        what = kind.sentence if kind else "did something this version of Chorus has no words for"
        values = _Defaults({key: _detail_value(value) for key, value in data.items()})
        values["object"] = object_text
        sentence = f"{_actor_text(event, roles)} {what.format_map(values)}".strip()
        details = [(_detail_name(key), _detail_value(value)) for key, value in data.items()]
        if event.screen:
            details.append(("From the screen", event.screen))
        described.append(DescribedEvent(event=event, sentence=sentence, url=url, details=details))
    return described


# Core's own events (found like any app's: this module is chorus.core's audit_events).
EVENTS = {
    "core.audit_log.mismatch_found": EventKind(
        "Audit log check found a problem", "found {problems} entries that do not match their seals"
    ),
    "core.keys.rotated": EventKind("Encryption keys rotated", "encrypted everything again with the newest key"),
    "core.task_runs.requeued": EventKind(
        "Stopped background tasks queued again", "queued {requeued} background tasks again after their worker stopped"
    ),
}

OBJECTS = {
    "core.auditcheck": ObjectKind(name=lambda check: f"the check of {check.checked_at:%-d %b %Y}", noun="audit check"),
}

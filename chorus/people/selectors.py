"""Reads for the privacy page."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from types import ModuleType
from typing import Any

from django.db.models import QuerySet

from chorus.core.privacy import HeldGroup, privacy_modules
from chorus.core.spreadsheets import csv_safe
from chorus.people.models import ConsentRecord, Person


def person_data_held(*, person: Person) -> list[HeldGroup]:
    """Everything every app holds about a person, people's own details first."""
    groups: list[HeldGroup] = []
    for module in person_privacy_modules():
        groups.extend(module.data_held(person))
    return groups


def person_active_consents(*, person: Person) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(person=person, withdrawn_at__isnull=True).order_by("given_at")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def held_as_json(groups: list[HeldGroup]) -> list[dict[str, Any]]:
    """The same groups as plain data for the JSON download."""
    return [
        {**asdict(group), "items": [{k: _plain(v) for k, v in asdict(item).items()} for item in group.items]}
        for group in groups
    ]


def held_as_rows(groups: list[HeldGroup]) -> list[list[str]]:
    """One row per item for the CSV download, with a header row first."""
    rows = [["Group", "Why we hold it", "How long we keep it", "What", "Value", "Recorded"]]
    for group in groups:
        for item in group.items:
            recorded = _plain(item.recorded_at) or ""
            rows.append(
                [csv_safe(str(text)) for text in (group.title, group.purpose, group.retention, item.label, item.value)]
                + [str(recorded)]
            )
    return rows


def person_privacy_modules() -> list[ModuleType]:
    """App privacy modules that implement the protocol, people's own first.

    core.privacy's discovery also finds core.privacy itself (the protocol), so keep
    only modules that provide both functions.
    """
    modules = [
        module
        for module in privacy_modules()
        if callable(getattr(module, "data_held", None)) and callable(getattr(module, "erase", None))
    ]
    return sorted(modules, key=lambda module: module.__name__ != "chorus.people.privacy")

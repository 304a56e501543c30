"""How each app tells the privacy page what it holds about a person, and erases it.

An app that stores personal data provides ``chorus/<app>/privacy.py`` with:

    def data_held(person: Person) -> list[HeldGroup]: ...
    def erase(person: Person) -> ErasureReport: ...

The people app's privacy page gathers them with ``privacy_modules()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import import_module
from types import ModuleType

from django.apps import apps

from chorus.core.sections import REFERENCE_DESCRIBERS


@dataclass(frozen=True)
class HeldItem:
    label: str  # "Name", "Email address", "What you wrote"
    value: str  # shown to the person themself only
    recorded_at: date | datetime | None = None


@dataclass(frozen=True)
class HeldGroup:
    title: str  # "Your signature on 'Stop ward cameras'"
    purpose: str  # plain-language why: "To count your signature and deliver the letter"
    items: list[HeldItem] = field(default_factory=list)
    retention: str = ""  # plain-language how long: "Until 6 months after the letter is delivered"


@dataclass(frozen=True)
class ErasureReport:
    erased: int  # how many records were erased or anonymised
    kept: list[str] = field(default_factory=list)  # plain-language: what stays and why


def privacy_modules() -> list[ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("chorus.") or config.name == "chorus.core":
            continue  # core.privacy is this protocol itself, not an app's data
        dotted = f"{config.name}.privacy"
        try:
            modules.append(import_module(dotted))
        except ModuleNotFoundError as error:
            if error.name != dotted:
                raise
    return modules


# What an app's reference looks like ("campaigns.action:31"): a code, never shown to people.
INTERNAL_REFERENCE = re.compile(r"[a-z_]+\.[a-z_]+:[\w:.-]+")


def reference_in_words(reference: str) -> str:
    """A record's reference as people know it, from the app that made it.

    Each app registers a describer in REFERENCE_DESCRIBERS (chorus.core.sections); a
    reference that is already words ("bulletin subscribe form") is shown as it is, and a
    code no app claims any more is never shown as a code.
    """
    for contribution in REFERENCE_DESCRIBERS.contributions():
        described = contribution.source(reference=reference)
        if described:
            return described
    if INTERNAL_REFERENCE.fullmatch(reference):
        return "A page of this site that has since changed"
    return reference

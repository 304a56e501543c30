"""Reads for people: finding a person, their consents, privacy links and what every app holds."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from chorus.core.crypto import email_index, token_digest
from chorus.core.privacy import HeldGroup, privacy_modules, reference_in_words
from chorus.core.spreadsheets import csv_safe
from chorus.core.times import iso_moment
from chorus.people.models import ConsentPurpose, ConsentRecord, Person, PrivacyGrant, PrivacyLink


def person_find_by_email(*, email: str) -> Person | None:
    return Person.objects.filter(email_index=email_index(email)).first()


def consent_is_active(*, person: Person, purpose: ConsentPurpose, scope: str = "") -> bool:
    return ConsentRecord.objects.filter(
        person=person, purpose=purpose, scope=scope, withdrawn_at__isnull=True
    ).exists()


class PrivacyTokenError(Exception):
    """A privacy link or access that cannot be used; ``reason`` says why, for the page shown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unknown", "expired" or "used"


MAX_TOKEN_LENGTH = 64
# Said beside the downloads' times: each carries its offset, and the zone is named once.
TIME_ZONE_NOTE = f"{settings.TIME_ZONE} time, with the offset from UTC"


def privacy_link_check(*, token: str, now: datetime | None = None) -> PrivacyLink:
    """The link for a token if it can still be used; raises PrivacyTokenError otherwise."""
    now = now or timezone.now()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise PrivacyTokenError("unknown")
    link = PrivacyLink.objects.select_related("person").filter(token_hash=token_digest(token)).first()
    if link is None or link.person.erased_at is not None:
        raise PrivacyTokenError("unknown")
    if link.used_at is not None:
        raise PrivacyTokenError("used")
    if link.expires_at <= now:
        raise PrivacyTokenError("expired")
    return link


def privacy_grant_check(*, token: str, now: datetime | None = None) -> PrivacyGrant:
    """The access for a token if it is still open; raises PrivacyTokenError otherwise."""
    now = now or timezone.now()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise PrivacyTokenError("unknown")
    grant = PrivacyGrant.objects.select_related("person").filter(token_hash=token_digest(token)).first()
    if grant is None or grant.person.erased_at is not None:
        raise PrivacyTokenError("unknown")
    if grant.ended_at is not None:
        raise PrivacyTokenError("used")
    if grant.expires_at <= now:
        raise PrivacyTokenError("expired")
    return grant


def person_data_held(*, person: Person) -> list[HeldGroup]:
    """Everything every app holds about a person, people's own details first."""
    groups: list[HeldGroup] = []
    for module in person_privacy_modules():
        groups.extend(module.data_held(person))
    return groups


def person_active_consents(*, person: Person) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(person=person, withdrawn_at__isnull=True).order_by("given_at")


@dataclass(frozen=True)
class WithdrawableConsent:
    """An agreement still in force, named as the person knows it."""

    pk: int
    what: str  # "Send me updates on this campaign: “Cameras off our wards”"
    given_at: datetime


def person_consents_to_withdraw(*, person: Person) -> list[WithdrawableConsent]:
    consents = []
    for consent in person_active_consents(person=person):
        what = consent.get_purpose_display()
        if consent.scope:
            what = f"{what}: {reference_in_words(consent.scope)}"
        consents.append(WithdrawableConsent(pk=consent.pk, what=what, given_at=consent.given_at))
    return consents


def _plain(value: Any) -> Any:
    # Times in the person's own zone, to the second, with the offset from UTC on each.
    if isinstance(value, datetime | date):
        return iso_moment(value)
    return value


def held_as_json(groups: list[HeldGroup]) -> list[dict[str, Any]]:
    """The same groups as plain data for the JSON download."""
    return [
        {**asdict(group), "items": [{k: _plain(v) for k, v in asdict(item).items()} for item in group.items]}
        for group in groups
    ]


def held_as_rows(groups: list[HeldGroup]) -> list[list[str]]:
    """One row per item for the CSV download, with a header row first."""
    rows = [["Group", "Why we hold it", "How long we keep it", "What", "Value", f"Recorded ({TIME_ZONE_NOTE})"]]
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

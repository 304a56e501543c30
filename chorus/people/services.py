"""Writes for people, consent, retention and the self-service privacy page.

Other apps call these; they never write Person directly.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel, Max, Q
from django.http import HttpRequest
from django.utils import timezone

from chorus.core import events
from chorus.core.audit import log_action, log_actions
from chorus.core.crypto import email_index, token_digest
from chorus.core.outbox import outbox_add, outbox_forget_person
from chorus.core.privacy import ErasureReport
from chorus.people.models import (
    PRIVACY_LINK_EMAIL,
    ConsentPurpose,
    ConsentRecord,
    Person,
    PersonTombstone,
    PrivacyGrant,
    PrivacyLink,
    TombstoneReason,
)
from chorus.people.selectors import (
    PrivacyTokenError,
    person_find_by_email,
    person_privacy_modules,
    privacy_link_check,
)


def person_get_or_create(
    *, email: str, name: str = "", postcode: str = "", phone: str = "", access_needs: str = ""
) -> tuple[Person, bool]:
    """Find the person for an email by its blind index, or create them; never duplicates."""
    index = email_index(email)
    person = Person.objects.filter(email_index=index).first()
    if person is not None:
        return person, False
    try:
        with transaction.atomic():
            person = Person.objects.create(
                email=email.strip(),
                email_index=index,
                name=name,
                postcode=postcode,
                phone=phone,
                access_needs=access_needs,
            )
    except IntegrityError:
        # Another request created the same person a moment ago.
        return Person.objects.get(email_index=index), False
    log_action("people.person.created", obj=person)
    return person, True


@dataclass(frozen=True)
class NewPersonDetails:
    """What a form knows of someone who may be new: stored only if they are."""

    email: str
    name: str = ""
    postcode: str = ""


def persons_get_or_create(people: Iterable[NewPersonDetails]) -> dict[str, Person]:
    """``person_get_or_create`` for a batch: one query to find them, one to create the
    new ones and one audit write for all. Keyed by email index; when an address comes
    more than once, its first details are the ones a new person gets.
    Call inside a transaction.
    """
    wanted: dict[str, NewPersonDetails] = {}
    for details in people:
        wanted.setdefault(email_index(details.email), details)
    found: dict[str, Person] = {
        person.email_index: person
        for person in Person.objects.filter(email_index__in=list(wanted))
        if person.email_index is not None
    }
    new = [
        Person(email=details.email.strip(), email_index=index, name=details.name, postcode=details.postcode)
        for index, details in wanted.items()
        if index not in found
    ]
    try:
        with transaction.atomic():
            Person.objects.bulk_create(new)
            log_actions("people.person.created", objs=new)
    except IntegrityError:
        # Another request created one of them a moment ago: one by one, which copes.
        for index, details in wanted.items():
            if index not in found:
                found[index], _ = person_get_or_create(
                    email=details.email, name=details.name, postcode=details.postcode
                )
        return found
    found.update((person.email_index, person) for person in new if person.email_index)
    return found


def person_changed(*, person_id: int) -> None:
    """Move on what the integration API reports as the person's last change (their agreements
    or bulletin status changed, which saving the person does not record)."""
    Person.objects.filter(pk=person_id).update(changed_at=timezone.now())


@transaction.atomic
def consent_give(
    *, person: Person, purpose: ConsentPurpose, wording: str, wording_version: str, source: str, scope: str = ""
) -> ConsentRecord:
    """Record an agreement with the words shown; an active identical one is reused."""
    existing = ConsentRecord.objects.filter(
        person=person, purpose=purpose, scope=scope, withdrawn_at__isnull=True
    ).first()
    if existing is not None and existing.wording_version == wording_version:
        return existing
    record = ConsentRecord.objects.create(
        person=person,
        purpose=purpose,
        scope=scope,
        wording=wording,
        wording_version=wording_version,
        source=source,
        given_at=timezone.now(),
    )
    person_changed(person_id=person.pk)
    log_action(
        "people.consent.given",
        obj=record,
        data={"person_id": person.pk, "purpose": str(purpose), "scope": scope, "wording_version": wording_version},
    )
    return record


@transaction.atomic
def consent_withdraw(*, person: Person, purpose: ConsentPurpose, scope: str = "", via: str) -> int:
    """Withdraw every active agreement for a purpose; returns how many were withdrawn."""
    withdrawn = ConsentRecord.objects.filter(
        person=person, purpose=purpose, scope=scope, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), withdrawn_via=via)
    if withdrawn:
        person_changed(person_id=person.pk)
        log_action(
            "people.consent.withdrawn",
            object_type="people.person",
            object_id=person.pk,
            data={"purpose": str(purpose), "scope": scope, "count": withdrawn, "via": via},
        )
    return withdrawn


@transaction.atomic
def consent_withdraw_one(*, person: Person, consent_id: int, via: str) -> bool:
    """Withdraw one of this person's agreements by id; False if it is not theirs or already withdrawn."""
    withdrawn = ConsentRecord.objects.filter(pk=consent_id, person=person, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_via=via
    )
    if withdrawn:
        person_changed(person_id=person.pk)
        log_action(
            "people.consent.withdrawn",
            object_type="people.consentrecord",
            object_id=consent_id,
            data={"person_id": person.pk, "count": 1, "via": via},
        )
    return bool(withdrawn)


def _anonymise(person: Person, *, via: str) -> None:
    """Blank every personal field; the row stays so consent records keep their history."""
    now = timezone.now()
    ConsentRecord.objects.filter(person=person, withdrawn_at__isnull=True).update(withdrawn_at=now, withdrawn_via=via)
    person.email = person.name = person.postcode = person.phone = person.access_needs = ""
    person.email_index = None
    person.erased_at = now
    person.save()
    # The outside identifier only, so a CRM syncing from the integration API erases them too.
    _, created = PersonTombstone.objects.get_or_create(
        person_uuid=person.uuid,
        defaults={
            "erased_at": now,
            "reason": TombstoneReason.RETENTION if via == "retention" else TombstoneReason.ERASED,
        },
    )
    if created:
        # Announced for listeners (the integration API's webhooks): the identifier only.
        events.person_erased.send(sender=Person, person_uuid=person.uuid)


# --- retention ------------------------------------------------------------------


def _referenced_elsewhere() -> Q:
    """Rows in other apps that point at a person keep them: those apps own that data's retention."""
    own = {ConsentRecord, PrivacyLink, PrivacyGrant}
    condition = Q()
    # include_hidden: a relation named "+" still points at the person.
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.related_model in own:
            continue
        model = relation.related_model
        field_name = relation.field.name
        ids = model._base_manager.filter(**{f"{field_name}__isnull": False}).values(field_name)
        condition |= Q(pk__in=ids)
    return condition


@dataclass(frozen=True)
class RetentionResult:
    people_anonymised: int
    links_deleted: int
    grants_deleted: int


@transaction.atomic
def people_retention_apply(*, now: datetime | None = None) -> RetentionResult:
    """Anonymise people with no purpose left, and delete old privacy links; audited with counts."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CHORUS_RETENTION_PERSON_DAYS)
    candidates = (
        Person.objects.filter(erased_at__isnull=True, created_at__lt=cutoff)
        .exclude(pk__in=ConsentRecord.objects.filter(withdrawn_at__isnull=True).values("person_id"))
        .annotate(last_withdrawn=Max("consents__withdrawn_at"))
        .filter(Q(last_withdrawn__isnull=True) | Q(last_withdrawn__lt=cutoff))
    )
    referenced = _referenced_elsewhere()
    if referenced:
        candidates = candidates.exclude(referenced)
    # Ids first: writing to rows while a cursor over them is still open is unsafe on SQLite.
    ids = list(candidates.values_list("pk", flat=True))
    anonymised = 0
    for start in range(0, len(ids), 500):
        for person in Person.objects.filter(pk__in=ids[start : start + 500]):
            _anonymise(person, via="retention")
            anonymised += 1
    link_cutoff = now - timedelta(days=settings.CHORUS_RETENTION_PRIVACY_LINK_DAYS)
    links_deleted, _ = PrivacyLink.objects.filter(expires_at__lt=link_cutoff).delete()
    grants_deleted, _ = PrivacyGrant.objects.filter(expires_at__lt=link_cutoff).delete()
    result = RetentionResult(anonymised, links_deleted, grants_deleted)
    log_action(
        "people.retention.applied",
        data={"people_anonymised": anonymised, "links_deleted": links_deleted, "grants_deleted": grants_deleted},
        screen="task people_retention_run",
    )
    return result


# --- the self-service privacy page ---------------------------------------------------


@transaction.atomic
def privacy_link_request(*, email: str, requested_by: Any = None, request: HttpRequest | None = None) -> None:
    """Queue a single-use link to the privacy page for the address (from the privacy page, or
    staff for a person who asked another way), sent only if we hold data for it.

    The request does the same work whoever the address belongs to, one outbox row, so
    neither the answer nor how long it takes tells anyone who is on our lists; the outbox's
    run looks the address up (``privacy_link_issue``). The audit event says who asked,
    never whether anything was found or for whom.
    """
    log_action(
        "people.privacy_link.requested",
        actor=requested_by,
        request=request,
        data={"via": "staff" if requested_by is not None else "privacy page"},
    )
    outbox_add(kind=PRIVACY_LINK_EMAIL, address=email)


@transaction.atomic
def privacy_link_issue(*, email: str) -> tuple[Person, str] | None:
    """A new single-use link for whoever holds the address, with its raw token; None if we hold
    nothing about them. Issued as the email goes, so the link's time runs from its sending."""
    person = person_find_by_email(email=email)
    if person is None or person.erased_at is not None:
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    PrivacyLink.objects.create(
        person=person,
        token_hash=token_digest(token),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.CHORUS_PRIVACY_LINK_MINUTES),
    )
    return person, token


@transaction.atomic
def privacy_link_confirm(*, token: str) -> str:
    """Use up a link and open short access to the privacy page; returns the access token."""
    link = privacy_link_check(token=token)
    now = timezone.now()
    # A conditional update, so two clicks racing each other cannot both succeed.
    if not PrivacyLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
        raise PrivacyTokenError("used")
    access = secrets.token_urlsafe(32)
    grant = PrivacyGrant.objects.create(
        person=link.person,
        token_hash=token_digest(access),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.CHORUS_PRIVACY_GRANT_MINUTES),
    )
    log_action("people.privacy_link.confirmed", obj=grant, data={"person_id": link.person_id, "link_id": link.pk})
    return access


def _modules_people_last() -> list[ModuleType]:
    # Other apps erase their rows first, while the person record still exists to find them by.
    return list(reversed(person_privacy_modules()))


@transaction.atomic
def person_erase(*, person: Person, via: str) -> list[ErasureReport]:
    """Erase everything every app holds about a person; returns what each app did and kept."""
    reports = [module.erase(person) for module in _modules_people_last()]
    PrivacyGrant.objects.filter(person=person, ended_at__isnull=True).update(ended_at=timezone.now())
    # Emails waiting for them are not sent now, and those sent are forgotten.
    outbox_forget_person(person_id=person.pk)
    log_action(
        "people.person.erased",
        obj=person,
        data={"records": sum(report.erased for report in reports), "via": via},
    )
    return reports


def people_erase_personal_fields(*, person: Person, via: str) -> int:
    """Blank the person's own fields and withdraw their agreements (people.privacy.erase)."""
    if person.erased_at is not None:
        return 0
    _anonymise(person, via=via)
    return 1

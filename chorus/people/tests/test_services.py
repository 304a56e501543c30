"""People and consent services."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from chorus.core.crypto import email_index
from chorus.core.models import AuditEvent
from chorus.core.tests.sealing import sealed_and_verified
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.selectors import consent_is_active, person_find_by_email
from chorus.people.services import (
    NewPersonDetails,
    consent_withdraw,
    consent_withdraw_one,
    person_erase,
    person_get_or_create,
    persons_get_or_create,
)
from chorus.people.tests.factories import give_consent, make_person

pytestmark = pytest.mark.django_db


def test_two_spellings_of_one_mailbox_are_one_person() -> None:
    first, created = person_get_or_create(email="Rowan.Ash+petition@gmail.com", name="Rowan")
    again, created_again = person_get_or_create(email="rowanash@googlemail.com")
    assert created and not created_again and first == again
    assert person_find_by_email(email="ROWANASH@gmail.com") == first
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action="people.person.created", object_id=str(first.pk)).count() == 1


def test_a_batch_finds_the_known_creates_the_new_and_audits_each_once() -> None:
    known, _ = person_get_or_create(email="known@example.org", name="Known")
    with transaction.atomic():
        people = persons_get_or_create(
            [
                NewPersonDetails(email="new@example.org", name="First"),
                NewPersonDetails(email="Known@example.org", name="Ignored"),
                NewPersonDetails(email="NEW@example.org", name="Second"),  # the same mailbox again
            ]
        )
    assert set(people) == {email_index("known@example.org"), email_index("new@example.org")}
    assert people[email_index("known@example.org")] == known
    new = people[email_index("new@example.org")]
    assert new.pk is not None and new.name == "First"  # the first details win
    assert Person.objects.count() == 2
    created = AuditEvent.objects.filter(action="people.person.created")
    assert sorted(created.values_list("object_id", flat=True)) == sorted([str(known.pk), str(new.pk)])
    assert sealed_and_verified().problems == []


def test_a_batch_copes_when_another_request_creates_one_of_its_people_first(monkeypatch: Any) -> None:
    person_get_or_create(email="race@example.org", name="Quicker")  # the other request…
    real_filter = Person.objects.filter

    def looked_before_it_committed(*args: Any, **kwargs: Any) -> Any:
        # …committed just after this batch looked: the first lookup finds no one.
        monkeypatch.setattr(Person.objects, "filter", real_filter)
        return Person.objects.none()

    monkeypatch.setattr(Person.objects, "filter", looked_before_it_committed)
    with transaction.atomic():
        people = persons_get_or_create(
            [NewPersonDetails(email="race@example.org"), NewPersonDetails(email="calm@example.org", name="Calm")]
        )
    assert Person.objects.count() == 2  # the unique index refused the duplicate; nobody twice
    assert people[email_index("race@example.org")].name == "Quicker"
    assert people[email_index("calm@example.org")].name == "Calm"
    assert AuditEvent.objects.filter(action="people.person.created").count() == 2
    assert sealed_and_verified().problems == []


def test_consent_is_recorded_with_its_wording_and_audited() -> None:
    person = make_person()
    record = give_consent(person)
    assert give_consent(person) == record  # same version: reused
    newer = give_consent(person, version="v2")
    assert newer != record
    assert consent_is_active(person=person, purpose=ConsentPurpose.BULLETIN)
    event = AuditEvent.objects.filter(action="people.consent.given").first()
    assert event is not None and event.data["purpose"] == "bulletin"
    assert "rowan" not in str(event.data).lower()


def test_withdrawal_is_kept_as_a_record_and_audited() -> None:
    person = make_person()
    give_consent(person)
    assert consent_withdraw(person=person, purpose=ConsentPurpose.BULLETIN, via="unsubscribe") == 1
    assert consent_withdraw(person=person, purpose=ConsentPurpose.BULLETIN, via="unsubscribe") == 0
    record = ConsentRecord.objects.get()
    assert record.withdrawn_at is not None and record.withdrawn_via == "unsubscribe"
    assert not consent_is_active(person=person, purpose=ConsentPurpose.BULLETIN)
    assert AuditEvent.objects.filter(action="people.consent.withdrawn").count() == 1


def test_withdrawing_one_agreement_only_works_for_its_owner() -> None:
    owner, other = make_person(), make_person("sam@example.org")
    record = give_consent(owner)
    assert not consent_withdraw_one(person=other, consent_id=record.pk, via="privacy page")
    assert consent_withdraw_one(person=owner, consent_id=record.pk, via="privacy page")
    assert not consent_withdraw_one(person=owner, consent_id=record.pk, via="privacy page")


def test_erasure_blanks_the_person_and_keeps_anonymous_consent_history() -> None:
    person = make_person(name="Rowan Ash", postcode="N1 9GU", phone="0700", access_needs="Easy Read please")
    give_consent(person)
    reports = person_erase(person=person, via="tests")
    person.refresh_from_db()
    assert (person.email, person.name, person.postcode, person.phone, person.access_needs) == ("", "", "", "", "")
    assert person.email_index is None and person.erased_at is not None
    record = ConsentRecord.objects.get()
    assert record.withdrawn_at is not None
    assert any(report.kept for report in reports)
    assert person_find_by_email(email="rowan@example.org") is None
    # Coming back later makes a new, separate person.
    again, created = person_get_or_create(email="rowan@example.org")
    assert created and again.pk != person.pk
    event = AuditEvent.objects.get(action="people.person.erased")
    assert event.object_id == str(person.pk)

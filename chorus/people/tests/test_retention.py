"""Retention: people with no purpose left are anonymised after the set time; the clock is moved."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from chorus.core.models import AuditEvent
from chorus.core.periodic import periodic_jobs
from chorus.people.models import ConsentPurpose, ConsentRecord, Person, PrivacyGrant, PrivacyLink
from chorus.people.services import consent_withdraw, people_retention_apply
from chorus.people.tasks import people_retention_run
from chorus.people.tests.factories import give_consent, make_person

pytestmark = pytest.mark.django_db

START = "2026-03-02 10:00 +0000"


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def test_the_job_is_scheduled() -> None:
    job = next(job for job in periodic_jobs() if job.name == "people.retention")
    assert job.task_path == "chorus.people.tasks.people_retention_run"


def test_a_person_with_no_purpose_is_anonymised_after_the_retention_period() -> None:
    period = settings.CHORUS_RETENTION_PERSON_DAYS
    with time_machine.travel(START, tick=False) as traveller:
        lapsed = make_person("lapsed@example.org", name="Lee Lapsed")
        subscribed = make_person("kept@example.org", name="Kit Kept")
        give_consent(subscribed)
        withdrew = make_person("withdrew@example.org", name="Wren Withdrew")
        give_consent(withdrew)
        traveller.shift(_days(period - 5))
        consent_withdraw(person=withdrew, purpose=ConsentPurpose.BULLETIN, via="unsubscribe")

        traveller.shift(_days(4))  # one day short of the period for the lapsed person
        assert people_retention_apply().people_anonymised == 0

        traveller.shift(_days(2))
        result = people_retention_apply()
        assert result.people_anonymised == 1
        lapsed.refresh_from_db()
        assert lapsed.erased_at is not None and lapsed.name == "" and lapsed.email_index is None
        subscribed.refresh_from_db()
        assert subscribed.erased_at is None and subscribed.name == "Kit Kept"
        withdrew.refresh_from_db()
        assert withdrew.erased_at is None  # the period counts from the withdrawal

        traveller.shift(_days(period))
        people_retention_run.enqueue()
        withdrew.refresh_from_db()
        assert withdrew.erased_at is not None
        assert ConsentRecord.objects.filter(person=withdrew).exists(), "the withdrawn agreement is kept"

    events = AuditEvent.objects.filter(action="people.retention.applied").order_by("id")
    assert [event.data["people_anonymised"] for event in events] == [0, 1, 1]


def test_a_person_other_records_point_at_is_left_to_those_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.models import Q

    from chorus.people import services

    # Every real reverse relation must build into a query that runs.
    assert Person.objects.filter(services._referenced_elsewhere()).count() == 0
    with time_machine.travel(START, tick=False) as traveller:
        signer = make_person("signer@example.org")
        loner = make_person("loner@example.org")
        # Stand in for another app's row (e.g. a signature) pointing at the signer.
        monkeypatch.setattr(services, "_referenced_elsewhere", lambda: Q(pk=signer.pk))
        traveller.shift(_days(settings.CHORUS_RETENTION_PERSON_DAYS + 1))
        assert people_retention_apply().people_anonymised == 1
    signer.refresh_from_db()
    loner.refresh_from_db()
    assert signer.erased_at is None and loner.erased_at is not None


def test_old_privacy_links_and_grants_are_deleted() -> None:
    with time_machine.travel(START, tick=False) as traveller:
        person = make_person()
        now = timezone.now()
        PrivacyLink.objects.create(person=person, token_hash="a" * 64, created_at=now, expires_at=now + _days(0))
        PrivacyGrant.objects.create(person=person, token_hash="b" * 64, created_at=now, expires_at=now)
        traveller.shift(_days(settings.CHORUS_RETENTION_PRIVACY_LINK_DAYS - 1))
        give_consent(person)  # keep the person themself
        assert people_retention_apply().links_deleted == 0
        traveller.shift(_days(2))
        result = people_retention_apply()
        assert (result.links_deleted, result.grants_deleted) == (1, 1)
        assert not PrivacyLink.objects.exists()

"""Existing people start with the last change the integration API's old subqueries would
have reported: their own save, an agreement given or withdrawn, or a bulletin status change."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from chorus.bulletin.models import Subscription, SubscriptionStatus
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.tests.factories import give_consent, make_person

pytestmark = pytest.mark.django_db

migration = importlib.import_module("chorus.people.migrations.0004_person_changed_at")


def test_each_person_starts_from_their_latest_change() -> None:
    start = timezone.now() - timedelta(days=30)
    with time_machine.travel(start, tick=False):
        quiet, consented, withdrawn, subscribed = (make_person(f"p{n}@example.org") for n in range(4))
    with time_machine.travel(start + timedelta(days=1), tick=False):
        give_consent(consented, ConsentPurpose.BULLETIN)
        give_consent(withdrawn, ConsentPurpose.BULLETIN)
    ConsentRecord.objects.filter(person=withdrawn).update(withdrawn_at=start + timedelta(days=2))
    Subscription.objects.create(
        person=subscribed, status=SubscriptionStatus.ACTIVE, status_changed_at=start + timedelta(days=3)
    )
    Person.objects.update(changed_at=start - timedelta(days=1))  # as if the column were new

    migration.fill_changed_at(apps, None)

    changed = dict(Person.objects.values_list("pk", "changed_at"))
    assert changed[quiet.pk] == Person.objects.get(pk=quiet.pk).updated_at == start
    assert changed[consented.pk] == start + timedelta(days=1)
    assert changed[withdrawn.pk] == start + timedelta(days=2)
    assert changed[subscribed.pk] == start + timedelta(days=3)

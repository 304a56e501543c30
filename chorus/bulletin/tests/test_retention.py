"""Ended subscriptions (unsubscribed, or suspended after bounces) are deleted after the set time.

The clock is moved with time_machine, as in the people app's retention tests.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from chorus.bulletin.models import (
    Bounce,
    BounceKind,
    BulletinIssue,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    Subscription,
    SubscriptionStatus,
)
from chorus.bulletin.selectors import issue_progress
from chorus.bulletin.services import bounces, lifecycle, retention, subscriptions
from chorus.bulletin.tasks import remove_ended
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.core.models import AuditEvent
from chorus.core.periodic import periodic_jobs
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.services import people_retention_apply, person_erase
from chorus.people.tests.factories import give_consent
from conftest import client_for

pytestmark = pytest.mark.django_db

START = "2026-03-02 10:00 +0000"


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _confirmed(email: str, name: str = "") -> Subscription:
    """An active subscriber with a recorded agreement, as the double opt-in leaves them."""
    subscription = make_subscriber(email, name=name, status=SubscriptionStatus.PENDING)
    return subscriptions.subscription_confirm(subscription=subscription)


def _suspend(subscription: Subscription) -> None:
    for _ in range(settings.BULLETIN_HARD_BOUNCE_LIMIT):
        bounces.bounce_record(email=subscription.person.email, kind=BounceKind.HARD, diagnostic="550 no such user")


def _reload(subscription: Subscription) -> Subscription:
    return Subscription.objects.get(pk=subscription.pk)


def test_the_job_runs_daily() -> None:
    job = next(job for job in periodic_jobs() if job.name == "bulletin-ended-cleanup")
    assert job.task_path == "chorus.bulletin.tasks.remove_ended"
    assert job.every == timedelta(days=1)


# --- when a subscription ends ------------------------------------------------------


def test_unsubscribing_marks_the_end_and_resubscribing_clears_it() -> None:
    with time_machine.travel(START, tick=False) as traveller:
        subscription = _confirmed("kim@example.org")
        assert subscription.ended_at is None
        subscriptions.subscription_unsubscribe(subscription=subscription, via="one-click unsubscribe")
        ended_at = _reload(subscription).ended_at
        assert ended_at is not None

        traveller.shift(_days(3))
        # Asking again from the form without confirming does not restart the clock.
        subscriptions.subscription_request(email="kim@example.org")
        assert _reload(subscription).status == SubscriptionStatus.PENDING
        assert _reload(subscription).ended_at == ended_at

        subscriptions.subscription_confirm(subscription=_reload(subscription))
        assert _reload(subscription).status == SubscriptionStatus.ACTIVE
        assert _reload(subscription).ended_at is None


def test_suspension_marks_the_end_and_reactivating_clears_it() -> None:
    subscription = _confirmed("gone@example.org")
    _suspend(subscription)
    assert _reload(subscription).status == SubscriptionStatus.SUSPENDED
    assert _reload(subscription).ended_at is not None
    subscriptions.subscription_resubscribe(subscription=_reload(subscription))
    assert _reload(subscription).status == SubscriptionStatus.ACTIVE
    assert _reload(subscription).ended_at is None


def test_pausing_is_not_an_end() -> None:
    subscription = _confirmed("rest@example.org")
    subscriptions.subscription_update(subscription=subscription, topic_ids=[], paused=True)
    assert _reload(subscription).status == SubscriptionStatus.PAUSED
    assert _reload(subscription).ended_at is None


# --- removal -------------------------------------------------------------------------


def test_only_subscriptions_ended_longer_ago_than_the_period_are_removed() -> None:
    period = settings.BULLETIN_RETENTION_ENDED_DAYS
    with time_machine.travel(START, tick=False) as traveller:
        active = _confirmed("active@example.org")
        paused = _confirmed("paused@example.org")
        subscriptions.subscription_update(subscription=paused, topic_ids=[], paused=True)
        pending = make_subscriber("pending@example.org", status=SubscriptionStatus.PENDING)
        left = _confirmed("left@example.org")
        subscriptions.subscription_unsubscribe(subscription=left, via="bulletin preferences page")
        bounced = _confirmed("bounced@example.org")
        _suspend(bounced)
        asked_again = _confirmed("again@example.org")
        subscriptions.subscription_unsubscribe(subscription=asked_again, via="one-click unsubscribe")

        traveller.shift(_days(2))
        recent = _confirmed("recent@example.org")
        subscriptions.subscription_unsubscribe(subscription=recent, via="one-click unsubscribe")

        traveller.shift(_days(period - 3))
        # They ask to come back just before the period ends: the link we send must keep working.
        subscriptions.subscription_request(email="again@example.org")

        traveller.shift(_days(1))  # exactly the period since the first ones ended: not yet
        assert retention.subscriptions_remove_ended() == 0

        traveller.shift(_days(1))
        assert retention.subscriptions_remove_ended(batch_size=1) == 2  # several batches

    remaining = set(Subscription.objects.values_list("pk", flat=True))
    assert remaining == {active.pk, paused.pk, pending.pk, asked_again.pk, recent.pk}
    assert not Bounce.objects.filter(subscription_id=bounced.pk).exists()
    # The people stay: whether to keep them is the people app's decision.
    assert Person.objects.filter(pk__in=[left.person_id, bounced.person_id], erased_at__isnull=True).count() == 2
    events = AuditEvent.objects.filter(action="bulletin.subscription.ended_removed")
    assert sorted(event.data["count"] for event in events) == [1, 1]


def test_the_task_removes_them_too() -> None:
    with time_machine.travel(START, tick=False) as traveller:
        left = _confirmed("left@example.org")
        subscriptions.subscription_unsubscribe(subscription=left, via="one-click unsubscribe")
        traveller.shift(_days(settings.BULLETIN_RETENTION_ENDED_DAYS + 1))
        remove_ended.enqueue()
    assert not Subscription.objects.exists()


def test_figures_for_sent_issues_are_unchanged() -> None:
    issue = make_issue(make_index())
    with time_machine.travel(START, tick=False) as traveller:
        stays = _confirmed("stays@example.org")
        leaves = _confirmed("leaves@example.org")
        refused = _confirmed("refused@example.org")
        bounced = _confirmed("bounced@example.org")
        doubtful = _confirmed("doubtful@example.org")
        lifecycle.deliveries_freeze(issue=issue)
        outcomes = {
            stays: DeliveryStatus.SENT,
            leaves: DeliveryStatus.SENT,
            refused: DeliveryStatus.FAILED,
            bounced: DeliveryStatus.SENT,
            doubtful: DeliveryStatus.IN_DOUBT,
        }
        for subscription, status in outcomes.items():
            Delivery.objects.filter(issue=issue, subscription=subscription).update(status=status)
        BulletinIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SENT)
        before = issue_progress(issue_id=issue.pk)
        assert (before.total, before.sent, before.failed, before.in_doubt) == (5, 3, 1, 1)

        for subscription in (leaves, refused, doubtful):
            subscriptions.subscription_unsubscribe(subscription=subscription, via="one-click unsubscribe")
        _suspend(bounced)
        traveller.shift(_days(settings.BULLETIN_RETENTION_ENDED_DAYS + 1))
        assert retention.subscriptions_remove_ended() == 4

    assert issue_progress(issue_id=issue.pk) == before
    assert list(Subscription.objects.all()) == [stays]
    # The kept rows say what happened to a message, and no longer whose it was.
    assert Delivery.objects.filter(issue=issue, subscription__isnull=True).count() == 4


def test_a_detached_delivery_in_doubt_is_shown_without_an_address_and_skipped_if_resent(
    administrator: Any,
) -> None:
    from chorus.bulletin.sending import SendOptions, run_worker

    issue = make_issue(make_index())
    with time_machine.travel(START, tick=False) as traveller:
        doubtful = _confirmed("doubtful@example.org")
        lifecycle.deliveries_freeze(issue=issue)
        Delivery.objects.update(status=DeliveryStatus.IN_DOUBT)
        BulletinIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SENT)
        subscriptions.subscription_unsubscribe(subscription=doubtful, via="one-click unsubscribe")
        traveller.shift(_days(settings.BULLETIN_RETENTION_ENDED_DAYS + 1))
        retention.subscriptions_remove_ended()

    row = Delivery.objects.get()
    page = client_for(administrator).get(reverse("bulletin_admin:reconciliation", args=[issue.pk]))
    assert b"Subscription removed" in page.content and b"doubtful@example.org" not in page.content
    lifecycle.deliveries_reconcile(issue=issue, delivery_ids=[row.pk], outcome="resend", actor=None)
    run_worker(issue_id=issue.pk, options=SendOptions(messages_per_second=0))
    row.refresh_from_db()
    assert (row.status, row.error) == (DeliveryStatus.SKIPPED, "subscription removed")
    assert mail.outbox == []


# --- the person afterwards -----------------------------------------------------------


def _wait() -> int:
    return max(settings.BULLETIN_RETENTION_ENDED_DAYS, settings.CHORUS_RETENTION_PERSON_DAYS) + 1


def test_someone_who_unsubscribed_is_anonymised_once_both_jobs_have_run() -> None:
    with time_machine.travel(START, tick=False) as traveller:
        subscription = _confirmed("leaving@example.org", name="Lou Leaving")
        subscriptions.subscription_unsubscribe(subscription=subscription, via="one-click unsubscribe")
        person = subscription.person
        traveller.shift(_days(_wait()))

        # While the subscription exists, the people job must leave the person alone.
        assert people_retention_apply().people_anonymised == 0
        retention.subscriptions_remove_ended()
        assert people_retention_apply().people_anonymised == 1

    person.refresh_from_db()
    assert person.erased_at is not None
    assert (person.email, person.name, person.email_index) == ("", "", None)


def test_someone_suspended_is_anonymised_after_their_agreement_is_closed() -> None:
    with time_machine.travel(START, tick=False) as traveller:
        subscription = _confirmed("bouncing@example.org", name="Bo Bouncing")
        _suspend(subscription)
        person = subscription.person
        # Suspension is not the person's choice, so their agreement stays open until removal.
        assert ConsentRecord.objects.get(person=person).withdrawn_at is None
        traveller.shift(_days(_wait()))
        retention.subscriptions_remove_ended()
        consent = ConsentRecord.objects.get(person=person)
        assert consent.withdrawn_via == "bulletin subscription removed after it ended"

        # The people app counts its own period from the end of the last agreement.
        assert people_retention_apply().people_anonymised == 0
        traveller.shift(_days(settings.CHORUS_RETENTION_PERSON_DAYS + 1))
        assert people_retention_apply().people_anonymised == 1

    person.refresh_from_db()
    assert person.erased_at is not None and person.email == "" and person.name == ""


def test_an_agreement_given_after_the_end_is_not_closed() -> None:
    with time_machine.travel(START, tick=False) as traveller:
        subscription = _confirmed("signer@example.org")
        _suspend(subscription)
        traveller.shift(_days(5))
        # Later they tick "send me the bulletin" on a petition: a new choice of theirs.
        later = give_consent(subscription.person, ConsentPurpose.BULLETIN, version="petition-1")
        traveller.shift(_days(settings.BULLETIN_RETENTION_ENDED_DAYS))
        assert retention.subscriptions_remove_ended() == 1

    first = ConsentRecord.objects.exclude(pk=later.pk).get(person=subscription.person)
    assert first.withdrawn_at is not None
    later.refresh_from_db()
    assert later.withdrawn_at is None


def test_erasing_a_reader_keeps_the_figures_of_issues_they_were_sent() -> None:
    issue = make_issue(make_index())
    erased = _confirmed("erase-me@example.org")
    _confirmed("stays@example.org")
    lifecycle.deliveries_freeze(issue=issue)
    Delivery.objects.filter(issue=issue).update(status=DeliveryStatus.SENT)
    BulletinIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SENT)
    before = issue_progress(issue_id=issue.pk)
    assert (before.total, before.sent) == (2, 2)

    person_erase(person=erased.person, via="privacy page")

    assert issue_progress(issue_id=issue.pk) == before
    assert not Subscription.objects.filter(pk=erased.pk).exists()
    assert Delivery.objects.filter(issue=issue, subscription__isnull=True).count() == 1

"""Subscribing, confirming, unsubscribing, bounces, composing and the life of an issue."""

from __future__ import annotations

import email
import re
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chorus.bulletin import privacy
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
from chorus.bulletin.selectors import subscription_for_confirm_token
from chorus.bulletin.services import bounces, drafts, lifecycle, retention, subscriptions
from chorus.bulletin.tests.factories import area_section, make_index, make_issue, make_subscriber, mark_sending
from chorus.bulletin.tokens import read_manage_token
from chorus.core.digest import DigestItem
from chorus.core.models import AuditEvent
from chorus.core.sections import BULLETIN_DRAFT, Contribution, DraftSource
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.people.models import ConsentPurpose, ConsentRecord
from chorus.people.selectors import person_find_by_email

pytestmark = pytest.mark.django_db


def _confirm_token_from(message: Any) -> str:
    line = next(line for line in message.body.splitlines() if "/bulletin/confirm/" in line)
    return line.strip().rstrip("/").rsplit("/", 1)[-1]


def _parsed(message: Any) -> EmailMessage:
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.fixture
def areas() -> list[Any]:
    home = make_site()
    index = PriorityAreaIndexPageFactory(parent=home)
    return [PriorityAreaPageFactory(parent=index, title="Rights"), PriorityAreaPageFactory(parent=index, title="Data")]


# --- subscribing -------------------------------------------------------------------


def subscribe(capture: Any, email: str, **kwargs: Any) -> None:
    """The subscribe form's request, then the outbox run its commit asks for."""
    with capture(execute=True):
        subscriptions.subscription_request_queue(email=email, **kwargs)


def test_subscribe_then_confirm_activates_and_records_exact_consent(
    areas: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(django_capture_on_commit_callbacks, "Robin@Example.org", name="Robin", topic_ids=[areas[0].pk])
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.PENDING
    assert list(subscription.topics.all()) == [areas[0]]
    assert not ConsentRecord.objects.exists()  # nothing is agreed until they confirm
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Robin@Example.org"]
    assert "Robin" not in mail.outbox[0].body  # a name typed by anyone is never repeated to the address
    token = _confirm_token_from(mail.outbox[0])
    assert subscription_for_confirm_token(token=token) == subscription

    subscriptions.subscription_confirm(subscription=subscription)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.confirmed_at is not None
    consent = ConsentRecord.objects.get(person=subscription.person, purpose=ConsentPurpose.BULLETIN)
    assert consent.wording == subscriptions.CONSENT_WORDING
    assert consent.wording_version == subscriptions.CONSENT_WORDING_VERSION
    assert AuditEvent.objects.filter(action="bulletin.subscription.confirmed", object_id=str(subscription.pk)).exists()
    # Once confirmed, the link starts nothing again.
    assert subscription_for_confirm_token(token=token) is None


def test_an_old_confirmation_link_cannot_resubscribe_someone_who_unsubscribed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(django_capture_on_commit_callbacks, "kim@example.org")
    token = _confirm_token_from(mail.outbox[0])
    subscription = subscription_for_confirm_token(token=token)
    assert subscription is not None
    subscriptions.subscription_confirm(subscription=subscription)
    subscriptions.subscription_unsubscribe(subscription=subscription, via="one-click unsubscribe")
    assert subscription_for_confirm_token(token=token) is None
    response = Client().post(reverse("bulletin:confirm", args=[token]))
    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED


def test_a_newer_request_replaces_the_link_sent_for_an_older_one(django_capture_on_commit_callbacks: Any) -> None:
    subscribe(django_capture_on_commit_callbacks, "lee@example.org")
    first = _confirm_token_from(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        subscribe(django_capture_on_commit_callbacks, "lee@example.org")
    second = _confirm_token_from(mail.outbox[1])
    assert subscription_for_confirm_token(token=first) is None
    assert subscription_for_confirm_token(token=second) is not None


def test_subscribing_an_active_address_changes_nothing_and_tells_the_owner_by_email(
    areas: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    subscription = make_subscriber("sam@example.org", topics=[areas[1]])
    subscribe(django_capture_on_commit_callbacks, "SAM@example.org ", topic_ids=[areas[0].pk])
    assert Subscription.objects.count() == 1
    again = Subscription.objects.get()
    assert again.pk == subscription.pk
    assert again.status == SubscriptionStatus.ACTIVE
    assert list(again.topics.all()) == [areas[1]]  # a stranger cannot change them
    assert len(mail.outbox) == 1
    assert "already" in mail.outbox[0].subject
    assert "/bulletin/confirm/" not in mail.outbox[0].body
    assert "/bulletin/preferences/" in mail.outbox[0].body


def test_repeated_requests_do_not_flood_an_address(django_capture_on_commit_callbacks: Any) -> None:
    for _ in range(5):
        subscribe(django_capture_on_commit_callbacks, "flood@example.org")
    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 3
    # The link last sent still works: requests that sent nothing did not replace it.
    assert subscription_for_confirm_token(token=_confirm_token_from(mail.outbox[-1])) is not None


def test_the_subscribe_request_does_the_same_work_whoever_the_address_belongs_to(
    areas: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    make_subscriber("known@example.org")
    statements = []
    for address in ("known@example.org", "unknown@example.org"):
        with CaptureQueriesContext(connection) as queries:
            subscriptions.subscription_request_queue(email=address, topic_ids=[areas[0].pk])
        # The statements' shape: values (encrypted differently each time) left out.
        statements.append([re.sub(r"'[^']*'|\d+", "?", query["sql"]) for query in queries.captured_queries])
    assert statements[0] == statements[1]
    assert not any("people_person" in sql for sql in statements[0])  # no lookup while they wait


def test_unsubscribe_withdraws_consent_and_is_safe_to_repeat() -> None:
    subscription = make_subscriber("kim@example.org")
    subscriptions.subscription_confirm(subscription=Subscription.objects.get(pk=subscription.pk))
    subscriptions.subscription_unsubscribe(subscription=subscription, via="one-click unsubscribe")
    subscriptions.subscription_unsubscribe(subscription=subscription, via="one-click unsubscribe")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert AuditEvent.objects.filter(action="bulletin.subscription.unsubscribed").count() == 1


def test_confirmed_then_unsubscribed_consent_is_withdrawn() -> None:
    subscription = make_subscriber("lee@example.org", status=SubscriptionStatus.PENDING)
    subscriptions.subscription_confirm(subscription=subscription)
    subscriptions.subscription_unsubscribe(subscription=subscription, via="bulletin preferences page")
    consent = ConsentRecord.objects.get(person=subscription.person, purpose=ConsentPurpose.BULLETIN)
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_via == "bulletin preferences page"


def test_preferences_change_topics_and_pause(areas: list[Any]) -> None:
    subscription = make_subscriber("ali@example.org")
    subscriptions.subscription_update(subscription=subscription, topic_ids=[areas[1].pk], paused=True)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PAUSED
    assert list(subscription.topics.all()) == [areas[1]]
    subscriptions.subscription_update(subscription=subscription, topic_ids=[], paused=False)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.topics.count() == 0


def test_repeated_hard_bounces_suspend_and_the_subscriber_can_reactivate() -> None:
    subscription = make_subscriber("gone@example.org")
    assert bounces.bounce_record(email="gone@example.org", kind=BounceKind.HARD, diagnostic="550 no such user")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    bounces.bounce_record(email="GONE@example.org", kind=BounceKind.HARD)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.SUSPENDED
    assert subscription.hard_bounces == 2
    assert Bounce.objects.filter(subscription=subscription, kind=BounceKind.HARD).count() == 2
    assert AuditEvent.objects.filter(action="bulletin.subscription.suspended").exists()

    subscriptions.subscription_resubscribe(subscription=subscription)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.hard_bounces == 0
    assert AuditEvent.objects.filter(action="bulletin.subscription.reactivated").exists()


def test_soft_bounces_suspend_only_after_several() -> None:
    subscription = make_subscriber("full@example.org")
    for _ in range(4):
        bounces.bounce_record(email="full@example.org", kind=BounceKind.SOFT)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    bounces.bounce_record(email="full@example.org", kind=BounceKind.SOFT)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.SUSPENDED


def test_bounce_for_unknown_address_is_ignored() -> None:
    assert bounces.bounce_record(email="stranger@example.org", kind=BounceKind.HARD) is None


def test_unconfirmed_requests_are_removed_after_two_weeks() -> None:
    old = make_subscriber("old@example.org", status=SubscriptionStatus.PENDING)
    Subscription.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    make_subscriber("new@example.org", status=SubscriptionStatus.PENDING)
    assert retention.subscriptions_remove_unconfirmed() == 1
    assert Subscription.objects.count() == 1


# --- composing ---------------------------------------------------------------------

CALLS: list[tuple[datetime, datetime]] = []


def fake_source(*, since: datetime, until: datetime) -> list[DigestItem]:
    CALLS.append((since, until))
    from chorus.pages.models import PriorityAreaPage

    rights = PriorityAreaPage.objects.get(title="Rights")
    return [
        DigestItem(section="New from the network", title="A briefing", url="/news/b/", priority_area_ids=(rights.pk,)),
        DigestItem(section="Closing soon", title="A consultation", url="/tracker/c/", summary="Closes Friday"),
    ]


def broken_source(*, since: datetime, until: datetime) -> list[DigestItem]:
    raise RuntimeError("source is down")


def draft_contribution(source: DraftSource, *, name: str, order: int) -> Contribution[DraftSource]:
    return Contribution(name=name, label=name, order=order, source=source)


def test_weekly_draft_assembles_itself_grouped_by_priority_area_once_a_week(areas: list[Any]) -> None:
    make_index(home=areas[0].get_parent().get_parent().specific)
    # A broken source does not stop the draft: editors see what came through.
    sources = [
        draft_contribution(broken_source, name="tests.broken", order=20),
        draft_contribution(fake_source, name="tests.fake", order=10),
    ]
    with BULLETIN_DRAFT.replaced(sources):
        issue = drafts.issue_draft_assemble()
    assert issue is not None
    assert issue.status == IssueStatus.DRAFT
    assert not issue.live
    headings = [block.value["heading"] for block in issue.sections]
    assert headings == ["Rights", "Closing soon"]
    assert [item["title"] for item in issue.sections[0].value["items"]] == ["A briefing"]
    # The area's section is for those who chose it; the item tied to no area is for everyone.
    assert [block.value["priority_area"] for block in issue.sections] == [areas[0], None]
    assert issue.get_latest_revision() is not None
    with BULLETIN_DRAFT.replaced(sources):
        assert drafts.issue_draft_assemble() is None  # not twice in one week


def test_the_draft_gathers_what_each_app_registered_in_order() -> None:
    """News, campaigns, the tracker and grants each register their items in ready(), not in settings."""
    assert [contribution.name for contribution in BULLETIN_DRAFT.contributions()] == [
        "news.new_articles",
        "campaigns.open_actions",
        "tracker.closing_soon",
        "grants.open_rounds",
    ]


# --- sending -----------------------------------------------------------------------


@pytest.fixture
def index() -> Any:
    return make_index()


def test_sending_freezes_topic_filtered_recipients_and_sends_multipart_personalised_mail(
    areas: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    index = make_index(home=areas[0].get_parent().get_parent().specific)
    # Only sections for one area: subscribers who chose only another area have nothing to get.
    issue = make_issue(
        index,
        sections=[
            area_section(areas[0], [("Our response to the data plan", "/news/data-plan/")], heading="Rights"),
            area_section(areas[0], [("Coalition statement", "https://coalition.example.org/s")], heading="More"),
        ],
    )
    everything = make_subscriber("all@example.org", name="Robin")
    rights = make_subscriber("rights@example.org", topics=[areas[0]])
    make_subscriber("data@example.org", topics=[areas[1]])
    make_subscriber("paused@example.org", status=SubscriptionStatus.PAUSED)
    make_subscriber("pending@example.org", status=SubscriptionStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        count = lifecycle.issue_send(issue=issue)
    assert count == 2
    assert set(Delivery.objects.values_list("subscription_id", flat=True)) == {everything.pk, rights.pk}
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["all@example.org", "rights@example.org"]

    message = next(m for m in mail.outbox if m.to == ["all@example.org"])
    parsed = _parsed(message)
    assert parsed.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in parsed.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    unsubscribe = parsed["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
    assert "/bulletin/unsubscribe/" in unsubscribe
    token = unsubscribe.rstrip("/>").rsplit("/", 1)[-1]
    assert read_manage_token(token) == everything.pk
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Subject"] == issue.title
    text = parsed.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = parsed.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "Hello Robin," in text and "Hello Robin," in html
    assert "/bulletin/preferences/" in text and "/bulletin/preferences/" in html
    assert unsubscribe[1:-1] in text
    # No tracking: no images at all, links go straight to their pages.
    assert "<img" not in html.lower()
    assert 'href="http://127.0.0.1:8000/news/data-plan/"' in html or "/news/data-plan/" in html
    assert 'href="https://coalition.example.org/s"' in html
    assert re.search(r"<h1[ >]", html) and re.search(r"<h2[ >]", html)
    assert len(message.message().as_bytes()) < 20_000
    other = _parsed(next(m for m in mail.outbox if m.to == ["rights@example.org"]))
    assert "Hello," in other.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="bulletin.issue.sent", object_id=str(issue.pk)).exists()


def test_an_unpublished_issue_cannot_be_sent(index: Any) -> None:
    issue = make_issue(index, publish=False)
    with pytest.raises(lifecycle.IssueStateError):
        lifecycle.issue_send(issue=issue)


def test_a_subscriber_who_leaves_after_the_freeze_is_skipped(index: Any) -> None:
    from chorus.bulletin.sending import SendOptions, run_worker

    issue = make_issue(index)
    leaver = make_subscriber("leaver@example.org")
    make_subscriber("stayer@example.org")
    lifecycle.deliveries_freeze(issue=issue)
    mark_sending(issue)
    subscriptions.subscription_unsubscribe(subscription=leaver, via="test")
    run_worker(issue_id=issue.pk, options=SendOptions(messages_per_second=0))
    assert [m.to for m in mail.outbox] == [["stayer@example.org"]]
    assert Delivery.objects.get(subscription=leaver).status == DeliveryStatus.SKIPPED


def test_freezing_twice_adds_nobody_twice(index: Any) -> None:
    issue = make_issue(index)
    for n in range(7):
        make_subscriber(f"s{n}@example.org")
    assert lifecycle.deliveries_freeze(issue=issue, chunk_size=3) == 7
    lifecycle.deliveries_freeze(issue=issue, chunk_size=3)
    assert Delivery.objects.filter(issue=issue).count() == 7


def test_claims_are_disjoint_and_limited_by_concurrency(index: Any) -> None:
    from chorus.bulletin.sending import SendOptions, claim_batch

    issue = make_issue(index)
    for n in range(10):
        make_subscriber(f"c{n}@example.org")
    lifecycle.deliveries_freeze(issue=issue)
    mark_sending(issue)
    options = SendOptions(batch_size=4, concurrency=2)
    first = claim_batch(issue_id=issue.pk, worker="w1", options=options)
    second = claim_batch(issue_id=issue.pk, worker="w2", options=options)
    third = claim_batch(issue_id=issue.pk, worker="w3", options=options)
    assert len(first) == 4 and len(second) == 4
    assert not set(first) & set(second)
    assert third == []  # two batches already in flight
    BulletinIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.PAUSED)
    assert claim_batch(issue_id=issue.pk, worker="w4", options=SendOptions(concurrency=9)) == []


def test_only_the_worker_holding_the_claim_can_mark_a_delivery_sent(index: Any) -> None:
    from chorus.bulletin.sending import SendOptions, _mark_sent, claim_batch, deliveries_recover_stale

    issue = make_issue(index)
    for n in range(3):
        make_subscriber(f"m{n}@example.org")
    lifecycle.deliveries_freeze(issue=issue)
    mark_sending(issue)
    first, second, third = claim_batch(issue_id=issue.pk, worker="w", options=SendOptions())
    Delivery.objects.filter(pk=first).update(error="an old error")

    before = timezone.now()
    assert _mark_sent(first, "w")
    sent = Delivery.objects.get(pk=first)
    assert (sent.status, sent.error, sent.claimed_by) == (DeliveryStatus.SENT, "", "w")
    assert sent.sent_at is not None and sent.sent_at >= before - timedelta(seconds=1)
    assert not _mark_sent(first, "w")  # already sent: nothing changes twice
    assert not _mark_sent(second, "someone else")

    # The claim goes stale and is recovered while the worker still runs: it must not mark anything.
    Delivery.objects.filter(claimed_by="w", status=DeliveryStatus.CLAIMED).update(
        claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert deliveries_recover_stale(timeout=60) == (1, 1)
    assert not _mark_sent(second, "w")
    assert not _mark_sent(third, "w")
    statuses = [Delivery.objects.get(pk=pk).status for pk in (first, second, third)]
    assert statuses == [DeliveryStatus.SENT, DeliveryStatus.IN_DOUBT, DeliveryStatus.QUEUED]


def test_stale_batch_marks_only_the_message_in_flight_in_doubt(index: Any) -> None:
    from chorus.bulletin.sending import deliveries_recover_stale

    issue = make_issue(index)
    for n in range(5):
        make_subscriber(f"r{n}@example.org")
    lifecycle.deliveries_freeze(issue=issue)
    rows = list(Delivery.objects.order_by("pk"))
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=rows[0].pk).update(status=DeliveryStatus.SENT, claimed_by="dead", claimed_at=long_ago)
    Delivery.objects.filter(pk__in=[r.pk for r in rows[1:4]]).update(
        status=DeliveryStatus.CLAIMED, claimed_by="dead", claimed_at=long_ago
    )
    Delivery.objects.filter(pk=rows[4].pk).update(
        status=DeliveryStatus.CLAIMED, claimed_by="alive", claimed_at=timezone.now()
    )
    assert deliveries_recover_stale(timeout=60) == (1, 2)
    statuses = [Delivery.objects.get(pk=r.pk).status for r in rows]
    assert statuses == ["sent", "in_doubt", "queued", "queued", "claimed"]
    assert AuditEvent.objects.filter(action="bulletin.delivery.recovered").exists()


@override_settings(
    MAILERS={"default": {"BACKEND": "chorus.bulletin.tests.mailers.FlakyBackend"}},
    BULLETIN_ERROR_MIN_ATTEMPTS=4,
    BULLETIN_ERROR_THRESHOLD_PERCENT=50,
)
def test_refusals_fail_and_too_many_pause_the_send(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    issue = make_issue(index)
    for n in range(6):
        make_subscriber(f"refuse{n}@example.org")
    make_subscriber("ok@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.issue_send(issue=issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PAUSED
    assert issue.paused_reason.startswith("Paused automatically")
    assert Delivery.objects.filter(status=DeliveryStatus.FAILED).count() == 6
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 1

    with (
        override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lifecycle.issue_resume(issue=issue, actor=None)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 7
    assert AuditEvent.objects.filter(action="bulletin.issue.resumed").exists()


@override_settings(MAILERS={"default": {"BACKEND": "chorus.bulletin.tests.mailers.FlakyBackend"}})
def test_a_lost_connection_puts_that_message_in_doubt_and_releases_the_rest(index: Any) -> None:
    from chorus.bulletin.emails import IssueEditions
    from chorus.bulletin.sending import Pacer, SendOptions, claim_batch, send_batch

    issue = make_issue(index)
    make_subscriber("a@example.org")
    make_subscriber("drop@example.org")
    make_subscriber("c@example.org")
    lifecycle.deliveries_freeze(issue=issue)
    mark_sending(issue)
    options = SendOptions(messages_per_second=0)
    ids = claim_batch(issue_id=issue.pk, worker="w", options=options)
    result = send_batch(
        issue=issue, delivery_ids=ids, worker="w", editions=IssueEditions(issue), options=options, pacer=Pacer(0)
    )
    assert (result.sent, result.in_doubt, result.released) == (1, 1, 1)
    assert [Delivery.objects.get(pk=pk).status for pk in ids] == ["sent", "in_doubt", "queued"]


def test_pause_stops_new_batches_and_reconcile_resolves_doubt(
    index: Any, administrator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    issue = make_issue(index)
    subs = [make_subscriber(f"p{n}@example.org") for n in range(3)]
    lifecycle.deliveries_freeze(issue=issue)
    mark_sending(issue)
    lifecycle.issue_pause(issue=issue, actor=administrator)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PAUSED
    with pytest.raises(lifecycle.IssueStateError):
        lifecycle.issue_pause(issue=issue)

    doubtful = Delivery.objects.filter(subscription__in=subs[:2])
    doubtful.update(status=DeliveryStatus.IN_DOUBT)
    ids = list(doubtful.values_list("pk", flat=True))
    assert lifecycle.deliveries_reconcile(issue=issue, delivery_ids=ids[:1], outcome="sent", actor=administrator) == 1
    assert (
        lifecycle.deliveries_reconcile(issue=issue, delivery_ids=ids[1:], outcome="resend", actor=administrator) == 1
    )
    assert Delivery.objects.get(pk=ids[0]).status == DeliveryStatus.SENT
    assert Delivery.objects.get(pk=ids[1]).status == DeliveryStatus.QUEUED
    assert AuditEvent.objects.filter(action="bulletin.delivery.reconciled").count() == 2


def test_schedule_then_the_scheduler_starts_it(index: Any, editor: Any) -> None:
    from chorus.bulletin import tasks

    issue = make_issue(index)
    make_subscriber("sched@example.org")
    lifecycle.issue_schedule(issue=issue, when=timezone.now() + timedelta(hours=1), actor=editor)
    tasks.start_scheduled_issues.call()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    BulletinIssue.objects.filter(pk=issue.pk).update(scheduled_for=timezone.now() - timedelta(minutes=1))
    tasks.start_scheduled_issues.call()
    issue.refresh_from_db()
    assert issue.status in {IssueStatus.SENDING, IssueStatus.SENT}
    assert Delivery.objects.filter(issue=issue).count() == 1


def test_publishing_an_old_revision_does_not_rewind_the_send_state(index: Any) -> None:
    issue = make_issue(index)
    revision = issue.get_latest_revision()
    BulletinIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SENT)
    revision.publish()
    assert BulletinIssue.objects.get(pk=issue.pk).status == IssueStatus.SENT


# --- privacy -----------------------------------------------------------------------


def test_privacy_lists_and_erases_the_subscription(index: Any) -> None:
    subscription = make_subscriber("me@example.org", name="Me")
    bounces.bounce_record(email="me@example.org", kind=BounceKind.SOFT)
    person = person_find_by_email(email="me@example.org")
    assert person is not None
    groups = privacy.data_held(person)
    assert groups and groups[0].title == "The weekly members' bulletin"
    labels = [item.label for item in groups[0].items]
    assert "Topics" in labels and "Messages that came back" in labels
    report = privacy.erase(person)
    assert report.erased == 2
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert privacy.data_held(person) == []


def test_demo_is_idempotent() -> None:
    from chorus.bulletin import demo

    make_site()
    first = demo.load()
    second = demo.load()
    assert "2 past bulletins" in first
    assert second.startswith("0 past bulletins, 0 demo subscribers")
    assert BulletinIssue.objects.filter(status=IssueStatus.SENT).count() == 2


def test_a_batch_claimed_before_a_pause_goes_back_to_the_queue(index: Any) -> None:
    from chorus.bulletin.emails import IssueEditions
    from chorus.bulletin.sending import Pacer, SendOptions, claim_batch, send_batch

    issue = make_issue(index)
    for n in range(3):
        make_subscriber(f"q{n}@example.org")
    lifecycle.deliveries_freeze(issue=issue)
    mark_sending(issue)
    options = SendOptions(messages_per_second=0)
    ids = claim_batch(issue_id=issue.pk, worker="w", options=options)
    lifecycle.issue_pause(issue=issue)
    result = send_batch(
        issue=issue, delivery_ids=ids, worker="w", editions=IssueEditions(issue), options=options, pacer=Pacer(0)
    )
    assert (result.sent, result.released, result.stopped) == (0, 3, "issue paused")
    assert not mail.outbox
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.QUEUED}


def test_copying_a_sent_issue_makes_a_fresh_draft(index: Any) -> None:
    sent = make_issue(index, status=IssueStatus.SENT)
    copy = sent.copy(update_attrs={"slug": "copy", "title": "Next week"})
    copy = BulletinIssue.objects.get(pk=copy.pk)
    assert copy.status == IssueStatus.DRAFT
    assert copy.send_started_at is None


def test_the_issue_workflow_is_the_table_the_engine_runs(
    index: Any, monkeypatch: pytest.MonkeyPatch, editor: Any
) -> None:
    # The lifecycle hands the engine the declared table: take a move out and it is refused.
    from dataclasses import replace

    from chorus.bulletin.workflow import ISSUE_WORKFLOW
    from chorus.core.workflow import Workflow

    issue = make_issue(index)
    without_scheduling = Workflow(
        model=ISSUE_WORKFLOW.model,
        state_field="status",
        audit_action=ISSUE_WORKFLOW.audit_action,
        transitions=tuple(
            replace(t, sources=frozenset()) if t.name == "scheduled" else t for t in ISSUE_WORKFLOW.transitions
        ),
    )
    monkeypatch.setattr(lifecycle, "ISSUE_WORKFLOW", without_scheduling)
    with pytest.raises(lifecycle.IssueStateError):
        lifecycle.issue_schedule(issue=issue, when=timezone.now() + timedelta(hours=1), actor=editor)
    monkeypatch.undo()
    lifecycle.issue_schedule(issue=issue, when=timezone.now() + timedelta(hours=1), actor=editor)
    event = AuditEvent.objects.get(action="bulletin.issue.scheduled")
    assert event.data["transition"] == "scheduled" and event.actor == editor


def test_a_person_without_the_send_permission_cannot_move_an_issue(index: Any, caseworker: Any) -> None:
    issue = make_issue(index)
    with pytest.raises(PermissionDenied):
        lifecycle.issue_schedule(issue=issue, when=timezone.now() + timedelta(hours=1), actor=caseworker)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert not AuditEvent.objects.filter(action__startswith="bulletin.issue.").exists()

"""A double-clicked Send, Schedule, Resume or "send again" sends each subscriber one copy (issue 20).

These actions need no one-time key: each is guarded by the issue's state, read under a
row lock (docs/decisions/0019). A second Send finds the issue sending or sent and is
refused; a second Resume finds it no longer paused; scheduling twice schedules one send;
reconciling twice finds no delivery left in doubt.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from chorus.bulletin import tasks
from chorus.bulletin.models import BulletinIssue, Delivery, DeliveryStatus, IssueStatus
from chorus.bulletin.services import lifecycle
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.core.models import AuditEvent
from conftest import client_for

pytestmark = pytest.mark.django_db

READERS = ["reader1@example.org", "reader2@example.org"]


@pytest.fixture
def issue() -> BulletinIssue:
    for address in READERS:
        make_subscriber(address)
    return make_issue(make_index())


def _action(client: Any, issue: BulletinIssue, data: dict[str, Any]) -> Any:
    return client.post(reverse("bulletin_admin:action", args=[issue.pk]), data)


def _copies() -> Counter[str]:
    return Counter(message.to[0] for message in mail.outbox)


def test_send_pressed_twice_sends_each_subscriber_once(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(editor)
    send = {"action": "send", "revision": issue.live_revision_id, "confirmed": "1"}
    # The second press arrives while the first is still sending: its task has not run yet.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = _action(client, issue, send)
    with django_capture_on_commit_callbacks(execute=True):
        second = _action(client, issue, send)
    for callback in queued:
        callback()
    assert first.status_code == second.status_code == 302
    assert "already been sent or is sending" in client.get(second["Location"]).content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert Delivery.objects.filter(issue=issue).count() == len(READERS)
    assert _copies() == Counter(READERS)
    assert AuditEvent.objects.filter(action="bulletin.issue.sending").count() == 1


def test_schedule_pressed_twice_sends_once_when_the_time_comes(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(editor)
    for _ in range(2):
        assert _action(client, issue, {"action": "schedule", "when": "2031-01-06T09:00"}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    BulletinIssue.objects.filter(pk=issue.pk).update(scheduled_for=issue.scheduled_for.replace(year=2020))
    for _ in range(2):  # two schedulers, or one run twice
        with django_capture_on_commit_callbacks(execute=True):
            tasks.start_scheduled_issues.call()
    assert _copies() == Counter(READERS)
    assert AuditEvent.objects.filter(action="bulletin.issue.sending").count() == 1


def test_resume_pressed_twice_sends_each_subscriber_once(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        lifecycle.issue_send(issue=issue, actor=editor)  # its task never runs: the issue is paused first
    lifecycle.issue_pause(issue=issue, actor=editor)
    client = client_for(editor)
    responses = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(_action(client, issue, {"action": "resume"}))
    assert [r.status_code for r in responses] == [302, 302]
    assert "Only a paused issue can be resumed." in client.get(responses[1]["Location"]).content.decode()
    assert _copies() == Counter(READERS)
    assert AuditEvent.objects.filter(action="bulletin.issue.resumed").count() == 1


def test_send_again_pressed_twice_for_deliveries_in_doubt_sends_them_once(
    issue: BulletinIssue, administrator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.issue_send(issue=issue, actor=administrator)
    # A worker died mid-batch: whether these went is not known, and staff choose to send again.
    Delivery.objects.filter(issue=issue).update(status=DeliveryStatus.IN_DOUBT)
    mail.outbox.clear()
    ids = list(Delivery.objects.filter(issue=issue).values_list("pk", flat=True))
    client = client_for(administrator)
    url = reverse("bulletin_admin:reconciliation", args=[issue.pk])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, {"ids": ids, "outcome": "resend"}).status_code == 302
    assert _copies() == Counter(READERS)
    reconciled = AuditEvent.objects.filter(action="bulletin.delivery.reconciled").order_by("pk")
    assert [event.data["count"] for event in reconciled] == [len(READERS), 0]

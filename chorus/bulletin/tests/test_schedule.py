"""Scheduled sends: one that can no longer happen says so and tells who scheduled it; schedules can be cancelled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from chorus.bulletin import tasks
from chorus.bulletin.models import BulletinIssue, Delivery, IssueStatus
from chorus.bulletin.services import lifecycle
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.core.models import AuditEvent
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue() -> BulletinIssue:
    make_subscriber("reader@example.org")
    return make_issue(make_index())


def _schedule(issue: BulletinIssue, actor: Any) -> None:
    lifecycle.issue_schedule(issue=issue, when=timezone.now() + timedelta(hours=1), actor=actor)


def _time_comes(issue: BulletinIssue) -> None:
    BulletinIssue.objects.filter(pk=issue.pk).update(scheduled_for=timezone.now() - timedelta(minutes=1))


def _unpublish(issue: BulletinIssue) -> None:
    # Read afresh: Wagtail saves the whole row, and the send state must be today's.
    BulletinIssue.objects.get(pk=issue.pk).unpublish()


def _run_scheduler(capture: Any) -> None:
    with capture(execute=True):
        tasks.start_scheduled_issues.call()


# --- a scheduled send that can no longer happen ---------------------------------------


def test_an_issue_unpublished_after_scheduling_is_not_sent_and_the_screen_says_why(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _schedule(issue, editor)
    _unpublish(issue)
    _time_comes(issue)

    _run_scheduler(django_capture_on_commit_callbacks)

    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert issue.schedule_failed_reason == "The issue is not published: publish it before sending it."
    assert issue.scheduled_for is not None  # still says when it was due
    assert not Delivery.objects.filter(issue=issue).exists()
    event = AuditEvent.objects.get(action="bulletin.issue.schedule_failed")
    assert event.object_id == str(issue.pk)
    assert event.data["scheduled_by"] == editor.pk and "not published" in event.data["reason"]

    client = client_for(editor)
    detail = client.get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    assert "Not sent." in detail
    assert "The issue is not published: publish it before sending it." in detail
    listing = client.get(reverse("bulletin_admin:issues")).content.decode()
    assert "<strong>not sent</strong> at its scheduled time" in listing


def test_whoever_scheduled_it_is_emailed_once(
    issue: BulletinIssue, campaigner: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _schedule(issue, campaigner)
    _unpublish(issue)
    _time_comes(issue)

    _run_scheduler(django_capture_on_commit_callbacks)
    _run_scheduler(django_capture_on_commit_callbacks)  # the next minute's run finds nothing to do

    [message] = mail.outbox
    assert message.to == [campaigner.email]
    assert message.subject.startswith(f"Not sent: {issue.title}")
    assert "Why: The issue is not published: publish it before sending it." in message.body
    assert reverse("bulletin_admin:detail", args=[issue.pk]) in message.body
    assert "can no longer be told" not in message.body
    assert AuditEvent.objects.filter(action="bulletin.issue.schedule_failed").count() == 1
    emailed = AuditEvent.objects.get(action="bulletin.issue.schedule_failure_emailed")
    assert emailed.data == {"recipients": 1, "stand_ins": False}


def test_when_the_scheduler_has_left_everyone_who_may_send_is_told(
    issue: BulletinIssue,
    campaigner: Any,
    editor: Any,
    administrator: Any,
    caseworker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _schedule(issue, campaigner)
    campaigner.is_active = False
    campaigner.save()
    _unpublish(issue)
    _time_comes(issue)

    _run_scheduler(django_capture_on_commit_callbacks)

    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([editor.email, administrator.email])  # not the caseworker, not the one who left
    assert all("can no longer be told" in message.body for message in mail.outbox)


def test_no_email_if_the_issue_was_scheduled_again_before_the_email_went(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _schedule(issue, editor)
    _unpublish(issue)
    _time_comes(issue)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.start_scheduled_issues.call()
    BulletinIssue.objects.get(pk=issue.pk).save_revision().publish()
    _schedule(BulletinIssue.objects.get(pk=issue.pk), editor)
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_a_failed_schedule_is_cleared_by_sending(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _schedule(issue, editor)
    _unpublish(issue)
    _time_comes(issue)
    _run_scheduler(django_capture_on_commit_callbacks)
    BulletinIssue.objects.get(pk=issue.pk).save_revision().publish()

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.issue_send(issue=issue, actor=editor)

    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert issue.schedule_failed_reason == ""


def test_a_scheduled_issue_that_can_be_sent_still_starts(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _schedule(issue, editor)
    _time_comes(issue)
    _run_scheduler(django_capture_on_commit_callbacks)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert [message.to for message in mail.outbox] == [["reader@example.org"]]
    assert AuditEvent.objects.get(action="bulletin.issue.sending").screen == "scheduled job"


# --- cancelling a schedule ----------------------------------------------------------


def _post(client: Any, issue: BulletinIssue, action: str) -> Any:
    return client.post(reverse("bulletin_admin:action", args=[issue.pk]), {"action": action})


def test_cancel_the_schedule_from_the_sending_screen_and_it_never_sends(
    issue: BulletinIssue, editor: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _schedule(issue, editor)
    client = client_for(campaigner)
    detail = client.get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    assert 'name="action" value="cancel_schedule">Cancel the schedule</button>' in detail
    assert "scheduled by" in detail

    response = _post(client, issue, "cancel_schedule")
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.scheduled_for, issue.scheduled_by) == (IssueStatus.DRAFT, None, None)
    event = AuditEvent.objects.get(action="bulletin.issue.schedule_cancelled")
    assert event.actor == campaigner and event.data["was_due"]
    page = client.get(response["Location"]).content.decode()
    assert "Schedule cancelled." in page
    assert "Cancel the schedule</button>" not in page

    # When the time it was due comes, nothing happens.
    BulletinIssue.objects.filter(pk=issue.pk).update(scheduled_for=timezone.now() - timedelta(minutes=1))
    _run_scheduler(django_capture_on_commit_callbacks)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert not Delivery.objects.filter(issue=issue).exists()
    assert mail.outbox == []


def test_cancelling_twice_is_harmless(issue: BulletinIssue, editor: Any) -> None:
    _schedule(issue, editor)
    client = client_for(editor)
    _post(client, issue, "cancel_schedule")
    again = _post(client, issue, "cancel_schedule")
    assert again.status_code == 302
    assert "there was no schedule to cancel" in client.get(again["Location"]).content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert AuditEvent.objects.filter(action="bulletin.issue.schedule_cancelled").count() == 1


def test_a_schedule_cancelled_after_the_scheduler_looked_is_not_sent(issue: BulletinIssue, editor: Any) -> None:
    _schedule(issue, editor)
    _time_comes(issue)
    lifecycle.issue_schedule_cancel(issue=issue, actor=editor)
    assert lifecycle.issue_send_scheduled(issue_id=issue.pk) is None
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert issue.schedule_failed_reason == ""  # cancelled is not failed
    assert not Delivery.objects.filter(issue=issue).exists()


def test_a_schedule_moved_later_after_the_scheduler_looked_waits(issue: BulletinIssue, editor: Any) -> None:
    _schedule(issue, editor)
    due_then = timezone.now()
    assert lifecycle.issue_send_scheduled(issue_id=issue.pk, now=due_then) is None
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED


def test_no_schedule_to_cancel_once_sending_has_started(issue: BulletinIssue, editor: Any) -> None:
    lifecycle.issue_send(issue=issue, actor=editor)
    client = client_for(editor)
    response = _post(client, issue, "cancel_schedule")
    assert response.status_code == 302
    assert "no schedule to cancel" in client.get(response["Location"]).content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENDING
    assert not AuditEvent.objects.filter(action="bulletin.issue.schedule_cancelled").exists()

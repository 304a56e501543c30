"""One send, one version: publishing again mid-send, or after the sender's last look, changes nothing sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import dateformat, timezone
from wagtail.models import Revision

from chorus.bulletin import tasks
from chorus.bulletin.models import BulletinIssue, Delivery, IssueStatus
from chorus.bulletin.selectors import revision_published_at
from chorus.bulletin.sending import SendOptions, run_worker
from chorus.bulletin.services import lifecycle
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.bulletin.tokens import manage_token
from chorus.core.models import AuditEvent
from conftest import client_for

pytestmark = pytest.mark.django_db

REFUSED = "The issue was published again after you looked at it. Check the preview below, then send."
SCHEDULE_HINT = "The version published at that time is sent."
PUBLISHED_AGAIN = "Published again since: these changes are not in this send"
FIRST_INTRO = "Hello from the network."
SECOND_INTRO = "A correction published while the issue was on its way."


@pytest.fixture
def issue() -> BulletinIssue:
    return make_issue(make_index())


def _publish_again(issue: BulletinIssue, intro: str = SECOND_INTRO) -> int:
    # Read afresh, as the editor does: Wagtail saves the whole row when it publishes.
    page = BulletinIssue.objects.get(pk=issue.pk).get_latest_revision_as_object()
    page.intro = intro
    revision = page.save_revision()
    revision.publish()
    return int(revision.pk)


def _one_batch(issue: BulletinIssue) -> None:
    # A fresh worker each time (its own render cache), as another process would be.
    run_worker(issue_id=issue.pk, options=SendOptions(batch_size=2, messages_per_second=0), max_seconds=0)


def _all_batches(issue: BulletinIssue) -> None:
    run_worker(issue_id=issue.pk, options=SendOptions(batch_size=2, messages_per_second=0))


def _impersonal(message: Any) -> tuple[str, str, str]:
    """A message with its recipient's own links made common, so every recipient's can be compared."""
    token = next(
        manage_token(pk)
        for pk in Delivery.objects.values_list("subscription_id", flat=True)
        if manage_token(pk) in message.body
    )
    html = str(message.alternatives[0].content)
    return message.subject, message.body.replace(token, "TOKEN"), html.replace(token, "TOKEN")


def _detail(user: Any, issue: BulletinIssue) -> str:
    response = client_for(user).get(reverse("bulletin_admin:detail", args=[issue.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def _when(revision_id: int, issue: BulletinIssue | None = None) -> str:
    published = revision_published_at(revision_id=revision_id, before=issue.send_started_at if issue else None)
    assert published is not None
    return dateformat.format(timezone.localtime(published), "j M Y \\a\\t H:i")


# --- every batch sends the version fixed when sending started ----------------------------


def test_publishing_mid_send_does_not_change_what_later_batches_send(issue: BulletinIssue) -> None:
    for n in range(6):
        make_subscriber(f"member{n}@example.org")
    first = issue.live_revision_id
    lifecycle.issue_send(issue=issue, revision_id=first)

    _one_batch(issue)
    assert len(mail.outbox) == 2
    second = _publish_again(issue)
    assert BulletinIssue.objects.get(pk=issue.pk).live_revision_id == second
    _all_batches(issue)

    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert issue.sending_revision_id == first  # publishing did not overwrite the send state
    assert len(mail.outbox) == 6
    versions = {_impersonal(message) for message in mail.outbox}
    assert len(versions) == 1, "every recipient gets the same content"
    [(_, text, html)] = versions
    assert FIRST_INTRO in text and FIRST_INTRO in html
    assert SECOND_INTRO not in text and SECOND_INTRO not in html


def test_a_resume_after_a_pause_sends_the_same_version(issue: BulletinIssue, editor: Any) -> None:
    for n in range(4):
        make_subscriber(f"member{n}@example.org")
    lifecycle.issue_send(issue=issue, revision_id=issue.live_revision_id, actor=editor)
    _one_batch(issue)
    lifecycle.issue_pause(issue=issue, actor=editor)
    _publish_again(issue)
    lifecycle.issue_resume(issue=issue, actor=editor)
    _all_batches(issue)

    assert len(mail.outbox) == 4
    assert len({_impersonal(message) for message in mail.outbox}) == 1
    assert all(SECOND_INTRO not in message.body for message in mail.outbox)


def test_a_send_whose_version_was_deleted_pauses_and_resumes_with_the_published_one(
    issue: BulletinIssue, editor: Any
) -> None:
    make_subscriber("member@example.org")
    lifecycle.issue_send(issue=issue, revision_id=issue.live_revision_id, actor=editor)
    second = _publish_again(issue)
    Revision.objects.filter(pk=issue.live_revision_id).delete()  # purged mid-send (SET_NULL)

    _all_batches(issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PAUSED
    assert issue.paused_reason == lifecycle.VERSION_GONE_REASON
    assert not mail.outbox  # nothing rendered from the live page behind anyone's back

    lifecycle.issue_resume(issue=issue, actor=editor)
    issue.refresh_from_db()
    assert issue.sending_revision_id == second
    _all_batches(issue)
    [message] = mail.outbox
    assert SECOND_INTRO in message.body


# --- "Send now" sends the version the sender looked at -------------------------------------


def test_send_is_refused_if_published_again_since_the_screen_was_shown(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_subscriber("member@example.org")
    when = timezone.now() + timedelta(days=1)
    lifecycle.issue_schedule(issue=issue, when=when, actor=editor)
    client = client_for(editor)
    shown = client.get(reverse("bulletin_admin:detail", args=[issue.pk]))
    looked_at = shown.context["preview"]["revision"].pk
    assert f'name="revision" value="{looked_at}"' in shown.content.decode()
    second = _publish_again(issue)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("bulletin_admin:action", args=[issue.pk]), {"action": "send", "revision": looked_at}
        )

    assert response.status_code == 409
    content = response.content.decode()
    assert REFUSED in content
    # The screen now shows, and its button carries, the version published since.
    assert f'name="revision" value="{second}"' in content
    assert SECOND_INTRO in content
    assert SECOND_INTRO in response.context["preview"]["text"]
    # Nothing frozen, nothing sent, and the schedule set earlier is as it was.
    assert not Delivery.objects.filter(issue=issue).exists()
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="bulletin.issue.sending").exists()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    assert issue.scheduled_for == when and issue.scheduled_by == editor
    assert issue.sending_revision_id is None


def test_send_with_the_version_on_screen_sends_it(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_subscriber("member@example.org")
    second = _publish_again(issue)
    client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("bulletin_admin:action", args=[issue.pk]), {"action": "send", "revision": second, "confirmed": "1"}
        )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT and issue.sending_revision_id == second
    [message] = mail.outbox
    assert SECOND_INTRO in message.body
    event = AuditEvent.objects.get(action="bulletin.issue.sending")
    assert event.data["revision"] == second


@pytest.mark.parametrize("posted", [{}, {"revision": ""}, {"revision": "nonsense"}])
def test_a_send_form_without_its_version_is_refused(issue: BulletinIssue, editor: Any, posted: dict[str, str]) -> None:
    make_subscriber("member@example.org")
    response = client_for(editor).post(reverse("bulletin_admin:action", args=[issue.pk]), {"action": "send", **posted})
    assert response.status_code == 409
    assert REFUSED in response.content.decode()
    assert not Delivery.objects.exists()
    assert BulletinIssue.objects.get(pk=issue.pk).status == IssueStatus.DRAFT


def test_the_service_refuses_a_stale_version(issue: BulletinIssue) -> None:
    make_subscriber("member@example.org")
    first = issue.live_revision_id
    _publish_again(issue)
    with pytest.raises(lifecycle.IssueRepublishedError):
        lifecycle.issue_send(issue=issue, revision_id=first)
    assert not Delivery.objects.exists()
    assert BulletinIssue.objects.get(pk=issue.pk).status == IssueStatus.DRAFT


# --- scheduled sends -----------------------------------------------------------------------


def test_a_scheduled_send_records_the_version_live_when_its_time_comes(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_subscriber("member@example.org")
    lifecycle.issue_schedule(issue=issue, when=timezone.now() + timedelta(hours=1), actor=editor)
    second = _publish_again(issue)
    BulletinIssue.objects.filter(pk=issue.pk).update(scheduled_for=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        tasks.start_scheduled_issues.call()

    issue.refresh_from_db()
    assert issue.sending_revision_id == second
    assert issue.status == IssueStatus.SENT
    [message] = mail.outbox
    assert SECOND_INTRO in message.body


# --- what the sending screen says ----------------------------------------------------------


def test_the_screen_says_which_version_the_schedule_and_the_button_send(issue: BulletinIssue, editor: Any) -> None:
    content = _detail(editor, issue)
    assert SCHEDULE_HINT in content
    assert f'name="revision" value="{issue.live_revision_id}"' in content
    assert "The email &quot;Send now&quot; sends" in content or 'The email "Send now" sends' in content
    assert FIRST_INTRO in content  # the preview is on the screen itself


def test_the_screen_says_which_version_is_being_and_was_sent(issue: BulletinIssue, editor: Any) -> None:
    make_subscriber("member@example.org")
    first = issue.live_revision_id
    lifecycle.issue_send(issue=issue, revision_id=first, actor=editor)
    issue.refresh_from_db()

    content = _detail(editor, issue)
    assert f"Sending the version published on {_when(first, issue)}." in content
    assert PUBLISHED_AGAIN not in content
    assert SCHEDULE_HINT not in content

    _publish_again(issue)
    content = _detail(editor, issue)
    assert f"Sending the version published on {_when(first, issue)}." in content
    assert PUBLISHED_AGAIN in content
    # The preview follows the send, not the newer version.
    preview = client_for(editor).get(reverse("bulletin_admin:preview", args=[issue.pk])).content.decode()
    assert FIRST_INTRO in preview and SECOND_INTRO not in preview

    _all_batches(issue)
    content = _detail(editor, issue)
    assert f"Sent the version published on {_when(first, issue)}." in content
    assert PUBLISHED_AGAIN in content


def test_the_screen_says_when_the_version_sent_is_not_on_record(editor: Any) -> None:
    issue = make_issue(make_index(), status=IssueStatus.SENT)  # sent before versions were recorded
    content = _detail(editor, issue)
    assert "Which version was sent is not on record." in content
    assert "the version published on" not in content

"""Closing requests left waiting for the member, or untouched, so their retention can start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

from chorus.core.models import AuditEvent
from chorus.core.outbox import outbox_send
from chorus.core.periodic import periodic_jobs
from chorus.support import workflow
from chorus.support.models import Message, MessageAuthor, RequestEvent, SupportRequest
from chorus.support.services.access import SupportError
from chorus.support.services.conversation import support_member_reply, support_message_send
from chorus.support.services.retention import _close_if_still_inactive, support_requests_close_inactive
from chorus.support.services.transitions import support_request_transition
from chorus.support.tasks import support_close_inactive_run, support_retention_run
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status
from conftest import client_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("default_limits"),
]
# A Monday; 60 days later is Friday 1 May 2026 and 365 days later Tuesday 2 March 2027.
# In UTC, so that adding days crosses the change to summer time without moving the hour.
T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)


@pytest.fixture
def default_limits() -> Any:
    # The tests count days from the defaults, whatever the environment running them sets.
    with override_settings(
        CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS=60,
        CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS=365,
        CHORUS_SUPPORT_REOPEN_DAYS=30,
        CHORUS_SUPPORT_RETENTION_DAYS=365,
    ):
        yield


def _waiting(caseworker: Any, *, email: str = "member@example.org") -> tuple[SupportRequest, str]:
    support_request, token = make_request(now=T0, email=email)
    support_request_transition(support_request=support_request, transition="ask_member", actor=caseworker, now=T0)
    support_request.refresh_from_db()
    outbox_send()  # what was due so far (notices to staff) is out of the way
    return support_request, token


def _run_job(*, days: float) -> dict[str, int]:
    """Run the periodic task as the scheduler would, ``days`` after T0."""
    with time_machine.travel(T0 + timedelta(days=days), tick=False):
        result: dict[str, int] = support_close_inactive_run.call()
        # Then the outbox's run, as the worker would make it: the same day, not the test's.
        outbox_send()
        return result


def _status(support_request: SupportRequest) -> str:
    support_request.refresh_from_db()
    return support_request.status


def test_the_job_is_scheduled_every_six_hours() -> None:
    jobs = {job.task_path: job for job in periodic_jobs()}
    job = jobs["chorus.support.tasks.support_close_inactive_run"]
    assert job.every == timedelta(hours=6)


def test_waiting_request_closes_after_60_days_without_a_reply_not_at_59(
    caseworker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    support_request, _ = _waiting(caseworker)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert _run_job(days=59) == {"unanswered": 0, "inactive": 0}
    assert _status(support_request) == Status.WAITING_ON_MEMBER
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert _run_job(days=60) == {"unanswered": 1, "inactive": 0}
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED_UNANSWERED
    assert support_request.is_closed
    assert support_request.closed_at == T0 + timedelta(days=60)
    assert support_request.paused_at is None

    # Recorded as done by the system, in the request's history and in the audit log.
    event = RequestEvent.objects.get(support_request=support_request, transition="close_unanswered")
    assert (event.from_status, event.to_status) == (Status.WAITING_ON_MEMBER, Status.CLOSED_UNANSWERED)
    assert (event.actor, event.by_member, event.by_system) == (None, False, True)
    audit = AuditEvent.objects.get(
        action="support.request.transitioned", object_id=str(support_request.pk), data__transition="close_unanswered"
    )
    assert audit.actor is None and audit.actor_label == ""
    assert audit.data == {
        "transition": "close_unanswered",
        "from": Status.WAITING_ON_MEMBER,
        "to": Status.CLOSED_UNANSWERED,
        "by_member": False,
        "by_system": True,
    }

    # The member gets a message saying why and how to reopen, and an email that says only
    # that there is a new message.
    notice = Message.objects.get(support_request=support_request, author=MessageAuthor.STAFF)
    assert notice.body == workflow.outcome_message(Status.CLOSED_UNANSWERED)
    assert notice.author_user is None
    assert "have not heard back" in notice.body
    assert f"reply here within {settings.CHORUS_SUPPORT_REOPEN_DAYS} days" in notice.body
    assert AuditEvent.objects.filter(action="support.message.sent", actor__isnull=True).exists()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["member@example.org"]
    assert "new message" in email.subject
    assert support_request.email_token_sealed in email.body
    assert "heard back" not in email.body and "filming" not in email.body


def test_private_page_says_when_it_will_close_and_then_why_it_closed(caseworker: Any) -> None:
    _, token = _waiting(caseworker, email="")
    page = Client().get(f"/support/request/{token}/").content.decode()
    assert "If we have not heard from you by 1 May 2026, we will close this request." in page

    _run_job(days=60)
    page = Client().get(f"/support/request/{token}/").content.decode()
    assert "If we have not heard from you" not in page
    assert workflow.MEMBER_LABELS[Status.CLOSED_UNANSWERED] in page
    assert "We closed it because we did not hear back from you" in page
    assert "we will open it again" in page
    assert 'id="reply-heading"' in page  # they can still reply, which reopens it


def test_desk_shows_the_closing_date_and_who_closed_it(caseworker: Any) -> None:
    support_request, _ = _waiting(caseworker, email="")
    client = client_for(caseworker)
    page = client.get(f"/admin/support/{support_request.pk}/").content.decode()
    assert "Closes automatically" in page and "1 May 2026" in page

    _run_job(days=60)
    page = client.get(f"/admin/support/{support_request.pk}/").content.decode()
    assert "Closes automatically" not in page
    assert "Closed automatically: no reply from the member" in page
    assert "by Chorus, automatically" in page


@pytest.mark.parametrize("internal", [False, True], ids=["message to the member", "internal note"])
def test_activity_while_waiting_restarts_the_count(caseworker: Any, internal: bool) -> None:
    support_request, _ = _waiting(caseworker, email="")
    support_message_send(
        support_request=support_request,
        actor=caseworker,
        body="Just checking: did you get our question?",
        internal=internal,
        now=T0 + timedelta(days=30),
    )
    assert _run_job(days=61) == {"unanswered": 0, "inactive": 0}
    assert _run_job(days=89) == {"unanswered": 0, "inactive": 0}
    assert _status(support_request) == Status.WAITING_ON_MEMBER
    assert _run_job(days=90) == {"unanswered": 1, "inactive": 0}
    assert _status(support_request) == Status.CLOSED_UNANSWERED


def test_request_with_recent_activity_is_left_alone(caseworker: Any) -> None:
    support_request, _ = make_request(now=T0, email="")
    support_request_transition(support_request=support_request, transition="start", actor=caseworker, now=T0)
    support_member_reply(support_request=support_request, body="One more detail.", now=T0 + timedelta(days=300))
    assert _run_job(days=400) == {"unanswered": 0, "inactive": 0}
    assert _status(support_request) == Status.IN_PROGRESS
    assert not RequestEvent.objects.filter(by_system=True).exists()
    assert _run_job(days=665) == {"unanswered": 0, "inactive": 1}
    assert _status(support_request) == Status.CLOSED_INACTIVE


@pytest.mark.parametrize(
    ("path", "status"),
    [([], Status.NEW), (["acknowledge"], Status.ACKNOWLEDGED), (["start"], Status.IN_PROGRESS)],
)
def test_untouched_open_request_closes_at_the_ceiling(
    caseworker: Any, django_capture_on_commit_callbacks: Any, path: list[str], status: str
) -> None:
    support_request, token = make_request(now=T0)
    for step in path:
        support_request_transition(support_request=support_request, transition=step, actor=caseworker, now=T0)
    first_response_at = SupportRequest.objects.get(pk=support_request.pk).first_response_at
    outbox_send()
    mail.outbox.clear()

    assert _run_job(days=364) == {"unanswered": 0, "inactive": 0}
    assert _status(support_request) == status
    with django_capture_on_commit_callbacks(execute=True):
        assert _run_job(days=365) == {"unanswered": 0, "inactive": 1}
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED_INACTIVE
    assert support_request.closed_at == T0 + timedelta(days=365)
    # Closing is not an answer: the first-response figure stays what staff really did.
    assert support_request.first_response_at == first_response_at

    event = RequestEvent.objects.get(support_request=support_request, transition="close_inactive")
    assert (event.from_status, event.actor, event.by_system) == (status, None, True)
    assert AuditEvent.objects.filter(
        action="support.request.transitioned", actor__isnull=True, data__transition="close_inactive"
    ).exists()
    notice = Message.objects.get(support_request=support_request, author=MessageAuthor.STAFF)
    assert notice.body == workflow.outcome_message(Status.CLOSED_INACTIVE)
    assert [email.to for email in mail.outbox] == [["member@example.org"]]

    page = Client().get(f"/support/request/{token}/").content.decode()
    assert workflow.MEMBER_LABELS[Status.CLOSED_INACTIVE] in page
    assert "We closed it because nothing had happened on it for a long time" in page


@override_settings(CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS=500)
def test_the_ceiling_also_holds_for_a_waiting_request(caseworker: Any) -> None:
    support_request, _ = _waiting(caseworker, email="")
    assert _run_job(days=365) == {"unanswered": 0, "inactive": 1}
    assert _status(support_request) == Status.CLOSED_INACTIVE


def test_member_reply_within_the_reopen_window_reopens_it(caseworker: Any) -> None:
    support_request, _ = _waiting(caseworker, email="")
    _run_job(days=60)
    reply_at = T0 + timedelta(days=60 + 29)
    support_member_reply(support_request=support_request, body="Sorry, I was in hospital.", now=reply_at)
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_PROGRESS
    assert support_request.closed_at is None
    assert support_request.resolution_due > reply_at.date()
    event = RequestEvent.objects.get(support_request=support_request, transition="member_reopen")
    assert (event.from_status, event.by_member, event.by_system) == (Status.CLOSED_UNANSWERED, True, False)
    # Reopened, it counts from the reply: nothing closes it again at once.
    assert _run_job(days=60 + 30) == {"unanswered": 0, "inactive": 0}


def test_member_reply_after_the_reopen_window_is_refused(caseworker: Any) -> None:
    support_request, _ = _waiting(caseworker, email="")
    _run_job(days=60)
    with pytest.raises(SupportError, match="new request"):
        support_member_reply(support_request=support_request, body="Hello?", now=T0 + timedelta(days=60 + 31))
    assert _status(support_request) == Status.CLOSED_UNANSWERED


def test_automatically_closed_request_is_anonymised_after_the_retention_period(caseworker: Any) -> None:
    support_request, token = _waiting(caseworker)
    _run_job(days=60)
    closed_at = T0 + timedelta(days=60)
    with time_machine.travel(closed_at + timedelta(days=364), tick=False):
        assert support_retention_run.call() == 0
    with time_machine.travel(closed_at + timedelta(days=366), tick=False):
        assert support_retention_run.call() == 1
    support_request.refresh_from_db()
    assert support_request.anonymised_at is not None
    assert support_request.description == "" and support_request.contact_name == ""
    assert support_request.sender is None
    assert not Message.objects.filter(support_request=support_request).exists()
    assert Client().get(f"/support/request/{token}/").status_code == 404


def test_each_request_is_closed_once_across_batches_and_runs(caseworker: Any) -> None:
    waiting = [_waiting(caseworker, email="")[0] for _ in range(3)]
    untouched = [make_request(now=T0, email="")[0] for _ in range(2)]
    recent, _ = make_request(now=T0 + timedelta(days=390), email="")
    with time_machine.travel(T0 + timedelta(days=400), tick=False):
        first = support_requests_close_inactive(batch_size=2)
        again = support_requests_close_inactive(batch_size=2)
    assert (first.unanswered, first.inactive) == (3, 2)
    assert (again.unanswered, again.inactive) == (0, 0)
    assert {_status(r) for r in waiting} == {Status.CLOSED_UNANSWERED}
    assert {_status(r) for r in untouched} == {Status.CLOSED_INACTIVE}
    assert _status(recent) == Status.NEW
    assert RequestEvent.objects.filter(by_system=True).count() == 5
    assert AuditEvent.objects.filter(action="support.request.transitioned", data__by_system=True).count() == 5


def test_a_reply_arriving_after_the_batch_was_read_is_not_overridden(caseworker: Any) -> None:
    support_request, _ = _waiting(caseworker, email="")
    now = T0 + timedelta(days=60)
    support_member_reply(support_request=support_request, body="Here I am.", now=now - timedelta(hours=1))
    cutoff = now - timedelta(days=60)
    assert not _close_if_still_inactive(pk=support_request.pk, transition="close_unanswered", cutoff=cutoff, now=now)
    assert not _close_if_still_inactive(pk=support_request.pk, transition="close_inactive", cutoff=cutoff, now=now)
    assert _status(support_request) == Status.IN_PROGRESS


SYSTEM_TRANSITIONS = [name for name, t in workflow.TRANSITIONS.items() if t.who == {workflow.SYSTEM}]


def test_only_the_two_automatic_closes_are_system_transitions() -> None:
    assert SYSTEM_TRANSITIONS == ["close_unanswered", "close_inactive"]
    assert not [name for name, t in workflow.TRANSITIONS.items() if workflow.SYSTEM in t.who and len(t.who) > 1]


@pytest.mark.parametrize("name", SYSTEM_TRANSITIONS)
def test_no_person_can_make_an_automatic_close(caseworker: Any, administrator: Any, name: str) -> None:
    support_request, _ = _waiting(caseworker, email="")
    for actor in (caseworker, administrator):
        with pytest.raises(SupportError):
            support_request_transition(support_request=support_request, transition=name, actor=actor)
    with pytest.raises(SupportError):
        support_request_transition(support_request=support_request, transition=name, by_member=True)
    assert _status(support_request) == Status.WAITING_ON_MEMBER
    assert not RequestEvent.objects.filter(transition=name).exists()

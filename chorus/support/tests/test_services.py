"""The workflow service, messages, assignment, emails and references."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from chorus.core.crypto import token_digest
from chorus.core.models import AuditEvent
from chorus.people.models import Person
from chorus.support import workflow
from chorus.support.models import Message, MessageAuthor, MessageKind, RequestEvent, SupportRequest
from chorus.support.selectors import PrivateAccess, support_request_for_token
from chorus.support.services.access import SupportError
from chorus.support.services.conversation import support_member_reply, support_message_send, support_request_withdraw
from chorus.support.services.retention import support_requests_forget_unconfirmed_emails
from chorus.support.services.submission import support_request_confirm_email, support_request_disown_email
from chorus.support.services.transitions import support_request_transition
from chorus.support.services.triage import support_request_assign, support_request_categorise
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def sent(django_capture_on_commit_callbacks: Any) -> tuple[SupportRequest, str]:
    with django_capture_on_commit_callbacks(execute=True):
        return make_request()


def _force(support_request: SupportRequest, status: str) -> SupportRequest:
    SupportRequest.objects.filter(pk=support_request.pk).update(status=status)
    support_request.refresh_from_db()
    return support_request


def test_submit_issues_reference_hashes_token_and_emails_only_the_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        support_request, token = make_request(confirmed=False)
    assert support_request.reference.startswith("CH-")
    assert len(token) >= 40
    assert support_request.token_hash == token_digest(token)
    assert token not in support_request.token_hash
    assert support_request_for_token(token=token) == PrivateAccess(support_request, by_emailed_link=False)
    assert support_request_for_token(token=token + "x") is None
    # Nobody's record holds it until the address's owner confirms it is theirs.
    assert support_request.sender is None and support_request.email_unconfirmed
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["member@example.org"]
    # The emailed link is a second token: whoever typed the address never sees it.
    emailed = support_request.email_token_sealed
    assert emailed and emailed != token and emailed in email.body and token not in email.body
    assert support_request_for_token(token=emailed) == PrivateAccess(support_request, by_emailed_link=True)
    assert support_request.reference in email.subject
    assert "filming" not in email.body and "Leeds" not in email.body
    assert AuditEvent.objects.filter(action="support.request.submitted", object_id=str(support_request.pk)).exists()


def test_only_the_owner_of_the_address_attaches_the_request_to_their_record(
    django_capture_on_commit_callbacks: Any,
) -> None:
    support_request, _ = make_request(confirmed=False)
    assert not Person.objects.exists()
    confirmed = support_request_confirm_email(support_request=support_request)
    assert confirmed.sender is not None and confirmed.sender.email == "member@example.org"
    assert confirmed.email_confirmed_at is not None and not confirmed.email_unconfirmed
    assert AuditEvent.objects.filter(action="support.request.email_confirmed").exists()
    # A second owner's click changes nothing.
    assert support_request_confirm_email(support_request=confirmed).sender == confirmed.sender


def test_the_owner_of_the_address_can_disown_a_request_they_did_not_send(
    caseworker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    support_request, token = make_request(confirmed=False)
    emailed = support_request.email_token_sealed
    disowned = support_request_disown_email(support_request=support_request)
    assert disowned.sender is None and disowned.unconfirmed_email == "" and disowned.email_token_hash == ""
    assert support_request_for_token(token=emailed) is None  # the emailed link is dead
    assert support_request_for_token(token=token) is not None  # the sender's own link still works
    assert not Person.objects.exists()
    assert AuditEvent.objects.filter(action="support.request.email_disowned").exists()
    # Staff replies are not emailed to an address nobody confirmed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support_message_send(support_request=disowned, actor=caseworker, body="Hello", internal=False)
    assert [message for message in mail.outbox if message.to == ["member@example.org"]] == []


def test_an_address_never_confirmed_is_forgotten(settings: Any) -> None:
    support_request, token = make_request(confirmed=False)
    later = timezone.now() + timedelta(days=settings.CHORUS_SUPPORT_EMAIL_CONFIRM_DAYS, minutes=1)
    assert support_requests_forget_unconfirmed_emails(now=later) == 1
    support_request.refresh_from_db()
    assert support_request.unconfirmed_email == "" and support_request.email_token_hash == ""
    assert support_request_for_token(token=token) is not None


def test_references_are_sequential_and_restart_each_year() -> None:
    first, _ = make_request(now=datetime(2026, 12, 31, 12, tzinfo=LONDON), email="")
    second, _ = make_request(now=datetime(2026, 12, 31, 13, tzinfo=LONDON), email="")
    third, _ = make_request(now=datetime(2027, 1, 4, 9, tzinfo=LONDON), email="")
    assert (first.reference, second.reference, third.reference) == ("CH-2026-0001", "CH-2026-0002", "CH-2027-0001")


def test_anonymous_alert_has_no_sender_and_sends_no_email(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        support_request, _ = make_request(email="")
    assert support_request.sender is None
    assert support_request.email_token_sealed == "" and support_request.email_token_hash == ""
    assert mail.outbox == []


# Every transition in the table, from each allowed source, by a role that may make it.
ALLOWED = [
    (name, source, t.target)
    for name, t in workflow.TRANSITIONS.items()
    for source in sorted(t.sources)
    if t.who & workflow.STAFF
]


@pytest.mark.parametrize(("name", "source", "target"), ALLOWED)
def test_each_staff_transition_is_allowed_and_audited(
    caseworker: Any, name: str, source: str, target: str, django_capture_on_commit_callbacks: Any
) -> None:
    support_request, _ = make_request()
    support_request = _force(support_request, source)
    with django_capture_on_commit_callbacks(execute=True):
        support_request_transition(support_request=support_request, transition=name, actor=caseworker)
    support_request.refresh_from_db()
    assert support_request.status == target
    event = RequestEvent.objects.get(support_request=support_request)
    assert (event.from_status, event.to_status, event.actor) == (source, target, caseworker)
    audit = AuditEvent.objects.get(action="support.request.transitioned", object_id=str(support_request.pk))
    assert audit.data == {"transition": name, "from": source, "to": target, "by_member": False, "by_system": False}
    assert audit.actor == caseworker
    if target in workflow.OUTCOME_STATUSES:
        message = Message.objects.get(support_request=support_request)
        assert message.body == workflow.outcome_message(target)
        assert message.author == MessageAuthor.STAFF
        assert any("new message" in email.subject for email in mail.outbox)
        assert all(message.body not in email.body for email in mail.outbox)


STAFF_TRANSITIONS = [name for name, t in workflow.TRANSITIONS.items() if t.who & workflow.STAFF]


@pytest.mark.parametrize("name", STAFF_TRANSITIONS)
def test_transition_from_a_wrong_status_is_refused(caseworker: Any, name: str) -> None:
    support_request, _ = make_request(email="")
    wrong = [source for source in Status.values if source not in workflow.TRANSITIONS[name].sources]
    assert wrong
    for source in wrong:
        support_request = _force(support_request, source)
        with pytest.raises(SupportError):
            support_request_transition(support_request=support_request, transition=name, actor=caseworker)
        support_request.refresh_from_db()
        assert support_request.status == source
    assert not AuditEvent.objects.filter(action="support.request.transitioned").exists()
    assert not RequestEvent.objects.exists()


@pytest.mark.parametrize("persona", ["editor", "campaigner", "grants_officer"])
def test_staff_without_the_role_cannot_transition(persona: str, request: Any) -> None:
    user = request.getfixturevalue(persona)
    support_request, _ = make_request(email="")
    with pytest.raises(SupportError):
        support_request_transition(support_request=support_request, transition="acknowledge", actor=user)


def test_staff_cannot_make_member_transitions(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    with pytest.raises(SupportError):
        support_request_transition(support_request=support_request, transition="withdraw", actor=caseworker)


def test_member_cannot_make_staff_transitions() -> None:
    support_request, _ = make_request(email="")
    with pytest.raises(SupportError):
        support_request_transition(support_request=support_request, transition="resolve", by_member=True)


def test_custom_outcome_message_replaces_the_standard_one(administrator: Any) -> None:
    support_request, _ = make_request(email="")
    support_request = _force(support_request, Status.IN_PROGRESS)
    support_request_transition(
        support_request=support_request,
        transition="refer",
        actor=administrator,
        outcome_message="We passed this to the advocacy service in your area.",
    )
    assert Message.objects.get(support_request=support_request).body.startswith("We passed this")


def test_member_withdraws() -> None:
    support_request, _ = make_request(email="")
    support_request_withdraw(support_request=support_request)
    support_request.refresh_from_db()
    assert support_request.status == Status.WITHDRAWN
    assert support_request.closed_at is not None
    assert AuditEvent.objects.filter(action="support.request.transitioned", data__by_member=True).exists()


def test_member_reply_while_waiting_restarts_the_clock(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    support_request_transition(support_request=support_request, transition="ask_member", actor=caseworker)
    support_member_reply(support_request=support_request, body="Here is the letter they sent me.")
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_PROGRESS
    assert support_request.paused_at is None
    assert AuditEvent.objects.filter(action="support.message.received").exists()


def test_member_reply_within_30_days_of_resolution_reopens(caseworker: Any) -> None:
    now = datetime(2026, 11, 2, 10, tzinfo=LONDON)
    support_request, _ = make_request(email="", now=now)
    support_request = _force(support_request, Status.IN_PROGRESS)
    support_request_transition(support_request=support_request, transition="resolve", actor=caseworker, now=now)
    support_member_reply(support_request=support_request, body="It has started again.", now=now + timedelta(days=29))
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_PROGRESS
    assert support_request.closed_at is None
    assert RequestEvent.objects.filter(support_request=support_request, transition="member_reopen").exists()


def test_member_reply_after_30_days_is_refused(caseworker: Any) -> None:
    now = datetime(2026, 11, 2, 10, tzinfo=LONDON)
    support_request, _ = make_request(email="", now=now)
    support_request = _force(support_request, Status.IN_PROGRESS)
    support_request_transition(support_request=support_request, transition="decline", actor=caseworker, now=now)
    with pytest.raises(SupportError, match="new request"):
        support_member_reply(support_request=support_request, body="Please look again.", now=now + timedelta(days=31))
    support_request.refresh_from_db()
    assert support_request.status == Status.DECLINED
    assert not Message.objects.filter(author=MessageAuthor.MEMBER).exists()


@pytest.mark.parametrize("status", sorted(workflow.OUTCOME_STATUSES))
def test_outcome_messages_follow_the_reopen_setting(status: str) -> None:
    with override_settings(CHORUS_SUPPORT_REOPEN_DAYS=14):
        assert "within 14 days" in workflow.outcome_message(status)
    with override_settings(CHORUS_SUPPORT_REOPEN_DAYS=45):
        assert "within 45 days" in workflow.outcome_message(status)
    assert "30" not in workflow.OUTCOME_MESSAGE_TEMPLATES[status]


@override_settings(CHORUS_SUPPORT_REOPEN_DAYS=14)
def test_a_shorter_reopen_window_is_what_the_member_is_told_and_what_applies(caseworker: Any) -> None:
    now = datetime(2026, 11, 2, 10, tzinfo=LONDON)
    support_request, _ = make_request(email="", now=now)
    support_request = _force(support_request, Status.IN_PROGRESS)
    support_request_transition(support_request=support_request, transition="resolve", actor=caseworker, now=now)
    outcome = Message.objects.get(support_request=support_request, author=MessageAuthor.STAFF)
    assert "reply here within 14 days" in outcome.body and "30 days" not in outcome.body
    with pytest.raises(SupportError, match="closed more than 14 days ago"):
        support_member_reply(support_request=support_request, body="Still wrong.", now=now + timedelta(days=15))
    support_member_reply(support_request=support_request, body="Still wrong.", now=now + timedelta(days=13))
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_PROGRESS


def test_member_reply_after_withdrawal_is_refused() -> None:
    support_request, _ = make_request(email="")
    support_request_withdraw(support_request=support_request)
    support_request.refresh_from_db()
    with pytest.raises(SupportError, match="withdrew"):
        support_member_reply(support_request=support_request, body="Actually, please help.")


def test_staff_message_emails_a_notice_without_content(
    sent: tuple[SupportRequest, str], caseworker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    support_request, _ = sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support_message_send(
            support_request=support_request, actor=caseworker, body="Could you send the ward's name?", internal=False
        )
    support_request.refresh_from_db()
    assert support_request.first_response_at is not None
    assert len(mail.outbox) == 1
    assert "new message" in mail.outbox[0].subject
    assert support_request.email_token_sealed in mail.outbox[0].body  # the emailed link, as before
    assert "ward's name" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="support.message.sent").exists()


def test_internal_note_is_kept_apart_and_sends_nothing(
    sent: tuple[SupportRequest, str], caseworker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    support_request, _ = sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        note = support_message_send(
            support_request=support_request, actor=caseworker, body="Check with the data team.", internal=True
        )
    assert note.kind == MessageKind.INTERNAL_NOTE
    assert mail.outbox == []
    support_request.refresh_from_db()
    assert support_request.first_response_at is None
    assert AuditEvent.objects.filter(action="support.note.added").exists()


def test_assign_notifies_the_assignee(
    caseworker: Any, administrator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        support_request, _ = make_request(email="")
    mail.outbox.clear()  # the new-request notice (see test_staff_notices.py)
    with django_capture_on_commit_callbacks(execute=True):
        support_request_assign(support_request=support_request, assignee=caseworker, actor=administrator)
    support_request.refresh_from_db()
    assert support_request.assignee == caseworker
    assert [email.to for email in mail.outbox] == [[caseworker.email]]
    assert mail.outbox[0].subject == f"Support request {support_request.reference} was assigned to you"
    assert "filming" not in mail.outbox[0].body
    assert AuditEvent.objects.get(action="support.request.assigned").data == {"assignee": caseworker.pk}


def test_cannot_assign_to_an_editor(caseworker: Any, editor: Any) -> None:
    support_request, _ = make_request(email="")
    with pytest.raises(SupportError):
        support_request_assign(support_request=support_request, assignee=editor, actor=caseworker)


def test_categorise_sets_tags_and_links(caseworker: Any) -> None:
    from chorus.pages.tests.factories import make_site

    home = make_site()
    support_request, _ = make_request(email="")
    support_request_categorise(
        support_request=support_request, actor=caseworker, tags=["Wards", " cameras ", ""], pages=[home]
    )
    assert sorted(t.name for t in support_request.tags.all()) == ["cameras", "wards"]
    assert [page.pk for page in support_request.linked_pages.all()] == [home.pk]
    assert AuditEvent.objects.filter(action="support.request.categorised").exists()


def test_unknown_transition_and_member_withdraw_after_closing_are_refused(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    with pytest.raises(SupportError):
        support_request_transition(support_request=support_request, transition="teleport", actor=caseworker)
    support_request = _force(support_request, Status.RESOLVED)
    with pytest.raises(SupportError):
        support_request_withdraw(support_request=support_request)


def test_the_support_workflow_is_the_table_the_engine_runs(caseworker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The service hands the engine the declared table: take a move out and it is refused.
    from chorus.core.workflow import Workflow

    support_request, _ = make_request(email="")
    without_acknowledging = Workflow(
        model=workflow.SUPPORT_WORKFLOW.model,
        state_field="status",
        audit_action=workflow.SUPPORT_WORKFLOW.audit_action,
        transitions=tuple(
            t if t.name != "acknowledge" else replace(t, sources=frozenset())
            for t in workflow.SUPPORT_WORKFLOW.transitions
        ),
    )
    monkeypatch.setattr(workflow, "SUPPORT_WORKFLOW", without_acknowledging)
    with pytest.raises(SupportError):
        support_request_transition(support_request=support_request, transition="acknowledge", actor=caseworker)
    monkeypatch.undo()
    support_request_transition(support_request=support_request, transition="acknowledge", actor=caseworker)
    assert AuditEvent.objects.get(action="support.request.transitioned").data["transition"] == "acknowledge"

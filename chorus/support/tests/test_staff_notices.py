"""Notices to staff: who is told about a new request, a member's reply or an assignment,
what the email says (never the content), and how the outbox sends them in batches."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends import locmem
from django.core.mail.backends import smtp as smtp_backend
from django.utils import timezone

from chorus.accounts.models import User
from chorus.accounts.roles import CASEWORKER
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.core.outbox import LEASE, RUN_QUEUED_FLAG, outbox_send, retry_delay
from chorus.core.periodic import periodic_jobs
from chorus.core.tests.smtp_server import smtp_mailer
from chorus.support.models import STAFF_NOTICE_EMAIL, RequestKind, StaffNoticeReason, SupportRequest
from chorus.support.selectors import reply_recipients, triage_staff
from chorus.support.services.conversation import support_member_reply
from chorus.support.services.notices import staff_notices_add
from chorus.support.services.retention import support_requests_anonymise_closed
from chorus.support.services.triage import support_request_assign
from chorus.support.tests.factories import make_request

pytestmark = pytest.mark.django_db


def notices() -> Any:
    return OutboxMessage.objects.filter(kind=STAFF_NOTICE_EMAIL)


def waiting_notices() -> Any:
    return notices().exclude(status__in=[OutboxStatus.SENT, OutboxStatus.SKIPPED, OutboxStatus.FAILED])


def send_notices() -> int:
    """One outbox run; the emails the mail server accepted."""
    return outbox_send().emails


MEMBER_EMAIL = "sam.member@example.org"
# Words from the member's request and reply that must never reach a staff email.
SECRETS = ["filming", "Leeds", "Sam Member", MEMBER_EMAIL, "sectioned", "07700"]


def _caseworker(username: str, *, email: bool = True, active: bool = True) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@chorus.test" if email else "", is_active=active
    )
    user.groups.add(Group.objects.get(name=CASEWORKER.name))
    return user


def _submit(capture: Any, **overrides: Any) -> tuple[SupportRequest, str]:
    with capture(execute=True):
        return make_request(email=MEMBER_EMAIL, confirmed=False, **overrides)


def _staff_emails() -> list[mail.EmailMessage]:
    return [email for email in mail.outbox if email.to != [MEMBER_EMAIL]]


def _by_recipient() -> dict[str, mail.EmailMessage]:
    return {email.to[0]: email for email in _staff_emails()}


def _whole(email: Any) -> str:
    """Subject, plain text and HTML of a message, to look for what must not be there."""
    return "\n".join([email.subject, email.body, *(content for content, _ in email.alternatives)])


def _desk_url(support_request: SupportRequest) -> str:
    return f"{settings.SITE_URL}/admin/support/{support_request.pk}/"


def test_a_new_request_emails_each_caseworker_only_its_reference_kind_and_desk_link(
    caseworker: User, administrator: User, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    kit = _caseworker("kit-caseworker")
    _caseworker("left-caseworker", active=False)
    _caseworker("no-address-caseworker", email=False)
    support_request, token = _submit(
        django_capture_on_commit_callbacks,
        kind=RequestKind.CAMPAIGN,
        description="I was sectioned and the ward is filming patients at night.",
        contact_method="phone",
        phone="07700 900123",
    )
    # The triage staff, and nobody else: not the administrator, the editor or those who left.
    staff = _by_recipient()
    assert sorted(staff) == sorted([caseworker.email, kit.email])
    assert [email.to for email in mail.outbox if email.to == [MEMBER_EMAIL]] == [[MEMBER_EMAIL]]  # their link
    for email in staff.values():
        assert email.subject == f"New support request {support_request.reference} (Campaign support)"
        assert _desk_url(support_request) in email.body
        html = email.alternatives[0][0]
        assert f'href="{_desk_url(support_request)}"' in html and 'lang="en-GB"' in html
        assert "second step" in email.body
        whole = _whole(email)
        assert token not in whole
        for secret in SECRETS:
            assert secret not in whole, secret
    assert not waiting_notices().exists()  # every notice sent
    assert set(notices().values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_triage_staff_are_the_active_caseworkers_with_an_address(caseworker: User, administrator: User) -> None:
    _caseworker("left-caseworker", active=False)
    _caseworker("no-address-caseworker", email=False)
    assert list(triage_staff()) == [caseworker]


def test_no_caseworkers_means_no_staff_email_and_nothing_queued(
    administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    _submit(django_capture_on_commit_callbacks)
    assert _staff_emails() == []
    assert not notices().exists()


def test_a_reply_on_an_unassigned_request_goes_to_the_triage_staff(
    caseworker: User, django_capture_on_commit_callbacks: Any
) -> None:
    kit = _caseworker("kit-caseworker")
    support_request, token = _submit(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support_member_reply(support_request=support_request, body="I was sectioned again last night in Leeds.")
    staff = _by_recipient()
    assert sorted(staff) == sorted([caseworker.email, kit.email])
    for email in staff.values():
        assert email.subject == f"The member replied on {support_request.reference}"
        assert _desk_url(support_request) in email.body
        for secret in [*SECRETS, token]:
            assert secret not in _whole(email), secret


def test_a_reply_on_an_assigned_request_goes_to_the_assignee_only(
    caseworker: User, administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    support_request, _ = _submit(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        support_request_assign(support_request=support_request, assignee=administrator, actor=caseworker)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support_member_reply(support_request=support_request, body="Here is more about the filming.")
    assert [email.to for email in mail.outbox] == [[administrator.email]]
    assert mail.outbox[0].subject == f"The member replied on {support_request.reference}"
    assert "filming" not in _whole(mail.outbox[0])


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_a_reply_goes_to_the_triage_staff_when_the_assignee_cannot_be_emailed(
    change: dict[str, Any], caseworker: User, administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    support_request, _ = _submit(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        support_request_assign(support_request=support_request, assignee=administrator, actor=caseworker)
    User.objects.filter(pk=administrator.pk).update(**change)
    support_request.refresh_from_db()
    assert reply_recipients(support_request=support_request) == [caseworker]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support_member_reply(support_request=support_request, body="Anyone there?")
    assert [email.to for email in mail.outbox] == [[caseworker.email]]


def test_assigning_to_yourself_or_to_someone_without_an_address_sends_nothing(
    caseworker: User, administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    support_request, _ = _submit(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    before = notices().count()  # the new request's, already sent
    with django_capture_on_commit_callbacks(execute=True):
        support_request_assign(support_request=support_request, assignee=caseworker, actor=caseworker)
    User.objects.filter(pk=administrator.pk).update(email="")
    administrator.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        support_request_assign(support_request=support_request, assignee=administrator, actor=caseworker)
    assert mail.outbox == []
    assert notices().count() == before  # nothing queued either


def test_a_surge_is_one_email_per_person_over_one_connection(
    caseworker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = _caseworker("kit-caseworker")
    # Requests arrive before any sender run starts (on-commit callbacks are not run here).
    requests = [make_request(email="")[0] for _ in range(25)]
    assert notices().count() == 50
    connections = {"opened": 0}
    real_open = smtp_backend.EmailBackend.open

    def counting_open(self: Any) -> bool | None:
        opened = real_open(self)
        connections["opened"] += bool(opened)
        return opened

    monkeypatch.setattr(smtp_backend.EmailBackend, "open", counting_open)
    with smtp_mailer() as handler:
        assert send_notices() == 2
    assert connections["opened"] == 1
    assert dict(handler.received) == {caseworker.email: 1, kit.email: 1}
    assert not waiting_notices().exists()
    # The email lists every reference, each with its own link.
    message = message_from_bytes(handler.samples[0], policy=email_policy)
    assert message["Subject"] == "25 updates on the support desk"
    for part in ("plain", "html"):
        body = message.get_body(preferencelist=(part,))
        assert body is not None
        text = body.get_content()
        assert all(support_request.reference in text for support_request in requests)
        assert all(_desk_url(support_request) in text for support_request in requests)


def test_staff_who_left_or_requests_anonymised_since_get_nothing(caseworker: User, administrator: User) -> None:
    kit = _caseworker("kit-caseworker")
    kept, _ = make_request(email="")
    gone, _ = make_request(email="")
    staff_notices_add(support_request=gone, recipients=[administrator], reason=StaffNoticeReason.ASSIGNED)
    User.objects.filter(pk=kit.pk).update(is_active=False)
    SupportRequest.objects.filter(pk=gone.pk).update(status="resolved", closed_at=timezone.now() - timedelta(days=400))
    support_requests_anonymise_closed()  # also drops the anonymised request's notices
    assert not notices().filter(about_id=gone.pk).exists()
    staff_notices_add(support_request=gone, recipients=[caseworker], reason=StaffNoticeReason.MEMBER_REPLIED)
    assert send_notices() == 1
    assert [email.to for email in mail.outbox] == [[caseworker.email]]
    assert kept.reference in mail.outbox[0].subject and gone.reference not in _whole(mail.outbox[0])
    assert not waiting_notices().exists()


def test_an_address_refused_for_good_is_given_up_and_one_refused_for_now_is_tried_again_later(
    caseworker: User,
) -> None:
    _caseworker("gone")
    _caseworker("busy")
    make_request(email="")
    with smtp_mailer() as handler:
        handler.refuse["gone@chorus.test"] = "550 5.1.1 No such user"
        handler.refuse["busy@chorus.test"] = "450 4.2.1 Try again later"
        assert send_notices() == 1
        assert dict(handler.received) == {caseworker.email: 1}
        [waiting] = waiting_notices()
        assert waiting.user.username == "busy" and waiting.error == "SMTPRecipientsRefused 450"
        assert notices().get(user__username="gone").status == OutboxStatus.FAILED
        assert send_notices() == 0  # waits before the next try: not tried every run
        del handler.refuse["busy@chorus.test"]
        with time_machine.travel(timezone.now() + retry_delay(1) + timedelta(seconds=1)):
            assert send_notices() == 1
    assert dict(handler.received) == {caseworker.email: 1, "busy@chorus.test": 1}
    assert not waiting_notices().exists()


def test_a_broken_connection_keeps_the_rest_for_the_next_run(
    caseworker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = _caseworker("kit-caseworker")
    make_request(email="")
    real_send = locmem.EmailBackend.send_messages
    calls = {"n": 0}

    def breaks_on_the_second(self: Any, messages: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise smtplib.SMTPServerDisconnected("connection lost to kit-caseworker@chorus.test")
        return real_send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", breaks_on_the_second)
    assert send_notices() == 1
    assert [email.to for email in mail.outbox] == [[caseworker.email]]
    [waiting] = waiting_notices()
    assert waiting.user == kit and waiting.error == "SMTPServerDisconnected"  # no address kept
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", real_send)
    with time_machine.travel(timezone.now() + retry_delay(1) + timedelta(seconds=1)):
        assert send_notices() == 1
    assert [email.to for email in mail.outbox] == [[caseworker.email], [kit.email]]


def test_a_notice_taken_by_a_run_that_died_is_sent_after_the_lease(caseworker: User) -> None:
    make_request(email="")
    notices().update(status=OutboxStatus.SENDING, claim="dead", claimed_at=timezone.now(), attempts=1)
    assert send_notices() == 0
    with time_machine.travel(timezone.now() + LEASE + timedelta(seconds=1)):
        assert send_notices() == 1


def test_a_sender_run_clears_its_flag_and_a_periodic_job_catches_lost_runs(caseworker: User) -> None:
    cache.add(RUN_QUEUED_FLAG, True)
    make_request(email="")
    outbox_send()
    assert cache.get(RUN_QUEUED_FLAG) is None
    jobs = {job.task_path: job for job in periodic_jobs()}
    assert jobs["chorus.core.tasks.send_outbox"].every <= timedelta(seconds=60)


def test_several_replies_before_a_run_are_one_line(caseworker: User) -> None:
    support_request, _ = make_request(email="")
    notices().delete()
    for body in ("One thing.", "Another thing.", "And a third."):
        support_member_reply(support_request=support_request, body=body)
    assert notices().count() == 3
    assert send_notices() == 1
    assert [email.subject for email in mail.outbox] == [f"The member replied on {support_request.reference}"]
    assert mail.outbox[0].body.count(_desk_url(support_request)) == 1

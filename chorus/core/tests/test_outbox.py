"""The outbox: every email is a row that a run claims, sends and settles; nothing lost, nothing twice."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from chorus.core import outbox
from chorus.core.mail import build_email
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.core.outbox import (
    LEASE,
    MAX_ATTEMPTS,
    RUN_QUEUED_FLAG,
    Envelope,
    email_staff,
    outbox_add,
    outbox_add_many,
    outbox_prune,
    outbox_row,
    outbox_send,
    retry_delay,
)
from chorus.core.tests.smtp_server import CountingHandler, free_port, smtp_mailer

pytestmark = pytest.mark.django_db

NOTE = "test.note"
BROKEN = "test.broken"
# What the test composer found for each row, so a test can see it ran again.
composed: list[int] = []


@outbox.composer(NOTE, label="Test note")
def compose_note(rows: list[OutboxMessage]) -> Iterator[Envelope]:
    for row in rows:
        composed.append(row.pk)
        data = outbox.payload_of(row)
        if data.get("nothing_to_send"):
            continue
        message = build_email(to=row.address, template="people/email/privacy_link", context={"url": "x", "minutes": 5})
        yield Envelope(message=message, rows=(row.pk,))


@outbox.composer(BROKEN, label="Test broken composer")
def compose_broken(rows: list[OutboxMessage]) -> Iterator[Envelope]:
    raise RuntimeError("a bug in one kind")
    yield  # pragma: no cover


@pytest.fixture(autouse=True)
def _fresh() -> None:
    composed.clear()


def note(address: str, **payload: Any) -> OutboxMessage:
    row = outbox_add(kind=NOTE, address=address, payload=payload or None)
    assert row is not None
    return row


def status_of(row: OutboxMessage) -> str:
    return OutboxMessage.objects.get(pk=row.pk).status


def test_a_row_is_sent_once_and_settled(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = note("sam@example.org")
    # The commit asked for a run, which the test's task backend ran at once.
    assert [message.to for message in mail.outbox] == [["sam@example.org"]]
    settled = OutboxMessage.objects.get(pk=row.pk)
    assert settled.status == OutboxStatus.SENT and settled.settled_at is not None and settled.attempts == 1
    assert outbox_send().sent == 0  # nothing goes twice
    assert len(mail.outbox) == 1


def test_the_address_is_encrypted_at_rest() -> None:
    row = note("private.person@example.org", name="Private Person")
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, payload FROM core_outboxmessage WHERE id = %s", [row.pk])
        address, payload = cursor.fetchone()
    assert "private.person" not in address and "Private" not in payload


def test_a_row_whose_composer_finds_nothing_to_send_is_skipped() -> None:
    row = note("sam@example.org", nothing_to_send=True)
    run = outbox_send()
    assert run.skipped == 1 and status_of(row) == OutboxStatus.SKIPPED and mail.outbox == []


def test_asking_twice_with_the_same_key_queues_once() -> None:
    first = outbox_add(kind=NOTE, address="sam@example.org", dedupe_key="update:1:sam")
    again = outbox_add(kind=NOTE, address="sam@example.org", dedupe_key="update:1:sam")
    many = outbox_add_many([outbox_row(kind=NOTE, address="sam@example.org", dedupe_key="update:1:sam")])
    assert first is not None and again is None and many == []
    assert outbox_send().sent == 1 and len(mail.outbox) == 1


def test_an_unknown_kind_is_refused_when_added() -> None:
    with pytest.raises(ValueError, match="No composer"):
        outbox_add(kind="test.nobody-composes-this", address="sam@example.org")


@pytest.fixture
def smtp_server() -> Iterator[CountingHandler]:
    with smtp_mailer() as handler:
        yield handler


def test_a_temporary_refusal_waits_and_tries_again(smtp_server: CountingHandler, caplog: Any) -> None:
    smtp_server.refuse["busy@example.org"] = "450 4.2.1 Try again later"
    busy, fine = note("busy@example.org"), note("fine@example.org")
    with caplog.at_level(logging.DEBUG):
        run = outbox_send()
    assert run.sent == 1 and run.retrying == 1
    waiting = OutboxMessage.objects.get(pk=busy.pk)
    assert waiting.status == OutboxStatus.PENDING and waiting.error == "SMTPRecipientsRefused 450"
    assert waiting.next_attempt_at > timezone.now() + retry_delay(1) - timedelta(seconds=5)
    assert "busy@example.org" not in caplog.text
    assert outbox_send().sent == 0  # not due yet
    del smtp_server.refuse["busy@example.org"]
    with time_machine.travel(timezone.now() + retry_delay(1) + timedelta(seconds=1)):
        assert outbox_send().sent == 1
    assert smtp_server.received == {"fine@example.org": 1, "busy@example.org": 1}
    assert status_of(fine) == status_of(busy) == OutboxStatus.SENT


def test_a_permanent_refusal_fails_for_good_and_the_rest_go(smtp_server: CountingHandler) -> None:
    smtp_server.refuse["nobody@example.org"] = "550 5.1.1 No such user"
    refused, fine = note("nobody@example.org"), note("fine@example.org")
    run = outbox_send()
    assert run.failed == 1 and run.sent == 1
    failed = OutboxMessage.objects.get(pk=refused.pk)
    assert failed.status == OutboxStatus.FAILED and failed.error == "SMTPRecipientsRefused 550"
    assert "nobody" not in failed.error
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert outbox_send().sent == 0  # never tried again
    assert status_of(fine) == OutboxStatus.SENT


def test_refused_for_now_every_time_it_fails_after_the_last_try(smtp_server: CountingHandler) -> None:
    smtp_server.refuse["busy@example.org"] = "451 4.3.0 Greylisted"
    row = note("busy@example.org")
    now = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with time_machine.travel(now, tick=False):
            outbox_send()
        current = OutboxMessage.objects.get(pk=row.pk)
        assert current.attempts == attempt
        now = current.next_attempt_at + timedelta(seconds=1)
    assert current.status == OutboxStatus.FAILED
    assert current.error == f"SMTPRecipientsRefused 451; gave up after {MAX_ATTEMPTS} tries"


def test_a_mail_server_that_cannot_be_reached_loses_nothing(settings: Any) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    rows = [note(f"person{n}@example.org") for n in range(3)]
    run = outbox_send()
    assert run.connection_failed and run.sent == 0 and run.retrying == 3
    waiting = OutboxMessage.objects.filter(pk__in=[row.pk for row in rows])
    assert {row.status for row in waiting} == {OutboxStatus.PENDING}
    assert {row.error for row in waiting} == {"ConnectionRefusedError"}


def test_a_connection_that_breaks_mid_batch_resends_only_what_may_not_have_gone(monkeypatch: Any) -> None:
    rows = [note(f"person{n}@example.org") for n in range(4)]
    real_send = EmailBackend.send_messages
    calls = []

    def break_on_the_third(self: EmailBackend, messages: Any) -> int:
        calls.append(messages[0].to[0])
        if len(calls) == 3:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", break_on_the_third)
    run = outbox_send()
    assert run.sent == 2 and run.retrying == 2 and run.connection_failed
    assert [status_of(row) for row in rows] == ["sent", "sent", "pending", "pending"]
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    with time_machine.travel(timezone.now() + retry_delay(1) + timedelta(seconds=1)):
        assert outbox_send().sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"person{n}@example.org" for n in range(4))


def test_a_run_that_died_leaves_its_rows_to_the_next_after_the_lease() -> None:
    row = note("sam@example.org")
    # A run claims the row and dies before sending.
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claim="dead-run", claimed_at=timezone.now(), attempts=1
    )
    assert outbox_send().sent == 0  # another run leaves it alone while the lease holds
    with time_machine.travel(timezone.now() + LEASE + timedelta(seconds=1)):
        assert outbox_send().sent == 1
    assert OutboxMessage.objects.get(pk=row.pk).attempts == 2


def test_a_row_that_kills_every_run_is_given_up_after_the_last_try() -> None:
    row = note("sam@example.org")
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now() - LEASE * 2, attempts=MAX_ATTEMPTS
    )
    run = outbox_send()
    assert run.failed == 1 and mail.outbox == []
    assert OutboxMessage.objects.get(pk=row.pk).error == "gave up after repeated tries"


def test_a_failing_composer_fails_its_own_rows_only(caplog: Any) -> None:
    broken = outbox_add(kind=BROKEN, address="x@example.org")
    fine = note("fine@example.org")
    assert broken is not None
    run = outbox_send()
    assert run.sent == 1 and run.failed == 1
    assert OutboxMessage.objects.get(pk=broken.pk).error == "could not be composed: RuntimeError"
    assert status_of(fine) == OutboxStatus.SENT


def test_one_queued_run_serves_a_burst(django_capture_on_commit_callbacks: Any, monkeypatch: Any) -> None:
    from chorus.core import tasks

    queued: list[Any] = []
    monkeypatch.setattr(tasks, "send_outbox", type("FakeTask", (), {"enqueue": lambda self: queued.append(1)})())
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            note(f"person{n}@example.org")
    assert len(queued) == 1 and cache.get(RUN_QUEUED_FLAG)
    run = outbox_send()
    assert run.sent == 5 and cache.get(RUN_QUEUED_FLAG) is None  # the next row asks for a new run


def test_rows_still_go_when_no_run_can_be_queued(django_capture_on_commit_callbacks: Any, monkeypatch: Any) -> None:
    from chorus.core import tasks

    def queue_down() -> None:
        raise ConnectionError("the task queue is unreachable")

    monkeypatch.setattr(tasks, "send_outbox", type("DownTask", (), {"enqueue": lambda self: queue_down()})())
    with django_capture_on_commit_callbacks(execute=True):
        row = note("sam@example.org")  # the caller's work is not undone
    assert status_of(row) == OutboxStatus.PENDING and mail.outbox == []
    assert outbox_send().sent == 1  # the periodic run


def test_staff_are_emailed_at_their_address_when_it_goes(administrator: Any) -> None:
    email_staff(user_id=administrator.pk, template="people/email/privacy_link", context={"url": "u", "minutes": 5})
    administrator.email = "new-address@chorus.test"
    administrator.save()
    assert outbox_send().sent == 1
    assert mail.outbox[0].to == ["new-address@chorus.test"]
    administrator.is_active = False
    administrator.save()
    email_staff(user_id=administrator.pk, template="people/email/privacy_link", context={"url": "u", "minutes": 5})
    assert outbox_send().skipped == 1  # left since: nothing to send


def test_settled_rows_are_deleted_after_their_retention(settings: Any) -> None:
    sent, waiting = note("a@example.org"), note("b@example.org")
    outbox_send()
    OutboxMessage.objects.filter(pk=waiting.pk).update(status=OutboxStatus.PENDING)
    later = timezone.now() + timedelta(days=settings.CHORUS_RETENTION_OUTBOX_DAYS + 1)
    assert outbox_prune(now=later) == 1
    assert not OutboxMessage.objects.filter(pk=sent.pk).exists()
    assert OutboxMessage.objects.filter(pk=waiting.pk).exists()

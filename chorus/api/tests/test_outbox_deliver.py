"""The outbox's one extension for webhooks: an envelope that delivers itself (``deliver``),
settled like an email (sent, tried again later, failed) and in the same run as emails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail

from chorus.core import outbox
from chorus.core.mail import build_email
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.core.outbox import DeliveryRefused, Envelope, outbox_add, outbox_send, payload_of

pytestmark = pytest.mark.django_db

DIRECT = "test.api.direct"
calls: list[str] = []


def _deliver(outcome: str) -> None:
    calls.append(outcome)
    if outcome == "refused":
        raise DeliveryRefused("receiver answered 503")
    if outcome == "gone":
        raise DeliveryRefused("receiver answered 410", for_good=True)
    if outcome == "broken":
        raise ConnectionError("no route")


@outbox.composer(DIRECT, label="Test direct delivery")
def compose_direct(rows: list[OutboxMessage]) -> Iterator[Envelope]:
    for row in rows:
        outcome = str(payload_of(row)["outcome"])
        if outcome == "email":
            message = build_email(
                to="x@example.org", template="people/email/privacy_link", context={"url": "x", "minutes": 5}
            )
            yield Envelope(message=message, rows=(row.pk,))
        else:
            yield Envelope(message=None, rows=(row.pk,), deliver=lambda outcome=outcome: _deliver(outcome))


@pytest.fixture(autouse=True)
def no_calls() -> Iterator[None]:
    calls.clear()
    yield
    calls.clear()


def add(outcome: str) -> OutboxMessage:
    row = outbox_add(kind=DIRECT, payload={"outcome": outcome})
    assert row is not None
    return row


def status(row: OutboxMessage) -> tuple[str, int, str]:
    row.refresh_from_db()
    return row.status, row.attempts, row.error


def test_each_outcome_is_settled_on_its_own() -> None:
    ok, refused, gone, broken = add("ok"), add("refused"), add("gone"), add("broken")
    run = outbox_send()
    assert calls == ["ok", "refused", "gone", "broken"]
    assert (run.sent, run.retrying, run.failed, run.emails) == (1, 2, 1, 0)
    assert status(ok) == (OutboxStatus.SENT, 1, "")
    assert status(refused) == (OutboxStatus.PENDING, 1, "receiver answered 503")
    assert status(gone) == (OutboxStatus.FAILED, 1, "receiver answered 410")
    assert status(broken) == (OutboxStatus.PENDING, 1, "could not deliver: ConnectionError")


def test_the_last_try_gives_up() -> None:
    row = add("refused")
    OutboxMessage.objects.filter(pk=row.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    assert outbox_send().failed == 1
    assert status(row)[0] == OutboxStatus.FAILED


def test_emails_in_the_same_batch_still_go() -> None:
    add("broken")
    add("email")
    run = outbox_send()
    assert run.emails == 1 and run.retrying == 1
    assert len(mail.outbox) == 1

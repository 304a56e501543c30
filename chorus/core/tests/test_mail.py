"""Prebuilt MIME for batch senders: the same message Django builds, over real SMTP."""

from __future__ import annotations

import smtplib
import traceback
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail
from django.core.mail import mailers

from chorus.core.mail import (
    MailNotSent,
    RenderedEmail,
    describe_mail_error,
    email_message,
    mail_errors_without_addresses,
    refused_for_good,
    send_rendered,
    send_templated_email,
)
from chorus.core.tests.mime import mime_bodies, parse_mime
from chorus.core.tests.smtp_server import CountingHandler, smtp_mailer

RENDERED = RenderedEmail(
    subject="Confirm your signature: Cameras off our wards – “now”",
    text="Thank you.\n\nOpen this link:\n\nhttps://chorus.example.org/campaigns/confirm/" + "x" * 60 + "/\n",
    html='<p>Thank you.</p>\n<p><a href="https://chorus.example.org/a?b=1&amp;c=2">Confirm – now</a></p>\n',
)


def _bodies(parsed: EmailMessage) -> tuple[str, str]:
    text, html = mime_bodies(parsed)
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


@pytest.fixture
def smtp_server() -> Iterator[CountingHandler]:
    with smtp_mailer() as handler:
        yield handler


def test_prebuilt_mime_over_smtp_matches_the_message_django_builds(smtp_server: CountingHandler) -> None:
    mailer = mailers["default"]
    mailer.open()
    try:
        send_rendered(mailer, RENDERED, to="sam@example.org", headers={"Auto-Submitted": "auto-generated"})
    finally:
        mailer.close()
    assert smtp_server.received == {"sam@example.org": 1}
    fast = parse_mime(smtp_server.samples[0])
    slow = parse_mime(
        email_message(RENDERED, to="sam@example.org", headers={"Auto-Submitted": "auto-generated"})
        .message()
        .as_bytes()
    )
    for parsed in (fast, slow):
        assert parsed.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
        assert parsed["Subject"] == RENDERED.subject
        assert parsed["To"] == "sam@example.org"
        assert parsed["Auto-Submitted"] == "auto-generated"
        assert parsed["Message-ID"] and parsed["Date"] and parsed["From"]
    assert fast["From"] == slow["From"]
    assert _bodies(fast) == _bodies(slow)
    assert _bodies(fast)[0].strip() == RENDERED.text.strip()  # the long link survives line folding


def test_without_an_smtp_connection_the_backend_sends_it(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mailer = mailers["default"]
    send_rendered(mailer, RENDERED, to="zoë@example.org")  # not ASCII: never prebuilt either
    [message] = mail.outbox
    assert message.to == ["zoë@example.org"] and message.subject == RENDERED.subject
    assert message.alternatives[0].content == RENDERED.html


# --- mail errors carry no addresses --------------------------------------------------


def test_a_refused_recipient_fails_the_send_without_naming_the_address(smtp_server: CountingHandler) -> None:
    address = "nobody@example.org"  # a name, so the traceback's source lines don't show it
    smtp_server.refuse[address] = "550 5.1.1 No such user"
    with pytest.raises(MailNotSent) as raised:
        send_templated_email(to=address, template="people/email/privacy_link", context={"url": "x"})
    assert str(raised.value) == "SMTPRecipientsRefused 550"
    # What a failed task keeps (django-tasks-db stores this traceback) and what a worker logs.
    kept = "".join(traceback.format_exception(raised.value))
    assert "MailNotSent: SMTPRecipientsRefused 550" in kept
    assert address not in kept and "No such user" not in kept
    assert smtp_server.total == 0


def test_a_lost_connection_is_described_by_its_class() -> None:
    with pytest.raises(MailNotSent, match=r"^SMTPServerDisconnected$"), mail_errors_without_addresses():
        raise smtplib.SMTPServerDisconnected("lost while sending to someone@example.org")


@pytest.mark.parametrize(
    ("error", "for_good", "described"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no")}), True, "SMTPRecipientsRefused 550"),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"later")}), False, "SMTPRecipientsRefused 450"),
        (smtplib.SMTPDataError(554, b"rejected"), True, "SMTPDataError 554"),
        (smtplib.SMTPSenderRefused(421, b"closing", "chorus@example.org"), False, "SMTPSenderRefused 421"),
        (smtplib.SMTPServerDisconnected("gone"), False, "SMTPServerDisconnected"),
    ],
)
def test_refusals_are_told_apart_by_their_codes(error: Exception, for_good: bool, described: str) -> None:
    assert refused_for_good(error) is for_good
    assert describe_mail_error(error) == described

"""Prebuilt MIME for batch senders: the same message Django builds, over real SMTP."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail
from django.core.mail import mailers

from chorus.core.mail import RenderedEmail, email_message, send_rendered
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

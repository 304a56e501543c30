"""Building email: three-part templates in Django's message, link headers kept whole,
and mail errors described without addresses."""

from __future__ import annotations

import email.policy
import smtplib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.mail import mailers

from chorus.core.mail import (
    RenderedEmail,
    describe_mail_error,
    email_message,
    one_click_unsubscribe_headers,
    refused_for_good,
)
from chorus.core.tests.mime import mime_bodies, parse_mime
from chorus.core.tests.smtp_server import CountingHandler, smtp_mailer

# Long enough that Python's email package would fold it (CPython #85725).
LONG_LINK = "https://chorus.example.org/bulletin/unsubscribe/" + "A" * 70 + ":" + "b" * 43 + "/"
RENDERED = RenderedEmail(
    subject="Confirm your signature: Cameras off our wards – “now”",
    text="Thank you.\n\nOpen this link:\n\nhttps://chorus.example.org/campaigns/confirm/" + "x" * 60 + "/\n",
    html='<p>Thank you.</p>\n<p><a href="https://chorus.example.org/a?b=1&amp;c=2">Confirm – now</a></p>\n',
)


@pytest.fixture
def smtp_server() -> Iterator[CountingHandler]:
    with smtp_mailer() as handler:
        yield handler


def _header_line(raw: bytes, name: bytes) -> bytes:
    """The header's raw line(s) as sent, folding included."""
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n", b"\n")
    lines = head.split(b"\n")
    for index, line in enumerate(lines):
        if line.lower().startswith(name.lower() + b":"):
            folded = [line]
            for following in lines[index + 1 :]:
                if not following.startswith((b" ", b"\t")):
                    break
                folded.append(following)
            return b"\n".join(folded)
    raise AssertionError(f"no {name!r} header")


@pytest.mark.parametrize(
    "policy", [email.policy.SMTP, email.policy.SMTPUTF8, email.policy.default], ids=["smtp", "smtputf8", "default"]
)
def test_list_unsubscribe_is_one_plain_line_whatever_policy_a_backend_asks_for(policy: Any) -> None:
    message = email_message(RENDERED, to="zoë@example.org", headers=one_click_unsubscribe_headers(LONG_LINK))
    raw = message.message(policy=policy).as_bytes()
    assert _header_line(raw, b"List-Unsubscribe") == b"List-Unsubscribe: <" + LONG_LINK.encode() + b">"
    assert _header_line(raw, b"List-Unsubscribe-Post") == b"List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    assert b"=?utf-8?" not in _header_line(raw, b"List-Unsubscribe")


def test_list_unsubscribe_reaches_the_smtp_server_as_one_plain_line(smtp_server: CountingHandler) -> None:
    mailers["default"].send_messages(
        [email_message(RENDERED, to="sam@example.org", headers=one_click_unsubscribe_headers(LONG_LINK))]
    )
    raw = smtp_server.samples[0]
    assert _header_line(raw, b"List-Unsubscribe") == b"List-Unsubscribe: <" + LONG_LINK.encode() + b">"
    # Everything else is still folded as usual: only the link headers are kept whole.
    parsed = parse_mime(raw)
    assert parsed["Subject"] == RENDERED.subject
    text, html = mime_bodies(parsed)
    assert text.replace("\r\n", "\n").strip() == RENDERED.text.strip()
    assert html.replace("\r\n", "\n") == RENDERED.html
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]


# --- mail errors carry no addresses --------------------------------------------------


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
    assert "example.org" not in describe_mail_error(error)

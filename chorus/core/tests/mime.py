"""Reading sent messages back in tests: parse MIME bytes and take out the two bodies."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage


def parse_mime(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def mime_bodies(parsed: EmailMessage) -> tuple[str, str]:
    """The text and HTML bodies, as sent."""
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()

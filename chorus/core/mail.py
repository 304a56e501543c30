"""Send three-part templated email: ``<name>_subject.txt``, ``_body.txt``, ``_body.html``.

Batch senders (the bulletin, signers' emails) render a template once and send many
messages from it. Building each message with Python's email package costs several
milliseconds, so on an open SMTP connection they send prebuilt MIME (``mime_bytes``)
instead: the same multipart/alternative structure, written directly.
"""

from __future__ import annotations

import binascii
import contextlib
import functools
import smtplib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str

    def with_link(self, slot: str, url: str) -> RenderedEmail:
        """This email with each recipient's own link put where the slot was rendered once for all."""
        return RenderedEmail(
            subject=self.subject,
            text=self.text.replace(slot, url),
            html=self.html.replace(slot, escape(url)),
        )


def render_email(*, template: str, context: dict[str, Any]) -> RenderedEmail:
    full_context = {"site_url": settings.SITE_URL, **context}
    return RenderedEmail(
        subject=" ".join(render_to_string(f"{template}_subject.txt", full_context).split()),
        text=render_to_string(f"{template}_body.txt", full_context),
        html=render_to_string(f"{template}_body.html", full_context),
    )


def email_message(
    rendered: RenderedEmail, *, to: str, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def build_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    return email_message(render_email(template=template, context=context), to=to, headers=headers)


def send_templated_email(
    *, to: str, template: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """Render and send one email now. Call from a task, never from a view."""
    message = build_email(to=to, template=template, context=context, headers=headers)
    with mail_errors_without_addresses():
        message.send()


# --- mail errors, described without the addresses they carry --------------------------

# The server refused one message and answered: the connection can take the next one.
MAIL_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)


class MailNotSent(Exception):
    """A message was not sent. It says only what kind of error and which SMTP code.

    smtplib's own errors name the recipient's address, and a failed task keeps its
    error in the task results table and the worker's log, where nothing encrypts it.
    """


def describe_mail_error(error: BaseException) -> str:
    """The error's class and SMTP code(s): enough to act on, and no address."""
    codes: list[str] = []
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in error.recipients.values()})
    elif isinstance(error, smtplib.SMTPResponseException):
        codes = [str(error.smtp_code)]
    return " ".join([error.__class__.__name__, *codes])[:300]


def refused_for_good(error: BaseException) -> bool:
    """Whether the server refused for good (5xx): trying the same message again won't help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


@contextlib.contextmanager
def mail_errors_without_addresses() -> Iterator[None]:
    """Turn any mail error into MailNotSent, dropping the original and the addresses in it."""
    try:
        yield
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(describe_mail_error(error)) from None


# --- prebuilt MIME for batch senders -------------------------------------------------


def header_text(value: str) -> str:
    """A header value as it may be sent: as it is when ASCII, else RFC 2047 encoded."""
    if value.isascii():
        return value
    return Header(value, "utf-8").encode()


def from_header(value: str) -> str:
    if value.isascii():
        return value
    # Only the display name may be encoded: an encoded address is no address at all.
    return formataddr(parseaddr(value))


@dataclass(frozen=True)
class Sender:
    """What every message from this site shares: worked out once, not per message."""

    from_header: str  # ready to send
    envelope_address: str
    host: str  # the site's host name, for Message-IDs and List-Id


def sender() -> Sender:
    return _sender(settings.DEFAULT_FROM_EMAIL, settings.SITE_URL)


@functools.lru_cache(maxsize=8)
def _sender(from_email: str, site_url: str) -> Sender:
    host = site_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return Sender(
        from_header=from_header(from_email),
        envelope_address=parseaddr(from_email)[1],
        host=host or "chorus.localhost",
    )


def _quoted_printable(text: str) -> bytes:
    # binascii's quoted-printable is C code: per-message MIME stays cheap at any volume.
    crlf = "\r\n".join(text.splitlines()) + "\r\n"
    return binascii.b2a_qp(crlf.encode("utf-8"), istext=True)


MIME_PART = (
    '--{boundary}\r\nContent-Type: text/{kind}; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
)


def mime_bytes(
    *,
    from_header: str,
    to: str,
    subject_header: str,
    text: str,
    html: str,
    message_id_domain: str,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A multipart/alternative message (text and HTML, both quoted-printable) as bytes.

    Header values must already be safe to send (``header_text``, ``from_header``) and
    ``to`` an ASCII address: callers fall back to ``email_message`` otherwise.
    """
    boundary = f"=_chorus_{uuid.uuid4().hex}"
    lines = [
        f"From: {from_header}",
        f"To: {to}",
        f"Subject: {subject_header}",
        f"Date: {formatdate(localtime=False)}",
        f"Message-ID: {make_msgid(domain=message_id_domain)}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        *(f"{key}: {value}" for key, value in (headers or {}).items()),
    ]
    return b"".join(
        [
            ("\r\n".join(lines) + "\r\n\r\n").encode("ascii"),
            MIME_PART.format(boundary=boundary, kind="plain").encode("ascii"),
            _quoted_printable(text),
            # The line break before a boundary belongs to the boundary, not to the body.
            b"\r\n",
            MIME_PART.format(boundary=boundary, kind="html").encode("ascii"),
            _quoted_printable(html),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        ]
    )


def open_smtp_connection(mailer: Any) -> smtplib.SMTP | None:
    """The open SMTP connection of a mail backend, if it is Django's SMTP backend and open."""
    connection = getattr(mailer, "connection", None)
    return connection if isinstance(connection, smtplib.SMTP) else None


def send_rendered(mailer: Any, rendered: RenderedEmail, *, to: str, headers: dict[str, str] | None = None) -> None:
    """Send one message on an open mailer: prebuilt MIME straight to its SMTP connection
    when it has one and the address is ASCII, otherwise through the backend."""
    smtp = open_smtp_connection(mailer)
    if smtp is None or not to.isascii():
        mailer.send_messages([email_message(rendered, to=to, headers=headers)])
        return
    site = sender()
    data = mime_bytes(
        from_header=site.from_header,
        to=to,
        subject_header=header_text(rendered.subject),
        text=rendered.text,
        html=rendered.html,
        message_id_domain=site.host,
        headers=headers,
    )
    smtp.sendmail(site.envelope_address, [to], data)

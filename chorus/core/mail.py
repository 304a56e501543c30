"""Build email: three-part templates (``<name>_subject.txt``, ``_body.txt``, ``_body.html``)
rendered into Django's ``EmailMultiAlternatives``, and mail errors told without addresses.

Nothing here sends: every email goes through the outbox (``chorus.core.outbox``), which
claims, sends and settles each message on a mail connection it keeps open for a batch.
"""

from __future__ import annotations

import email.policy
import smtplib
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape

from chorus.core.branding import organisation_name

# What every page and email that promises an email says about when it comes (the template
# tag ``{% email_arrival %}``, chorus.core.templatetags.email_promises). True to the outbox
# (chorus.core.outbox): a sender run is asked for as soon as the request is stored, and the
# periodic run every half minute catches any it missed, so the email leaves within a minute.
# Some receiving servers hold mail from a new sender, and retry after a refusal, for several
# minutes more; after a quarter of an hour the spam folder is the likelier place.
EMAIL_SENT_WITHIN = "a minute"
EMAIL_LOOK_IN_SPAM_AFTER_MINUTES = 15
EMAIL_ARRIVAL = (
    f"We send the email within {EMAIL_SENT_WITHIN}. If it has not arrived after "
    f"{EMAIL_LOOK_IN_SPAM_AFTER_MINUTES} minutes, look in your spam or junk folder."
)

# Headers that hold one long link a mail provider must read as it is.
UNFOLDED_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
# RFC 5322's hard limit for a line; 78 is only its recommendation.
LONGEST_LINE = 998


class LinkHeadersPolicy(email.policy.EmailPolicy):
    """The email policy in use, except that link headers are written on one line.

    Python's email package writes any header longer than 78 characters that has no space
    to fold at as RFC 2047 encoded-words (CPython issue #85725). In ``List-Unsubscribe``
    an encoded-word is no link at all, and mail providers then hide their unsubscribe
    button. ``fold`` and ``fold_binary`` are the policy's public hooks for this.
    """

    def fold(self, name: str, value: str) -> str:
        policy = self.clone(max_line_length=LONGEST_LINE) if name.lower() in UNFOLDED_HEADERS else self
        return str(email.policy.EmailPolicy.fold(policy, name, value))

    def fold_binary(self, name: str, value: str) -> bytes:
        policy = self.clone(max_line_length=LONGEST_LINE) if name.lower() in UNFOLDED_HEADERS else self
        return bytes(email.policy.EmailPolicy.fold_binary(policy, name, value))


# The settings of a policy that our policy carries over (every EmailPolicy option but the factories).
_POLICY_OPTIONS = (
    "max_line_length",
    "linesep",
    "cte_type",
    "raise_on_defect",
    "mangle_from_",
    "verify_generated_headers",
    "utf8",
    "refold_source",
)


def link_headers_policy(policy: email.policy.Policy) -> LinkHeadersPolicy:
    """``policy`` (a backend asks for SMTP's, or SMTPUTF8's) with link headers kept whole."""
    if isinstance(policy, LinkHeadersPolicy):
        return policy
    return LinkHeadersPolicy(**{name: getattr(policy, name) for name in _POLICY_OPTIONS if hasattr(policy, name)})


def site_host() -> str:
    """The site's host name, from SITE_URL: for Message-IDs and List-Id."""
    return urlsplit(settings.SITE_URL).hostname or "chorus.localhost"


class ChorusEmail(EmailMultiAlternatives):
    """Django's email with a plain-text body and an HTML alternative, whose link headers
    (RFC 8058 one-click unsubscribe) reach the mail provider as plain ``<https://…>``.

    Its Message-ID names the site, not the machine that happened to send it.
    """

    def message(self, *, policy: Any = email.policy.default) -> Any:
        if not any(name.lower() == "message-id" for name in self.extra_headers):
            self.extra_headers["Message-ID"] = make_msgid(domain=site_host())
        return super().message(policy=link_headers_policy(policy or email.policy.default))


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


# Many mail programs drop a <style> element or ignore its rules, so the layout's styles
# (core/email/base.html) are written into each element's style attribute. Rules that cannot
# be (the dark colour scheme, narrow screens) stay in <style> for the programs that read it.
# Nothing is fetched: a stylesheet link would be a request from the reader's mail program.
EMAIL_CSS_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """An HTML email with its stylesheet written into style attributes (docs/decisions/0027)."""
    return str(EMAIL_CSS_INLINER.inline(html))


# The template engine for plain text (config/settings/base.py): it never HTML-escapes.
PLAIN_TEXT_ENGINE = "plain_text"


def render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """A subject or text body: plain text, so nothing in it is HTML-escaped."""
    return render_to_string(template_name, context, using=PLAIN_TEXT_ENGINE)


def render_email(*, template: str, context: dict[str, Any]) -> RenderedEmail:
    full_context = {"site_url": settings.SITE_URL, "site_name": organisation_name(), **context}
    return RenderedEmail(
        subject=" ".join(render_plain_text(f"{template}_subject.txt", full_context).split()),
        text=render_plain_text(f"{template}_body.txt", full_context),
        html=inline_css(render_to_string(f"{template}_body.html", full_context)),
    )


def email_message(rendered: RenderedEmail, *, to: str, headers: dict[str, str] | None = None) -> ChorusEmail:
    message = ChorusEmail(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def build_email(
    *, to: str, template: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> ChorusEmail:
    return email_message(render_email(template=template, context=context), to=to, headers=headers)


def one_click_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058: mail programs show an unsubscribe button that POSTs to ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- mail errors, described without the addresses they carry --------------------------

# The server refused one message and answered: the connection can take the next one.
MAIL_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)
# Anything a mail backend raises when the server or the connection fails.
MAIL_ERRORS = (OSError, smtplib.SMTPException)


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

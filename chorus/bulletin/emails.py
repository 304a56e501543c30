"""Render bulletin emails: the issue once, then a cheap personalisation per recipient.

Rendering Django templates for every recipient would dominate send time, so the
issue is rendered once with placeholders and each message fills them in. No
tracking pixels, no link rewriting: links go straight to their pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Revision

from chorus.bulletin.models import BulletinIssue
from chorus.bulletin.tokens import manage_token
from chorus.core.mail import header_text, mime_bytes, sender

GREETING = "@@CHORUS_GREETING@@"
PREFERENCES_URL = "@@CHORUS_PREFERENCES_URL@@"
UNSUBSCRIBE_URL = "@@CHORUS_UNSUBSCRIBE_URL@@"
TEMPLATE = "bulletin/email/issue"


def absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + "/" + url.lstrip("/")


def issue_sections(issue: BulletinIssue) -> list[dict[str, Any]]:
    """The StreamField as plain data both the web page and the emails render."""
    sections: list[dict[str, Any]] = []
    for block in issue.sections:
        value = block.value
        if block.block_type == "section":
            sections.append(
                {
                    "kind": "section",
                    "heading": value["heading"],
                    "intro": value.get("intro", ""),
                    "items": [
                        {"title": item["title"], "url": absolute(item["url"]), "summary": item.get("summary", "")}
                        for item in value["items"]
                    ],
                }
            )
        else:
            paragraphs = [part.strip() for part in str(value["text"]).split("\n\n") if part.strip()]
            sections.append({"kind": "message", "heading": value.get("heading", ""), "paragraphs": paragraphs})
    return sections


def unsubscribe_url(subscription_id: int, token: str | None = None) -> str:
    return absolute(reverse("bulletin:unsubscribe", args=[token or manage_token(subscription_id)]))


def preferences_url(subscription_id: int, token: str | None = None) -> str:
    return absolute(reverse("bulletin:preferences", args=[token or manage_token(subscription_id)]))


# Stands in for a subscriber's signed token while a link's fixed parts are worked out;
# plain letters, so reverse() leaves it as it is.
LINK_SLOT = "CHORUSLINKSLOT"


@dataclass(frozen=True)
class LinkPattern:
    """A personal link split around its token, so each recipient costs a join, not a URL reverse."""

    before: str
    after: str

    @classmethod
    def for_route(cls, route: str) -> LinkPattern:
        url = absolute(reverse(route, args=[LINK_SLOT]))
        before, _, after = url.partition(LINK_SLOT)
        return cls(before=before, after=after)

    def with_token(self, token: str) -> str:
        return f"{self.before}{token}{self.after}"


@dataclass(frozen=True)
class IssueConstants:
    """What every recipient's message of one issue shares, worked out once per worker."""

    from_header: str
    subject_header: str
    envelope_sender: str
    list_host: str
    list_id: str
    unsubscribe: LinkPattern
    preferences: LinkPattern


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    text: str
    html: str

    @cached_property
    def constants(self) -> IssueConstants:
        # Worked out on first use and kept with the rendering: the same for every recipient.
        site = sender()
        return IssueConstants(
            from_header=site.from_header,
            subject_header=header_text(self.subject),
            envelope_sender=site.envelope_address,
            list_host=site.host,
            list_id=f"Chorus members' bulletin <bulletin.{site.host}>",
            unsubscribe=LinkPattern.for_route("bulletin:unsubscribe"),
            preferences=LinkPattern.for_route("bulletin:preferences"),
        )


def render_issue(issue: BulletinIssue, *, personal: bool = True) -> RenderedIssue:
    """Render once; with ``personal`` the greeting and links are placeholders to fill per recipient."""
    context = {
        "site_url": settings.SITE_URL,
        "issue": issue,
        "sections": issue_sections(issue),
        "web_url": absolute(issue.url or "") if issue.url else "",
        "greeting": GREETING if personal else "Hello,",
        "preferences_url": PREFERENCES_URL if personal else "",
        "unsubscribe_url": UNSUBSCRIBE_URL if personal else "",
    }
    subject = " ".join(render_to_string(f"{TEMPLATE}_subject.txt", context).split())
    return RenderedIssue(
        subject=subject,
        text=render_to_string(f"{TEMPLATE}_body.txt", context),
        html=render_to_string(f"{TEMPLATE}_body.html", context),
    )


def render_revision(revision: Revision) -> RenderedIssue:
    """One published version of an issue, as its subscribers get it.

    Senders render the revision fixed when sending started, never the live row, so an
    issue published again mid-send reaches every recipient the same. The staff preview
    calls this too, with the revision the "Send now" button carries.
    """
    issue = revision.as_object()
    if not isinstance(issue, BulletinIssue):
        raise TypeError(f"Revision {revision.pk} is not of a bulletin issue.")
    return render_issue(issue)


def html_body(html: str) -> str:
    """What lies inside ``<body>`` of an email rendered from our templates, to show on a staff page."""
    start = html.index("<body>") + len("<body>")
    return html[start : html.rindex("</body>")]


def _clean_name(name: str) -> str:
    # Names are typed by the public: keep them to one printable line.
    return " ".join("".join(ch for ch in name if ch.isprintable()).split())[:100]


@dataclass(frozen=True)
class Personal:
    text: str
    html: str
    unsubscribe: str
    headers: dict[str, str]


def _personal(rendered: RenderedIssue, *, name: str, subscription_id: int) -> Personal:
    name = _clean_name(name)
    greeting = f"Hello {name}," if name else "Hello,"
    constants = rendered.constants
    token = manage_token(subscription_id)
    unsubscribe = constants.unsubscribe.with_token(token)
    preferences = constants.preferences.with_token(token)
    text = (
        rendered.text.replace(GREETING, greeting)
        .replace(PREFERENCES_URL, preferences)
        .replace(UNSUBSCRIBE_URL, unsubscribe)
    )
    html = (
        rendered.html.replace(GREETING, escape(greeting))
        .replace(PREFERENCES_URL, escape(preferences))
        .replace(UNSUBSCRIBE_URL, escape(unsubscribe))
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": constants.list_id,
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
    }
    return Personal(text=text, html=html, unsubscribe=unsubscribe, headers=headers)


def personalise(rendered: RenderedIssue, *, to: str, name: str, subscription_id: int) -> EmailMultiAlternatives:
    """One recipient's message: greeting, preferences link, RFC 8058 one-click unsubscribe."""
    personal = _personal(rendered, name=name, subscription_id=subscription_id)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=personal.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=personal.headers,
    )
    message.attach_alternative(personal.html, "text/html")
    return message


def message_bytes(rendered: RenderedIssue, *, to: str, name: str, subscription_id: int) -> bytes:
    """The same message as ``personalise`` as ready-to-send MIME bytes, without the email package.

    Building each message with Python's email package costs several milliseconds, which
    caps a worker far below the target rate; this writes the same multipart/alternative
    structure directly. Only used for ASCII addresses (the caller falls back otherwise).
    """
    personal = _personal(rendered, name=name, subscription_id=subscription_id)
    constants = rendered.constants
    return mime_bytes(
        from_header=constants.from_header,
        to=to,
        subject_header=constants.subject_header,
        text=personal.text,
        html=personal.html,
        message_id_domain=constants.list_host,
        headers=personal.headers,
    )

"""Render bulletin emails: each edition of the issue once, then a cheap personalisation per
recipient; and the answers to the subscribe form, which go through the outbox.

Rendering Django templates for every recipient would dominate send time, so each
edition (the sections for one set of chosen topics, chorus.bulletin.editions) is
rendered once with placeholders and each message fills them in. No tracking pixels,
no link rewriting: links go straight to their pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Revision

from chorus.bulletin.editions import (
    FULL,
    Edition,
    edition_for,
    edition_key,
    edition_sections,
    issue_areas,
    parse_edition_key,
    parse_topics_key,
)
from chorus.bulletin.models import (
    SCHEDULE_FAILED_EMAIL,
    SUBSCRIBE_REQUEST_EMAIL,
    TEST_SEND_EMAIL,
    BulletinIssue,
    IssueStatus,
)
from chorus.bulletin.tokens import confirm_token, manage_token
from chorus.core import outbox
from chorus.core.branding import organisation_name
from chorus.core.mail import (
    ChorusEmail,
    build_email,
    inline_css,
    one_click_unsubscribe_headers,
    render_plain_text,
    site_host,
)
from chorus.core.models import OutboxMessage
from chorus.pages.models import PriorityAreaPage

GREETING = "@@CHORUS_GREETING@@"
PREFERENCES_URL = "@@CHORUS_PREFERENCES_URL@@"
UNSUBSCRIBE_URL = "@@CHORUS_UNSUBSCRIBE_URL@@"
TEMPLATE = "bulletin/email/issue"


def absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + "/" + url.lstrip("/")


def issue_sections(issue: BulletinIssue) -> list[dict[str, Any]]:
    """The StreamField as plain data both the web page and the emails render.

    ``area_id`` is the priority area a section is for, or None for a section every
    subscriber gets (chorus.bulletin.editions).
    """
    sections: list[dict[str, Any]] = []
    for block in issue.sections:
        value = block.value
        if block.block_type == "section":
            area = value.get("priority_area")
            sections.append(
                {
                    "kind": "section",
                    "heading": value["heading"],
                    "area_id": area.pk if area is not None else None,
                    "intro": value.get("intro", ""),
                    "items": [
                        {"title": item["title"], "url": absolute(item["url"]), "summary": item.get("summary", "")}
                        for item in value["items"]
                    ],
                }
            )
        else:
            paragraphs = [part.strip() for part in str(value["text"]).split("\n\n") if part.strip()]
            sections.append(
                {"kind": "message", "heading": value.get("heading", ""), "area_id": None, "paragraphs": paragraphs}
            )
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
class RenderedIssue:
    subject: str
    text: str
    html: str

    @cached_property
    def links(self) -> tuple[LinkPattern, LinkPattern]:
        # Worked out on first use and kept with the rendering: the same for every recipient.
        return LinkPattern.for_route("bulletin:unsubscribe"), LinkPattern.for_route("bulletin:preferences")


def list_id() -> str:
    """RFC 2919: mail programs group and filter the bulletin by this."""
    return f"Chorus members' bulletin <bulletin.{site_host()}>"


def area_titles(area_ids: Iterable[int]) -> dict[int, str]:
    return dict(PriorityAreaPage.objects.filter(pk__in=list(area_ids)).values_list("pk", "title"))


def words_list(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def edition_note(edition: Edition, titles: dict[int, str]) -> str:
    """What a subscriber who chose topics is told about their edition; nothing for the full one."""
    if edition is None:
        return ""
    if not edition:
        return "There is nothing this week on the topics you chose, so this email has only the news for everyone."
    names = words_list(sorted(titles.get(pk, "") for pk in edition if titles.get(pk)))
    return f"You chose your topics, so this email has our news on {names}, and the news for everyone."


class IssueEditions:
    """One version of an issue, rendered once for each edition its recipients need, on first use.

    A send renders a handful of editions (one per set of topics people chose), never one
    per recipient; each message then only fills in its greeting and links.
    """

    def __init__(self, issue: BulletinIssue) -> None:
        self.issue = issue
        self.sections = issue_sections(issue)
        self.areas = issue_areas(self.sections)
        self._titles: dict[int, str] | None = None
        self._rendered: dict[str, RenderedIssue] = {}

    @property
    def titles(self) -> dict[int, str]:
        if self._titles is None:
            self._titles = area_titles(self.areas)
        return self._titles

    def edition_of(self, chosen_topics: str) -> Edition:
        """The edition for a recipient whose delivery recorded ``chosen_topics``."""
        return edition_for(chosen=parse_topics_key(chosen_topics), areas=self.areas)

    def rendered(self, edition: Edition) -> RenderedIssue:
        key = edition_key(edition)
        if key not in self._rendered:
            self._rendered[key] = _render(self.issue, edition_sections(self.sections, edition), edition, self.titles)
        return self._rendered[key]

    def for_recipient(self, chosen_topics: str) -> RenderedIssue:
        return self.rendered(self.edition_of(chosen_topics))


def _render(
    issue: BulletinIssue, sections: list[Any], edition: Edition, titles: dict[int, str], *, personal: bool = True
) -> RenderedIssue:
    context = {
        "site_url": settings.SITE_URL,
        "site_name": organisation_name(),
        "issue": issue,
        "sections": sections,
        "edition_note": edition_note(edition, titles),
        "web_url": absolute(issue.url or "") if issue.url else "",
        "greeting": GREETING if personal else "Hello,",
        "preferences_url": PREFERENCES_URL if personal else "",
        "unsubscribe_url": UNSUBSCRIBE_URL if personal else "",
    }
    subject = " ".join(render_plain_text(f"{TEMPLATE}_subject.txt", context).split())
    return RenderedIssue(
        subject=subject,
        text=render_plain_text(f"{TEMPLATE}_body.txt", context),
        # Inlined here, once per edition: personalising afterwards only swaps placeholders.
        html=inline_css(render_to_string(f"{TEMPLATE}_body.html", context)),
    )


def render_issue(issue: BulletinIssue, *, personal: bool = True, chosen_topics: str = "") -> RenderedIssue:
    """Render once for everyone who chose ``chosen_topics`` (empty: every topic, the full issue).

    With ``personal`` the greeting and links are placeholders to fill per recipient.
    """
    editions = IssueEditions(issue)
    edition = editions.edition_of(chosen_topics)
    return _render(issue, edition_sections(editions.sections, edition), edition, editions.titles, personal=personal)


def revision_issue(revision: Revision) -> BulletinIssue:
    issue = revision.as_object()
    if not isinstance(issue, BulletinIssue):
        raise TypeError(f"Revision {revision.pk} is not of a bulletin issue.")
    return issue


def revision_editions(revision: Revision) -> IssueEditions:
    """One published version of an issue, as its subscribers get it, edition by edition.

    Senders render the revision fixed when sending started, never the live row, so an
    issue published again mid-send reaches every recipient the same. The staff preview
    uses this too, with the revision the "Send now" button carries.
    """
    return IssueEditions(revision_issue(revision))


def render_revision(revision: Revision, *, edition: Edition = FULL) -> RenderedIssue:
    """One edition of one published version (the full issue unless told otherwise)."""
    return revision_editions(revision).rendered(edition)


def html_body(html: str) -> str:
    """What lies inside ``<body>`` of an email rendered from our templates, to show on a staff page."""
    # The inliner may give <body> attributes, so the tag ends at its own ">".
    start = html.index(">", html.index("<body")) + 1
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
    unsubscribe_pattern, preferences_pattern = rendered.links
    token = manage_token(subscription_id)
    unsubscribe = unsubscribe_pattern.with_token(token)
    preferences = preferences_pattern.with_token(token)
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
        **one_click_unsubscribe_headers(unsubscribe),
        "List-Id": list_id(),
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
    }
    return Personal(text=text, html=html, unsubscribe=unsubscribe, headers=headers)


def personalise(rendered: RenderedIssue, *, to: str, name: str, subscription_id: int) -> ChorusEmail:
    """One recipient's message: greeting, preferences link, RFC 8058 one-click unsubscribe."""
    personal = _personal(rendered, name=name, subscription_id=subscription_id)
    message = ChorusEmail(
        subject=rendered.subject,
        body=personal.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=personal.headers,
    )
    message.attach_alternative(personal.html, "text/html")
    return message


# --- answering a subscribe form (through the outbox) ------------------------------------


@outbox.composer(SUBSCRIBE_REQUEST_EMAIL, label="Bulletin sign-up: confirmation link or already-subscribed note")
def compose_subscribe_answers(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """File each subscribe request, then send its confirmation link or "already subscribed" note.

    Filing again for a row that comes back after a broken connection changes nothing that
    matters: the subscription is found again and a fresh link replaces the last.
    """
    from chorus.bulletin.services.subscriptions import subscription_request

    for row in rows:
        data = outbox.payload_of(row)
        if not row.address:
            continue
        answer = subscription_request(
            email=row.address,
            name=str(data.get("name", "")),
            topic_ids=[int(pk) for pk in data.get("topics", [])],
            source=str(data.get("source", "bulletin subscribe form")),
        )
        subscription = answer.subscription
        if answer.email == "confirm":
            assert subscription.confirmation_sent_at is not None
            token = confirm_token(subscription.pk, subscription.confirmation_sent_at)
            message = build_email(to=row.address, template="bulletin/email/confirm", context={"token": token})
        elif answer.email == "already_subscribed":
            message = build_email(
                to=row.address,
                template="bulletin/email/already_subscribed",
                context={"token": manage_token(subscription.pk)},
            )
        else:
            continue  # the address had its share of emails today
        yield outbox.Envelope(message=message, rows=(row.pk,))


@outbox.composer(SCHEDULE_FAILED_EMAIL, label="Bulletin: a scheduled issue was not sent")
def compose_schedule_failures(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """That a scheduled issue was not sent, and why; nothing if it has been scheduled or sent again since."""
    from django.contrib.auth import get_user_model

    issues = {
        issue.pk: issue
        for issue in BulletinIssue.objects.filter(pk__in={row.about_id for row in rows}).select_related("scheduled_by")
    }
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in={row.user_id for row in rows})}
    for row in rows:
        issue = issues.get(row.about_id or 0)
        user = users.get(row.user_id or 0)
        if issue is None or issue.status != IssueStatus.DRAFT or not issue.schedule_failed_reason:
            continue
        if user is None or not user.is_active or not user.email:
            continue
        stand_ins = bool(outbox.payload_of(row).get("stand_ins"))
        context = {
            "issue": issue,
            "name": "" if stand_ins else user.get_full_name(),
            "stand_ins": stand_ins,
            "sending_url": settings.SITE_URL + reverse("bulletin_admin:detail", args=[issue.pk]),
        }
        message = build_email(to=user.email, template="bulletin/email/schedule_failed", context=context)
        yield outbox.Envelope(message=message, rows=(row.pk,))


# --- a test send to a member of staff (through the outbox) -------------------------------

TEST_SUBJECT_PREFIX = "TEST: "
TEST_NOTICE = "TEST – this is a test of the bulletin, sent only to you. No subscriber has been sent anything."


def marked_test_message(rendered: RenderedIssue, *, to: str, name: str) -> ChorusEmail:
    """One edition as a subscriber gets it, marked as a test in its subject and at the top of its body.

    Its links are a sample subscriber's (number 0, which matches no one), and it carries no
    bulk-mail headers: it is one email to one member of staff, not a mailing.
    """
    personal = _personal(rendered, name=name, subscription_id=0)
    body_start = personal.html.index(">", personal.html.index("<body")) + 1
    banner = (
        '<p style="margin:0;padding:12px 16px;background:#ffdd00;color:#0b0c0c;'
        f'font-weight:bold;border-bottom:4px solid #0b0c0c">{escape(TEST_NOTICE)}</p>'
    )
    message = ChorusEmail(
        subject=f"{TEST_SUBJECT_PREFIX}{rendered.subject}",
        body=f"{TEST_NOTICE}\n\n{personal.text}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(personal.html[:body_start] + banner + personal.html[body_start:], "text/html")
    return message


@outbox.composer(TEST_SEND_EMAIL, label="Bulletin: a test of an issue, to the member of staff who asked")
def compose_test_sends(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """The version and edition the staff member chose, to their own address as it is when sent."""
    from django.contrib.auth import get_user_model

    users = {user.pk: user for user in get_user_model().objects.filter(pk__in={row.user_id for row in rows})}
    for row in rows:
        data = outbox.payload_of(row)
        user = users.get(row.user_id or 0)
        revision = Revision.objects.filter(pk=int(data.get("revision", 0))).first()
        if user is None or not user.is_active or not user.email or revision is None:
            continue  # the person left, or the version is no longer on record
        rendered = revision_editions(revision).rendered(parse_edition_key(str(data.get("edition", ""))))
        message = marked_test_message(rendered, to=user.email, name=user.first_name)
        yield outbox.Envelope(message=message, rows=(row.pk,))

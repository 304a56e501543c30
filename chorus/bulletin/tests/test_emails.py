"""The bulletin email itself: MIME structure, RFC 8058 headers, personalisation, no tracking."""

from __future__ import annotations

import email.policy
import re
from typing import Any

import pytest
from django.test import override_settings
from django.utils.html import escape

from chorus.bulletin.emails import personalise, preferences_url, render_issue, unsubscribe_url
from chorus.bulletin.tests.factories import make_index, make_issue
from chorus.bulletin.tokens import read_manage_token
from chorus.core.tests.mime import mime_bodies, parse_mime

pytestmark = pytest.mark.django_db


def message_bytes(rendered: Any, *, to: str, name: str, subscription_id: int) -> bytes:
    """One recipient's message as the SMTP backend sends it."""
    message = personalise(rendered, to=to, name=name, subscription_id=subscription_id)
    return bytes(message.message(policy=email.policy.SMTP).as_bytes())


@pytest.fixture
def rendered() -> Any:
    return render_issue(make_issue(make_index()))


def test_the_message_has_both_bodies_and_one_click_unsubscribe(rendered: Any) -> None:
    raw = message_bytes(rendered, to="zoe@example.org", name="Zoë Ångström", subscription_id=42)
    parsed = parse_mime(raw)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["To"] == "zoe@example.org"
    assert parsed["Subject"] == "Members' bulletin, 1 December 2026"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Message-ID"] and parsed["Date"]
    url = parsed["List-Unsubscribe"][1:-1]
    assert url.startswith("http") and read_manage_token(url.rstrip("/").rsplit("/", 1)[-1]) == 42
    text, _ = mime_bodies(parsed)
    assert "Hello Zoë Ångström," in text
    assert url in text
    # On the wire, as mail providers read it: one plain line, never an RFC 2047 encoded-word.
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in raw


def test_list_unsubscribe_is_plain_for_a_non_ascii_address_too(rendered: Any) -> None:
    message = personalise(rendered, to="zoë@example.org", name="", subscription_id=98765)
    raw = bytes(message.message(policy=email.policy.SMTPUTF8).as_bytes())
    assert f"\r\nList-Unsubscribe: <{unsubscribe_url(98765)}>\r\n".encode() in raw
    assert b"List-Unsubscribe: =?" not in raw


def test_no_tracking_and_accessible_structure(rendered: Any) -> None:
    text, html = mime_bodies(parse_mime(message_bytes(rendered, to="a@example.org", name="", subscription_id=1)))
    assert "Hello," in text
    assert "<img" not in html.lower()
    assert 'lang="en-GB"' in html
    # Real headings (styled by attributes the inliner writes in).
    assert re.search(r"<h1[^>]*>Members' bulletin, 1 December 2026</h1>", html)
    assert re.search(r"<h2[^>]*>New from the network</h2>", html)
    assert "Unsubscribe from the bulletin</a>" in html  # link text that makes sense alone
    assert 'href="https://coalition.example.org/s"' in html  # links are not rewritten
    assert "NEW FROM THE NETWORK" in text


def test_names_cannot_inject_headers_or_markup(rendered: Any) -> None:
    data = message_bytes(rendered, to="a@example.org", name="Eve\r\nBcc: x@evil.example <b>", subscription_id=1)
    parsed = parse_mime(data)
    assert parsed["Bcc"] is None
    _, html = mime_bodies(parsed)
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_personal_links_are_exactly_the_reversed_urls(rendered: Any) -> None:
    # Messages splice each token into links worked out once per issue; they must be the
    # very links reverse() gives, in the headers and in both bodies.
    for subscription_id in (1, 42, 98765):
        parsed = parse_mime(message_bytes(rendered, to="a@example.org", name="Sam", subscription_id=subscription_id))
        unsubscribe, preferences = unsubscribe_url(subscription_id), preferences_url(subscription_id)
        assert parsed["List-Unsubscribe"] == f"<{unsubscribe}>"
        text, html = mime_bodies(parsed)
        assert f"Unsubscribe: {unsubscribe}" in text and preferences in text
        assert f'href="{escape(unsubscribe)}"' in html and f'href="{escape(preferences)}"' in html


def test_links_and_headers_shared_by_an_issue_come_from_the_settings() -> None:
    with override_settings(SITE_URL="https://members.example.net", DEFAULT_FROM_EMAIL="Zoë <news@example.net>"):
        later = render_issue(make_issue(make_index()))
        parsed = parse_mime(message_bytes(later, to="a@example.org", name="", subscription_id=7))
        assert parsed["List-Unsubscribe"] == f"<{unsubscribe_url(7)}>"
        assert parsed["List-Unsubscribe"].startswith("<https://members.example.net/bulletin/unsubscribe/")
        assert parsed["From"] == "Zoë <news@example.net>"
        assert parsed["List-Id"] == "Chorus members' bulletin <bulletin.members.example.net>"
        assert parsed["Message-ID"].endswith("@members.example.net>")

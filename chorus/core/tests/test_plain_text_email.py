"""Subjects and text bodies are plain text: never HTML-escaped, whatever the template forgets."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chorus.core.mail import render_email

pytestmark = pytest.mark.django_db


def test_plain_text_parts_are_not_escaped_and_the_html_part_is() -> None:
    # A template with no {% autoescape off %} of its own: the plain-text engine is what keeps it plain.
    title = 'Beds & wards: "safe" <now>'
    rendered = render_email(
        template="campaigns/email/already_signed",
        context={"action": SimpleNamespace(title=title), "action_url": "https://chorus.test/a?x=1&y=2"},
    )
    assert rendered.subject == f"You have already signed: {title}"
    assert title in rendered.text and "https://chorus.test/a?x=1&y=2" in rendered.text
    assert "&amp;" not in rendered.text and "&lt;" not in rendered.text
    assert "Beds &amp; wards" in rendered.html and "<now>" not in rendered.html

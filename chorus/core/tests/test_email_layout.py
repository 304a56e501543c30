"""Every HTML email shares one accessible layout, with its CSS written into style attributes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from chorus.core.mail import build_email, inline_css

CHORUS = Path(settings.BASE_DIR) / "chorus"
HTML_EMAILS = sorted(CHORUS.glob("*/templates/**/*_body.html"))


def test_there_are_html_emails_to_check() -> None:
    assert len(HTML_EMAILS) >= 14


@pytest.mark.parametrize("path", HTML_EMAILS, ids=lambda path: str(path.relative_to(CHORUS)))
def test_every_html_email_uses_the_shared_layout_with_a_heading(path: Path) -> None:
    source = path.read_text()
    assert source.startswith('{% extends "core/email/base.html" %}')
    assert "{% block title %}" in source
    assert re.search(r"<h1>", source), "each email says what it is in a real top heading"
    # Pictures fetched from a server say when an email was opened; none carries meaning alone.
    for img in re.findall(r"<img\b[^>]*>", source):
        assert re.search(r'\balt="', img)


@pytest.mark.django_db  # the layout names the organisation, from its settings (chorus.core.branding)
def test_the_layout_is_inlined_with_dark_mode_and_narrow_screen_rules_kept() -> None:
    message = build_email(to="a@example.org", template="bulletin/email/confirm", context={"token": "t"})
    html = str(message.alternatives[0][0])
    text = str(message.body)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB" dir="ltr">' in html
    assert '<meta name="color-scheme" content="light dark">' in html
    assert re.search(r'<h1 style="[^"]*font-size: 28px', html)  # styled where mail programs look
    assert re.search(r'class="email-column" style="box-sizing: border-box;max-width: 600px;', html)
    assert re.search(r'<a href="[^"]+" style="color: #1a4d8f;text-decoration: underline;">', html)
    # Only the rules an attribute cannot hold stay in <style>: the dark palette and phone widths.
    [style] = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert style.lstrip().startswith("@media (prefers-color-scheme: dark)") and "@media (max-width: 620px)" in style
    assert "<link" not in html and "<img" not in html
    assert 'role="article" aria-roledescription="email"' in html
    # The plain-text part is still there, and has no markup.
    assert "<p" not in text and "style=" not in text
    assert "/bulletin/confirm/t/" in text


def test_inlining_never_fetches_a_stylesheet() -> None:
    html = inline_css(
        '<html><head><link rel="stylesheet" href="https://evil.example/x.css"></head><body><p>Hi</p></body></html>'
    )
    assert "<p>Hi</p>" in html  # the remote sheet was neither fetched nor an error

"""Reading a form's one-time key off a rendered page, for tests that post a form twice."""

from __future__ import annotations

import re

KEY_INPUT = re.compile(r'<input type="hidden" name="submission_key" value="([^"]+)"')


def keys_on(content: str | bytes) -> list[str]:
    """Every one-time key on the page, in the order of their forms."""
    text = content.decode() if isinstance(content, bytes) else content
    return KEY_INPUT.findall(text)


def key_after(content: str | bytes, marker: str) -> str:
    """The first key on the page after ``marker`` (such as a form's hidden action input)."""
    text = content.decode() if isinstance(content, bytes) else content
    found = KEY_INPUT.search(text, text.index(marker))
    assert found is not None, f"no one-time key after {marker!r}"
    return found.group(1)

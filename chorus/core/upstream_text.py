"""Text from outside services, made plain before we store and show it.

Importers copy titles and summaries from other organisations' APIs, and those
sometimes carry markup: a stray ``<p>``, an entity, or worse. We keep none of it.
nh3 (a maintained HTML sanitiser) removes every tag, and the content of scripts and
styles with it, so what we store is only the words; templates escape it again when
they show it. Django's ``strip_tags`` is not meant for hostile input, so it is not
used here.
"""

from __future__ import annotations

import html
import re

import nh3

# Blocks and line breaks separate words that sit in different paragraphs or items.
BLOCK_EDGE = re.compile(r"(</?(?:p|div|li|ul|ol|h[1-6]|td|th|tr|table|blockquote)\b[^>]*>|<br\s*/?>)", re.IGNORECASE)


def plain_text(value: str) -> str:
    """The words of a piece of upstream text or HTML, on one line, without any markup."""
    if "<" not in value and "&" not in value:
        return " ".join(value.split())
    cleaned = nh3.clean(BLOCK_EDGE.sub(r" \1 ", value), tags=set())
    return " ".join(html.unescape(cleaned).split())

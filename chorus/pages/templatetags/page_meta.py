"""The description every page gives search engines."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.text import Truncator

register = template.Library()

DESCRIPTION_WORDS = 40


@register.simple_tag(takes_context=True)
def meta_description(context: template.Context) -> str:
    """The view's own description, else the page's search description, summary or intro, else the network's."""
    page: Any = context.get("page")
    candidates = [context.get("meta_description")]
    if page is not None:
        candidates += [getattr(page, name, "") for name in ("search_description", "summary", "intro")]
    organisation: Any = context.get("organisation")
    candidates.append(getattr(organisation, "description", ""))
    found = next((str(text).strip() for text in candidates if text and str(text).strip()), "")
    return Truncator(" ".join(found.split())).words(DESCRIPTION_WORDS)

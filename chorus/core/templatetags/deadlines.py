"""``{{ action.closing_date|closing_in_words }}``: the one wording of a deadline (chorus.core.deadlines)."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from chorus.core import deadlines

register = template.Library()


@register.filter
def closing_in_words(closes: date | datetime | None) -> str:
    """ "closes in 5 days (Sat 12 Dec)", "closes today (Mon 7 Dec)", "closed (Fri 4 Dec)"; "" for no deadline."""
    if closes is None or closes == "":
        return ""
    return deadlines.closing_in_words(closes)

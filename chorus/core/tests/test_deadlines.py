"""Deadlines in words, counted in UK calendar days, across midnight and the clock change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from chorus.core.deadlines import closing_in_words, days_left, is_closed

# Monday 7 December 2026, GMT (London is UTC+0 in winter).
MONDAY_LATE = datetime(2026, 12, 7, 23, 59, tzinfo=UTC)
TUESDAY_EARLY = datetime(2026, 12, 8, 0, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("closes", "now", "words"),
    [
        (date(2026, 12, 12), MONDAY_LATE, "closes in 5 days (Sat 12 Dec)"),
        (date(2026, 12, 12), TUESDAY_EARLY, "closes in 4 days (Sat 12 Dec)"),
        (date(2026, 12, 8), MONDAY_LATE, "closes tomorrow (Tue 8 Dec)"),
        (date(2026, 12, 8), TUESDAY_EARLY, "closes today (Tue 8 Dec)"),
        (date(2026, 12, 7), MONDAY_LATE, "closes today (Mon 7 Dec)"),
        (date(2026, 12, 7), TUESDAY_EARLY, "closed (Mon 7 Dec)"),
        (date(2027, 1, 4), MONDAY_LATE, "closes in 28 days (Mon 4 Jan 2027)"),
    ],
)
def test_a_closing_date_in_words_turns_over_at_uk_midnight(closes: date, now: datetime, words: str) -> None:
    assert closing_in_words(closes, now=now) == words


def test_a_closing_moment_is_counted_in_london_days_in_summer_time() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): already the next UK day.
    now = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    closes = datetime(2026, 7, 1, 22, 59, tzinfo=UTC)  # 23:59 on 1 July in London
    assert days_left(closes, now=now) == 0
    assert closing_in_words(closes, now=now) == "closes today (Wed 1 Jul)"
    # By UTC dates alone it would have said "tomorrow".
    assert closing_in_words(closes, now=datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "closes tomorrow (Wed 1 Jul)"


def test_a_closing_moment_has_closed_once_it_passes_even_on_the_same_day() -> None:
    closes = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert not is_closed(closes, now=datetime(2026, 12, 7, 11, 59, tzinfo=UTC))
    assert closing_in_words(closes, now=datetime(2026, 12, 7, 11, 59, tzinfo=UTC)) == "closes today (Mon 7 Dec)"
    assert closing_in_words(closes, now=datetime(2026, 12, 7, 12, 0, tzinfo=UTC)) == "closed (Mon 7 Dec)"


def test_the_template_filter_uses_the_same_words() -> None:
    template = Template("{% load deadlines %}[{{ day|closing_in_words }}][{{ none|closing_in_words }}]")
    html = template.render(Context({"day": date(2999, 1, 1), "none": None}))
    assert html.startswith("[closes in ") and "(Tue 1 Jan 2999)]" in html
    assert html.endswith("[]")

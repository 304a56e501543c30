"""Deadlines in words: "closes in 5 days (Sat 12 Dec)", "closes today", "closed".

One wording for every deadline a reader sees (campaign actions, tracker windows), counted
in calendar days in Europe/London: "tomorrow" means the reader's tomorrow, whatever the
server's clock or the clock change.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def london_day(moment: date | datetime) -> date:
    """The UK calendar day of a moment; a date is its own day."""
    if isinstance(moment, datetime):
        return moment.astimezone(LONDON).date() if timezone.is_aware(moment) else moment.date()
    return moment


def days_left(closes: date | datetime, *, now: datetime | None = None) -> int:
    """Whole UK days from today to the closing day: 0 today, 1 tomorrow, negative once past."""
    return (london_day(closes) - london_day(now or timezone.now())).days


def is_closed(closes: date | datetime, *, now: datetime | None = None) -> bool:
    """A date closes at the end of that day; a moment closes at that moment."""
    now = now or timezone.now()
    if isinstance(closes, datetime):
        return closes <= now
    return days_left(closes, now=now) < 0


def short_day(day: date, *, today: date) -> str:
    """ "Sat 12 Dec", with the year only when it is not this year's."""
    words = f"{day:%a} {day.day} {day:%b}"
    return words if day.year == today.year else f"{words} {day.year}"


def closing_in_words(closes: date | datetime, *, now: datetime | None = None) -> str:
    """ "closes in 5 days (Sat 12 Dec)", "closes tomorrow (…)", "closes today (…)" or "closed (…)"."""
    now = now or timezone.now()
    day, today = london_day(closes), london_day(now)
    when = short_day(day, today=today)
    if is_closed(closes, now=now):
        return f"closed ({when})"
    left = (day - today).days
    if left <= 0:
        return f"closes today ({when})"
    if left == 1:
        return f"closes tomorrow ({when})"
    return f"closes in {left} days ({when})"

"""iCalendar (RFC 5545) feeds of submission deadlines, built with the ``icalendar`` library.

Each window is one event whose UID never changes, so calendar apps update the event
when a deadline moves instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Alarm, Calendar, Event

from chorus.tracker.models import SubmissionWindow
from chorus.tracker.selectors import LONDON, item_path, tracker_page

# A deadline is shown as the hour before it, ending at the closing time itself.
EVENT_LENGTH = timedelta(hours=1)
# One item's "add to calendar" file reminds its reader this long before the deadline,
# in time to write a response. Subscribed feeds carry no reminder: a feed of every
# deadline would otherwise ring for each one.
REMINDER_BEFORE = timedelta(days=3)


def webcal_address(path: str) -> str:
    """The ``webcal:`` address of a feed at ``path``: calendar apps subscribe to it."""
    site = urlsplit(settings.SITE_URL)
    return f"webcal://{site.netloc}{path}"


def deadline_reminder(title: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Deadline in 3 days: {title}")
    alarm.add("trigger", -(REMINDER_BEFORE - EVENT_LENGTH))  # before the event's start, an hour before closing
    return alarm


def window_uid(window: SubmissionWindow) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "chorus.localhost"
    return f"tracker-window-{window.pk}@{host}"


def deadlines_calendar(
    *, windows: Iterable[SubmissionWindow], name: str, now: datetime, with_reminders: bool = False
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Chorus//Policy tracker deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    page = tracker_page()
    first_day: date | None = None
    for window in windows:
        item = window.item
        closes = window.closes_at.astimezone(LONDON)
        event = Event()
        event.add("uid", window_uid(window))
        event.add("dtstamp", now)
        event.add("last-modified", item.updated_at)
        event.add("summary", f"Deadline: {item.title}")
        event.add("dtstart", closes - EVENT_LENGTH)
        event.add("dtend", closes)
        path = item_path(item, page=page)
        lines = [
            f"{item.get_kind_display()} from {item.owner_body}.",
            f"Closes {closes:%-d %B %Y at %H:%M} UK time.",
        ]
        if window.late_submissions_accepted:
            lines.append("Late submissions are accepted.")
        if item.respond_url:
            lines.append(f"Respond: {item.respond_url}")
        event.add("description", "\n".join(lines))
        if path:
            event.add("url", settings.SITE_URL + path)
        event.add("categories", [item.get_kind_display()])
        if with_reminders:
            event.add_component(deadline_reminder(item.title))
        calendar.add_component(event)
        start = (closes - EVENT_LENGTH).date()
        first_day = start if first_day is None or start < first_day else first_day
    # VTIMEZONE for Europe/London, covering the events' years, so every client agrees on BST/GMT.
    if first_day is not None:
        calendar.add_missing_timezones(first_date=first_day - timedelta(days=366))
    return calendar.to_ical()

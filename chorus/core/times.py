"""Times written one way everywhere: for machines (ISO 8601) and for people (with the zone).

Machine times are to the second with the offset from UTC: Django's ``date:'c'`` and
``isoformat()`` write microseconds, which HTML's ``<time datetime>`` does not allow. Times
for people name their zone ("7 December 2026, 16:30 GMT"), so no one guesses.
Templates use them through ``{% load times %}`` (chorus.core.templatetags.times).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date


def iso_moment(value: datetime.datetime | datetime.date) -> str:
    """An ISO 8601 date, or a local date and time to the second with its offset from UTC."""
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(microsecond=0).isoformat(timespec="seconds")
    return value.isoformat()


def plain_moment(value: datetime.datetime | datetime.date) -> str:
    """A date, or a local date and time with its zone's name, in words people read."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            return format_date(timezone.localtime(value), "j F Y, H:i T")
        return format_date(value, "j F Y, H:i")
    return format_date(value, "j F Y")

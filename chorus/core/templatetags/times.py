"""Times written one way everywhere: ``{{ value|machine_time }}`` and ``{{ value|human_time }}``.

``machine_time`` is the value of a ``<time datetime>`` attribute. Django's ``date:'c'``
writes microseconds (``2026-12-07T16:30:00.123456+00:00``), which the HTML standard's
"valid global date and time string" does not allow past three digits, so the Nu HTML
Checker reports an error on every page with a timestamp.

``human_time`` is a time for people, with its time zone ("7 December 2026, 16:30 GMT"),
so no one has to guess whether a time is UK time.
"""

from __future__ import annotations

import datetime

from django import template

from chorus.core.times import iso_moment, plain_moment

register = template.Library()


@register.filter
def machine_time(value: datetime.datetime | datetime.date | None) -> str:
    if isinstance(value, datetime.date):
        return iso_moment(value)
    return ""


@register.filter
def human_time(value: datetime.datetime | datetime.date | None) -> str:
    if isinstance(value, datetime.date):
        return plain_moment(value)
    return ""

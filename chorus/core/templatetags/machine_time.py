"""``{{ value|machine_time }}``: the value of a ``<time datetime>`` attribute, valid HTML.

Django's ``date:'c'`` writes microseconds (``2026-12-07T16:30:00.123456+00:00``), which
the HTML standard's "valid global date and time string" does not allow past three
digits, so the Nu HTML Checker reports an error on every page with a timestamp. Every
template writes machine-readable times through this one filter instead.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(value: datetime.datetime | datetime.date | None) -> str:
    """An ISO 8601 date, or a date and time to the second with its offset from UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(microsecond=0).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""

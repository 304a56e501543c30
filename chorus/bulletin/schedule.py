"""A send time in the words staff read it in: the day, the time, and which clock it is on."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

# What a time zone is called in plain words; any other zone is called by its own name.
ZONE_NAMES = {"Europe/London": "UK time"}


def when_in_words(when: datetime, *, now: datetime | None = None) -> str:
    """ "Tuesday 8 December at 09:00 (UK time, GMT)": the year only when it is not this year.

    The abbreviation (GMT or BST) says which side of a clock change the time falls.
    """
    local = timezone.localtime(when)
    this_year = timezone.localtime(now or timezone.now()).year
    day = f"{local:%A} {local.day} {local:%B}" + ("" if local.year == this_year else f" {local.year}")
    zone = ZONE_NAMES.get(settings.TIME_ZONE, settings.TIME_ZONE)
    return f"{day} at {local:%H:%M} ({zone}, {local.tzname()})"

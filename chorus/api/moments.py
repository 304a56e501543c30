"""Moments given in an API's query: ISO 8601 text, read as one UTC instant.

Both APIs filter on "changed since" moments. Python reads offsets up to a day, but
PostgreSQL refuses a time zone displacement beyond ±15:59 and a year before 1 after
shifting; turned into UTC here, a moment is one the database always accepts (the
contract tests found the difference on PostgreSQL only).
"""

from __future__ import annotations

from datetime import UTC, datetime


class NotAMoment(ValueError):
    """Text that is not a date and time we can compare with."""


def utc_moment(text: str) -> datetime:
    """The ISO 8601 date and time in ``text`` as a UTC instant; without a zone it is UTC."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise NotAMoment(text) from None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError:  # e.g. the first of January of year 1, in a zone ahead of UTC
        raise NotAMoment(text) from None

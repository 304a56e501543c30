"""Row ids that arrive from outside: in URLs, in form fields and in lists of ticked boxes.

Every id the site hands out is a positive 64-bit integer written in ASCII digits. Text
that only looks like one ("²" and other Unicode digits pass ``str.isdigit()`` but not
``int()``; SQLite cannot even bind a number past 2**63 - 1) is refused before it
reaches a query, so it gets a 404, a 400 or a form error instead of a crash.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest

MAX_ID = 2**63 - 1  # the largest value a BigAutoField (or SQLite's INTEGER) holds
MAX_ID_DIGITS = len(str(MAX_ID))


def parse_id(value: str) -> int | None:
    """The id the text names, or None if it is not a positive 64-bit integer in ASCII digits."""
    # The length test comes first, so long input is never converted at all.
    if not (0 < len(value) <= MAX_ID_DIGITS and value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def posted_ids(request: HttpRequest, name: str) -> list[int]:
    """The ids posted under one name, such as the rows ticked on a staff list.

    The boxes carry ids the page itself wrote, so a value that is not an id comes from a
    broken or altered request rather than from anyone's typing: it is a 400 Bad Request.
    """
    ids = []
    for value in request.POST.getlist(name):
        number = parse_id(value)
        if number is None:
            raise BadRequest(f"{name!r} holds something that is not an id.")
        ids.append(number)
    return ids


class IdConverter:
    """``<id:pk>`` in URL patterns: ``<int:pk>`` without the numbers no row can have.

    A number past 2**63 - 1 (or 0) matches no pattern, so it is a 404 instead of an
    OverflowError inside the query. Registered in ``CoreConfig.ready``.
    """

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not an id.")  # Django reads this as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)

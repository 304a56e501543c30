"""How long a staff session may last, whatever happens in it.

Sessions also end after ``SESSION_COOKIE_AGE`` without a request (the idle timeout), but
every request renews that, and a page that polls (the bulletin's send progress) makes
requests on its own. So the time of sign-in is kept in the session, and the session ends
``STAFF_SESSION_MAX_SECONDS`` after it however busy it has been.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

# Seconds since the epoch, as a whole number (sessions are stored as JSON).
SIGNED_IN_AT = "chorus_signed_in_at"


def session_start_record(*, request: HttpRequest) -> None:
    """Note in the session that its user signed in now."""
    request.session[SIGNED_IN_AT] = int(time.time())


def session_outlived(*, request: HttpRequest) -> bool:
    """Whether the signed-in session has lasted longer than staff sessions may.

    A session without a sign-in time (one from before this rule) counts as outlived:
    its age is unknown, so it is safer to ask for a fresh sign-in once.
    """
    signed_in_at = request.session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        return True
    return time.time() - signed_in_at >= settings.STAFF_SESSION_MAX_SECONDS

"""A circuit breaker per Redis server, shared by the cache and the rate limits in a process.

Redis only makes Chorus faster (the page cache) or fairer (shared rate limits); nothing
needs it to answer. So after one failed call every later call skips Redis for
``CHORUS_REDIS_BREAKER_SECONDS``, instead of each request waiting out a timeout. Then one
call is let through as a trial: if it works the breaker closes, if not it opens again.
A warning is logged when the breaker opens and a note when it closes: never a key or a
value, and never the password the server's address may carry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)


def redacted_server(url: str) -> str:
    """The server's scheme, host, port and database, without any user name or password."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    where = parts.hostname or ""
    if port is not None:
        where = f"{where}:{port}"
    return f"{parts.scheme}://{where}{parts.path}"


class CircuitBreaker:
    """Closed: calls go through. Open: calls are skipped until a set time, then one trial."""

    def __init__(self, server: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.server = redacted_server(server)
        self.clock = clock
        self.lock = threading.Lock()
        # None while closed; otherwise the clock reading before which calls are skipped.
        self.open_until: float | None = None

    @property
    def is_open(self) -> bool:
        return self.open_until is not None

    def allow(self) -> bool:
        """True if a call should be made now."""
        if self.open_until is None:  # the common case: no lock taken
            return True
        with self.lock:
            if self.open_until is None:
                return True
            now = self.clock()
            if now < self.open_until:
                return False
            # The pause is over: this caller makes the trial call; others keep skipping
            # until it reports, so a dead server costs one timeout per pause, not one per thread.
            self.open_until = now + self.seconds()
            return True

    def record_success(self) -> None:
        if self.open_until is None:
            return
        with self.lock:
            if self.open_until is None:
                return
            self.open_until = None
        logger.info("Redis at %s answers again; using it from now on.", self.server)

    def record_failure(self, error: BaseException) -> None:
        seconds = self.seconds()
        with self.lock:
            opening = self.open_until is None
            self.open_until = self.clock() + seconds
        if opening:
            # The error's class only: its message may quote a reply from the server.
            logger.warning(
                "Redis at %s failed (%s); skipping it for %g s: pages are served uncached "
                "and rate limits count in each process meanwhile.",
                self.server,
                type(error).__name__,
                seconds,
            )

    def reset(self) -> None:
        """Close the breaker without a word (for tests)."""
        with self.lock:
            self.open_until = None

    @staticmethod
    def seconds() -> float:
        return float(settings.CHORUS_REDIS_BREAKER_SECONDS)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(server: str) -> CircuitBreaker:
    """The one breaker of this process for a Redis URL (the cache's and the rate limits' alike)."""
    breaker = _breakers.get(server)
    if breaker is None:
        with _breakers_lock:
            breaker = _breakers.setdefault(server, CircuitBreaker(server))
    return breaker


def breakers_reset() -> None:
    """Close every breaker (tests start with Redis presumed well)."""
    for breaker in list(_breakers.values()):
        breaker.reset()

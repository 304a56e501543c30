"""Rate limits keyed by hashes, never raw addresses: Redis where configured, else the cache."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from redis.commands.core import Script


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits per ``seconds`` for one key."""

    count: int
    seconds: int


def client_ip(request: HttpRequest) -> str:
    # Behind the reverse proxy, the proxy's own address is the last hop; the proxy
    # is configured (docs/deployment.md) to overwrite X-Real-IP with the client's.
    if settings.CHORUS_TRUST_X_REAL_IP:
        forwarded = request.META.get("HTTP_X_REAL_IP", "")
        if forwarded:
            return str(forwarded).strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def ip_hash(request: HttpRequest) -> str:
    """A keyed hash of the client address: comparable for a few days, never reversible."""
    key = settings.CHORUS_IP_HASH_KEY.encode()
    return hmac.new(key, client_ip(request).encode(), hashlib.sha256).hexdigest()[:32]


def hit(scope: str, key: str, limit: Limit) -> bool:
    """Count one attempt; return True while the key is within the limit."""
    window = int(time.time() // limit.seconds)
    cache_key = f"rl:{scope}:{key}:{limit.seconds}:{window}"
    if cache.add(cache_key, 1, timeout=limit.seconds + 5):
        return limit.count >= 1
    try:
        current = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=limit.seconds + 5)
        current = 1
    return current <= limit.count


def _window_key(scope: str, key: str, limit: Limit) -> str:
    return f"chorus:rl:{scope}:{key}:{limit.seconds}:{int(time.time() // limit.seconds)}"


# Counts one attempt in every window (KEYS) and returns the counts; a window's key expires
# (ARGV, in seconds) from its first attempt. One command, however many windows.
_COUNT_IN_WINDOWS = """
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts
"""
# Per Redis URL, for the life of the process: one connection pool, and the script bound to it.
_counters: dict[str, Script] = {}


def _window_counter() -> Script | None:
    """The counting script for the configured Redis, or None where there is none."""
    url = settings.REDIS_URL
    if not url:
        return None
    if url not in _counters:
        _counters[url] = redis.Redis.from_url(url).register_script(_COUNT_IN_WINDOWS)
    return _counters[url]


def within_limits(scope: str, key: str, limits: list[Limit]) -> bool:
    """Apply several windows (a burst and a sustained limit) to one key.

    Every window counts the attempt, allowed or not. With Redis, all windows are counted
    in one command (a script Redis keeps): the busiest public forms call this on every
    submission.
    """
    count_in_windows = _window_counter()
    if count_in_windows is None:
        results = [hit(scope, key, limit) for limit in limits]
        return all(results)
    counts = count_in_windows(
        keys=[_window_key(scope, key, limit) for limit in limits], args=[limit.seconds + 5 for limit in limits]
    )
    return all(int(count) <= limit.count for count, limit in zip(counts, limits, strict=True))

"""Rate limits keyed by hashes, never raw addresses: Redis where configured, else the cache.

While Redis is unreachable (its circuit breaker is open, or a call fails) the limits
count in this process's memory instead, with the same windows, so forms keep working and
keep being limited; each process then allows the full quota (docs/decisions/0015).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from redis.commands.core import Script

from chorus.core.breaker import breaker_for
from chorus.core.cache import redis_connection_options


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


def address_key(address: str) -> str:
    """What a client is counted and hashed by: its IPv4 address, or its IPv6 /64.

    An IPv6 subscriber is usually handed a whole /64, so keying by the address would give
    one person as many quotas as they care to pick addresses. An IPv4-mapped address
    (``::ffff:192.0.2.1``, as a dual-stack socket reports an IPv4 client) is that IPv4
    address. Text that is not an address is kept as it is.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def client_key(request: HttpRequest) -> str:
    """The client's address as every limit and lock-out should count it (see ``address_key``)."""
    return address_key(client_ip(request))


def ip_hash(request: HttpRequest) -> str:
    """A keyed hash of the client's address (its /64 for IPv6): comparable for a few days, never reversible."""
    key = settings.CHORUS_IP_HASH_KEY.encode()
    return hmac.new(key, client_key(request).encode(), hashlib.sha256).hexdigest()[:32]


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


class LocalWindows:
    """Window counts in this process's memory: where the limits count while Redis is away.

    Keys carry their window's number, so a new window is a new key; an old one is only
    dropped to keep memory bounded.
    """

    def __init__(self, *, max_keys: int = 50_000) -> None:
        self.max_keys = max_keys
        self.lock = threading.Lock()
        self.counts: dict[str, tuple[int, float]] = {}  # key -> (count, expires at)

    def count(self, keys: list[str], seconds: list[int]) -> list[int]:
        """Count one attempt in each window and return the counts, as the Redis script does."""
        now = time.time()
        with self.lock:
            if len(self.counts) + len(keys) > self.max_keys:
                self.prune(now)
            counts = []
            for key, ttl in zip(keys, seconds, strict=True):
                current, expires_at = self.counts.get(key, (0, now + ttl))
                if expires_at <= now:
                    current, expires_at = 0, now + ttl
                self.counts[key] = (current + 1, expires_at)
                counts.append(current + 1)
            return counts

    def prune(self, now: float) -> None:
        self.counts = {key: entry for key, entry in self.counts.items() if entry[1] > now}
        if len(self.counts) >= self.max_keys:
            # A flood of distinct keys: forget the older half rather than grow without bound.
            keep = list(self.counts.items())[len(self.counts) // 2 :]
            self.counts = dict(keep)

    def clear(self) -> None:
        with self.lock:
            self.counts.clear()


LOCAL_WINDOWS = LocalWindows()


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


def _window_counter(url: str) -> Script:
    """The counting script for a Redis URL, on a pool with the cache's short timeouts."""
    if url not in _counters:
        client = redis.Redis.from_url(url, **redis_connection_options())
        _counters[url] = client.register_script(_COUNT_IN_WINDOWS)
    return _counters[url]


def _redis_counts(url: str, keys: list[str], seconds: list[int]) -> list[int] | None:
    """The counts from Redis, or None when it cannot be asked (the breaker is shared with the cache)."""
    breaker = breaker_for(url)
    if not breaker.allow():
        return None
    try:
        counts = _window_counter(url)(keys=keys, args=seconds)
    except redis.RedisError as error:
        breaker.record_failure(error)
        return None
    breaker.record_success()
    return [int(count) for count in counts]


def within_limits(scope: str, key: str, limits: list[Limit]) -> bool:
    """Apply several windows (a burst and a sustained limit) to one key.

    Every window counts the attempt, allowed or not. With Redis, all windows are counted
    in one command (a script Redis keeps): the busiest public forms call this on every
    submission. Without it for the moment, they count in this process (``LocalWindows``).
    """
    url = settings.REDIS_URL
    if not url:
        results = [hit(scope, key, limit) for limit in limits]
        return all(results)
    keys = [_window_key(scope, key, limit) for limit in limits]
    seconds = [limit.seconds + 5 for limit in limits]
    counts = _redis_counts(url, keys, seconds)
    if counts is None:
        counts = LOCAL_WINDOWS.count(keys, seconds)
    return all(count <= limit.count for count, limit in zip(counts, limits, strict=True))

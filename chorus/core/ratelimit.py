"""Cache-backed rate limits (Redis in production) keyed by hashes, never raw addresses."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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


def within_limits(scope: str, key: str, limits: list[Limit]) -> bool:
    """Apply several windows (a burst and a sustained limit) to one key."""
    results = [hit(scope, key, limit) for limit in limits]
    return all(results)

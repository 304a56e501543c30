"""Django's Redis cache, made to degrade rather than fail when Redis is down or hanging.

Everything Chorus keeps in the cache can be rebuilt or done without: cached pages,
navigation, rate-limit windows, the flags that ask for a prompt sender run. So a Redis
error never reaches a view. Every connection gives up after
``CHORUS_REDIS_TIMEOUT_SECONDS``; a failed call opens the server's circuit breaker
(``chorus.core.breaker``), and while it is open no call is made at all. Meanwhile reads
are misses and writes do nothing (docs/decisions/0015).

Built on django-redis's ``RedisCache``, overriding only the public cache methods
documented for every backend, each calling the library's own method inside a guard.
django-redis rather than Django's own Redis backend because Django's builds a new
redis-py client object for every cache call, and building one costs more CPU than the
round trip it makes: a cached page read three keys and spent most of its time there
(docs/decisions/0038).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django_redis.cache import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

from chorus.core.breaker import CircuitBreaker, breaker_for

T = TypeVar("T")
HEALTH_KEY = "chorus:healthz"


def redis_connection_options() -> dict[str, Any]:
    """Options for every redis-py connection pool Chorus opens (the cache's and the rate limits')."""
    seconds = float(settings.CHORUS_REDIS_TIMEOUT_SECONDS)
    return {
        "socket_connect_timeout": seconds,
        "socket_timeout": seconds,
        # A pooled connection that the server or a firewall closed while it sat idle fails
        # on first use; one immediate retry on a fresh connection hides that. Timeouts are
        # not retried, so a hanging server costs one timeout, not two.
        "retry": Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    }


class CacheUnavailable(ValueError):
    """What ``incr`` raises while Redis is unreachable: to callers, the key is missing.

    A ValueError, as Django's ``incr`` raises for a missing key, so callers that handle a
    missing key handle an outage too. The message names no key.
    """


class ResilientRedisCache(RedisCache):
    """django-redis's ``RedisCache`` with short timeouts and a circuit breaker.

    While Redis is unwell, reads are misses and writes do nothing.
    """

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        # Settings' OPTIONS (redis-py's connection arguments) win, so an operator can tune the
        # pool; the defaults keep every call short. django-redis hands them to the pool. Errors
        # are not ignored by the library: the guard below decides what a failure means.
        self.redis_options: dict[str, Any] = {**redis_connection_options(), **params.get("OPTIONS", {})}
        library_options = {"CONNECTION_POOL_KWARGS": self.redis_options, "IGNORE_EXCEPTIONS": False}
        super().__init__(server, {**params, "OPTIONS": library_options})
        self.breaker: CircuitBreaker = breaker_for(server if isinstance(server, str) else ",".join(server))

    def guarded(self, fallback: T, call: Callable[..., T], *args: Any) -> T:
        """Django's own method, unless the breaker is open or Redis fails: then ``fallback``."""
        if not self.breaker.allow():
            return fallback
        try:
            result = call(*args)
        except redis.RedisError as error:
            self.breaker.record_failure(error)
            return fallback
        self.breaker.record_success()
        return result

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        # Nothing stored: False, as for a key that is already there.
        return self.guarded(False, super().add, key, value, timeout, version)

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        return self.guarded(default, super().get, key, default, version)

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self.guarded(None, super().set, key, value, timeout, version)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self.guarded(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self.guarded(False, super().delete, key, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self.guarded({}, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self.guarded(False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        result: int | None = self.guarded(None, super().incr, key, delta, version)
        if result is None:
            raise CacheUnavailable("The cache could not be reached; the key counts as missing.")
        return result

    def decr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        result: int | None = self.guarded(None, super().decr, key, delta, version)
        if result is None:
            raise CacheUnavailable("The cache could not be reached; the key counts as missing.")
        return result

    def incr_version(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        result: int | None = self.guarded(None, super().incr_version, key, delta, version)
        if result is None:
            raise CacheUnavailable("The cache could not be reached; the key counts as missing.")
        return result

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        # Django's contract: the keys that were not stored (django-redis itself returns nothing).
        stored = self.guarded(False, self._set_many_stored, data, timeout, version)
        return [] if stored else list(data)

    def _set_many_stored(self, data: dict[Any, Any], timeout: float | None, version: int | None) -> bool:
        super().set_many(data, timeout, version)
        return True

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self.guarded(None, super().delete_many, keys, version)

    def clear(self) -> None:
        self.guarded(None, super().clear)

    def reachable(self) -> bool:
        """Ask Redis now (within the timeouts), unless the breaker is open: for /healthz/."""
        if not self.breaker.allow():
            return False
        try:
            super().has_key(HEALTH_KEY)
        except redis.RedisError as error:
            self.breaker.record_failure(error)
            return False
        self.breaker.record_success()
        return True


def cache_reachable(backend: BaseCache) -> bool:
    """True if the cache answers now. Never raises, and never waits long on a dead Redis."""
    if isinstance(backend, ResilientRedisCache):
        return backend.reachable()
    try:
        # Any other backend (files in the embedded set-up, memory in tests): a round trip.
        backend.set(HEALTH_KEY, 1, timeout=5)
        return bool(backend.get(HEALTH_KEY) == 1)
    except Exception:  # the health check reports a broken cache, whatever broke it
        return False

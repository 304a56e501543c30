"""The Redis cache backend: Django's own against a real server, a miss or a no-op when Redis is away."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import pytest
import redis
from django.test import override_settings

from chorus.core.breaker import breaker_for
from chorus.core.cache import ResilientRedisCache, cache_reachable
from chorus.core.tests.listeners import SilentListener, closed_port_url

TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def backend(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"KEY_PREFIX": f"chorus-test-{time.time_ns()}"})


@pytest.fixture
def redis_cache() -> ResilientRedisCache:
    try:
        redis.Redis.from_url(TEST_REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("No Redis server on 127.0.0.1:6379")
    return backend(TEST_REDIS_URL)


@pytest.fixture
def silent() -> Iterator[SilentListener]:
    listener = SilentListener()
    yield listener
    listener.close()


def test_every_cache_operation_works_against_a_real_redis(redis_cache: ResilientRedisCache) -> None:
    assert redis_cache.add("flag", True, timeout=30)
    assert not redis_cache.add("flag", True, timeout=30)  # atomic "only if absent"
    redis_cache.set("page", {"html": "<p>Hi</p>"}, timeout=30)
    assert redis_cache.get("page") == {"html": "<p>Hi</p>"}
    redis_cache.set("n", 1, timeout=30)
    assert redis_cache.incr("n") == 2
    assert redis_cache.decr("n") == 1
    redis_cache.set("versioned", "v1")
    assert redis_cache.incr_version("versioned") == 2
    assert redis_cache.get("versioned", version=2) == "v1"
    assert redis_cache.decr_version("versioned", version=2) == 1
    assert redis_cache.get_many(["page", "n"]) == {"page": {"html": "<p>Hi</p>"}, "n": 1}
    assert redis_cache.set_many({"a": 1, "b": 2}, timeout=30) == []
    assert redis_cache.has_key("a") and redis_cache.touch("a", 30)
    redis_cache.delete_many(["a", "b"])
    assert redis_cache.delete("flag")
    assert redis_cache.get("flag") is None
    with pytest.raises(ValueError):
        redis_cache.incr("never-set")  # Django's contract for a missing key
    assert cache_reachable(redis_cache)
    for key in ("page", "n"):
        redis_cache.delete(key)


def test_while_redis_refuses_reads_miss_and_writes_do_nothing() -> None:
    away = backend(closed_port_url())
    assert away.get("page") is None
    assert away.get("page", "fallback") == "fallback"
    assert away.add("flag", 1) is False
    away.set("page", "<p>Hi</p>")
    assert away.touch("page") is False
    assert away.delete("page") is False
    assert away.get_many(["a", "b"]) == {}
    assert away.has_key("a") is False
    assert "a" not in away
    assert away.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
    away.delete_many(["a", "b"])
    away.clear()
    assert away.get_or_set("computed", lambda: 42) == 42
    with pytest.raises(ValueError, match="could not be reached") as raised:
        away.incr("counter")
    assert "counter" not in str(raised.value)
    with pytest.raises(ValueError):
        away.decr("counter")
    with pytest.raises(ValueError):
        away.incr_version("page")
    with pytest.raises(ValueError):
        away.decr_version("page")
    assert asyncio.run(away.aget("page", "async fallback")) == "async fallback"
    assert not cache_reachable(away)


def test_a_hanging_redis_costs_one_short_timeout_and_then_no_connection_at_all(silent: SilentListener) -> None:
    hanging = backend(silent.url)
    started = time.monotonic()
    assert hanging.get("page") is None
    assert time.monotonic() - started < 1.0  # 250 ms to connect and 250 ms to read, at most
    assert breaker_for(silent.url).is_open
    time.sleep(0.1)  # the listener's thread takes up the connection it accepted
    connections = len(silent.held)
    started = time.monotonic()
    for _ in range(100):
        assert hanging.get("page") is None
        hanging.set("page", "x")
    assert time.monotonic() - started < 0.1
    time.sleep(0.1)
    assert len(silent.held) == connections  # skipped, not even connected


def test_the_connection_options_are_short_and_settings_can_tune_them() -> None:
    url = closed_port_url()
    options = backend(url).redis_options
    assert options["socket_connect_timeout"] == options["socket_timeout"] == 0.25
    tuned = ResilientRedisCache(url, {"OPTIONS": {"socket_timeout": 0.1}}).redis_options
    assert tuned["socket_timeout"] == 0.1 and tuned["socket_connect_timeout"] == 0.25


def test_the_breaker_closes_again_once_redis_answers(redis_cache: ResilientRedisCache) -> None:
    redis_cache.set("page", "cached", timeout=30)
    breaker = breaker_for(TEST_REDIS_URL)
    with override_settings(CHORUS_REDIS_BREAKER_SECONDS=0.2):
        breaker.record_failure(redis.ConnectionError("a blip"))
        assert redis_cache.get("page") is None  # skipped while open
        time.sleep(0.25)
        assert redis_cache.get("page") == "cached"  # the trial call works
    assert not breaker.is_open
    redis_cache.delete("page")


def test_an_unbound_port_is_what_the_outage_tests_think_it_is() -> None:
    url = closed_port_url()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_one_redis_client_serves_every_call(redis_cache: ResilientRedisCache) -> None:
    # Django's own Redis backend built a new redis-py client for every call, which cost more
    # CPU than the round trip itself (docs/decisions/0038); django-redis keeps one per server.
    redis_cache.set("page", "cached", timeout=30)
    first = redis_cache.client.get_client(write=False)
    assert redis_cache.get("page") == "cached"
    assert redis_cache.client.get_client(write=False) is first

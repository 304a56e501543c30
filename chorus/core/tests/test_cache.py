"""The Redis cache backend that keeps one client per pool, against a real Redis server."""

from __future__ import annotations

import time

import pytest
import redis

from chorus.core.cache import SharedClientRedisCache

TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache() -> SharedClientRedisCache:
    try:
        redis.Redis.from_url(TEST_REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("No Redis server on 127.0.0.1:6379")
    return SharedClientRedisCache(TEST_REDIS_URL, {"KEY_PREFIX": f"chorus-test-{time.time_ns()}"})


def test_every_cache_operation_works_through_one_shared_client(redis_cache: SharedClientRedisCache) -> None:
    assert redis_cache.add("flag", True, timeout=30)
    assert not redis_cache.add("flag", True, timeout=30)  # atomic "only if absent"
    redis_cache.set("page", {"html": "<p>Hi</p>"}, timeout=30)
    assert redis_cache.get("page") == {"html": "<p>Hi</p>"}
    redis_cache.set("n", 1, timeout=30)
    assert redis_cache.incr("n") == 2
    redis_cache.delete("flag")
    assert redis_cache.get("flag") is None
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client  # built once, not per call
    for key in ("page", "n"):
        redis_cache.delete(key)

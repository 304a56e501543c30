"""Rate limits keyed by hashes, and the bot checks every public form uses."""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from chorus.core.antibot import AntiBotFormMixin
from chorus.core.ratelimit import Limit, client_ip, ip_hash, within_limits


@pytest.fixture(autouse=True)
def _clear() -> None:
    cache.clear()


def test_the_client_address_is_only_ever_a_keyed_hash(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    hashed = ip_hash(request)
    assert "203.0.113.9" not in hashed and len(hashed) == 32
    assert ip_hash(rf.get("/", REMOTE_ADDR="203.0.113.9")) == hashed
    assert ip_hash(rf.get("/", REMOTE_ADDR="203.0.113.10")) != hashed
    with override_settings(CHORUS_IP_HASH_KEY="another-ip-hash-key-33333333333333333333333"):
        assert ip_hash(request) != hashed


def test_x_real_ip_is_trusted_only_when_configured(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.7")
    assert client_ip(request) == "10.0.0.1"
    with override_settings(CHORUS_TRUST_X_REAL_IP=True):
        assert client_ip(request) == "198.51.100.7"


def test_burst_and_sustained_windows() -> None:
    limits = [Limit(2, 60), Limit(3, 3600)]
    with time_machine.travel("2026-03-02 10:00:00 +0000", tick=False) as traveller:
        assert within_limits("t", "k", limits)
        assert within_limits("t", "k", limits)
        assert not within_limits("t", "k", limits)  # burst
        assert within_limits("t", "other", limits)  # keys are separate
        traveller.shift(61)
        assert not within_limits("t", "k", limits)  # sustained limit still counts
        traveller.shift(3600)
        assert within_limits("t", "k", limits)


TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def real_redis() -> Any:
    """The Redis path, against a real server (CI always has one; `make test` starts it)."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("No Redis server on 127.0.0.1:6379")
    with override_settings(REDIS_URL=TEST_REDIS_URL):
        yield client
    for key in client.scan_iter("chorus:rl:test-*"):
        client.delete(key)


def test_burst_and_sustained_windows_in_redis(real_redis: Any) -> None:
    scope = f"test-{time.time_ns()}"
    limits = [Limit(2, 60), Limit(3, 3600)]
    with time_machine.travel("2026-03-02 10:00:00 +0000", tick=False) as traveller:
        assert within_limits(scope, "k", limits)
        assert within_limits(scope, "k", limits)
        assert not within_limits(scope, "k", limits)  # burst
        assert within_limits(scope, "other", limits)  # keys are separate
        traveller.shift(61)
        assert not within_limits(scope, "k", limits)  # sustained limit still counts
        traveller.shift(3600)
        assert within_limits(scope, "k", limits)
    keys = list(real_redis.scan_iter(f"chorus:rl:{scope}:*"))
    assert keys and all(0 < real_redis.ttl(key) <= 3605 for key in keys)  # windows expire by themselves


class _Form(AntiBotFormMixin):
    pass


def _started_form(**data: str) -> _Form:
    initial = _Form().initial["form_started"]
    return _Form({"form_started": initial, "website": "", **data})


def test_a_person_who_takes_a_moment_passes() -> None:
    form = _started_form()
    with time_machine.travel(time.time() + 5):
        assert form.is_valid() and not form.is_probably_bot()


def test_the_honeypot_catches_bots() -> None:
    form = _started_form(website="http://spam.example")
    with time_machine.travel(time.time() + 5):
        assert form.is_valid() and form.is_probably_bot()


def test_instant_or_forged_submissions_are_bots() -> None:
    instant = _started_form()
    assert instant.is_valid() and instant.is_probably_bot()
    forged = _Form({"form_started": "12345", "website": ""})
    assert forged.is_valid() and forged.is_probably_bot()

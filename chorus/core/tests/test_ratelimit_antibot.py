"""Rate limits keyed by hashes, and the bot checks every public form uses."""

from __future__ import annotations

import ipaddress
import time
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from hypothesis import assume, given
from hypothesis import strategies as st

from chorus.core.antibot import AntiBotFormMixin
from chorus.core.ratelimit import Limit, address_key, client_ip, ip_hash, within_limits


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


# --- while Redis is away -------------------------------------------------------------


@pytest.fixture
def redis_away() -> Any:
    """The rate limits pointed at a Redis port that refuses connections."""
    from chorus.core.tests.listeners import closed_port_url

    url = closed_port_url()
    with override_settings(REDIS_URL=url):
        yield url


def test_limits_still_hold_per_process_while_redis_is_away(redis_away: str) -> None:
    limits = [Limit(2, 60), Limit(3, 3600)]
    with time_machine.travel("2026-03-02 10:00:00 +0000", tick=False) as traveller:
        assert within_limits("t", "k", limits)
        assert within_limits("t", "k", limits)
        assert not within_limits("t", "k", limits)  # the same burst limit, counted in this process
        assert within_limits("t", "other", limits)
        traveller.shift(61)
        assert not within_limits("t", "k", limits)  # and the same sustained one
        traveller.shift(3600)
        assert within_limits("t", "k", limits)


def test_the_rate_limits_share_the_caches_breaker(redis_away: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from chorus.core import ratelimit
    from chorus.core.cache import ResilientRedisCache

    ResilientRedisCache(redis_away, {}).get("anything")  # the cache meets the outage first
    asked: list[str] = []
    monkeypatch.setattr(ratelimit, "_window_counter", lambda url: asked.append(url))
    assert within_limits("t", "k", [Limit(1, 60)])
    assert not within_limits("t", "k", [Limit(1, 60)])
    assert asked == []  # Redis was not even tried


def test_a_hanging_redis_does_not_hold_up_the_limits() -> None:
    from chorus.core.tests.listeners import SilentListener

    listener = SilentListener()
    try:
        with override_settings(REDIS_URL=listener.url):
            started = time.monotonic()
            for _ in range(20):
                within_limits("t", "k", [Limit(100, 60)])
            assert time.monotonic() - started < 1.0  # one short timeout, then skipped
    finally:
        listener.close()


def test_the_redis_limits_take_over_again_when_it_answers(real_redis: Any) -> None:
    from chorus.core.breaker import breaker_for
    from chorus.core.ratelimit import LOCAL_WINDOWS

    scope = f"test-{time.time_ns()}"
    with override_settings(CHORUS_REDIS_BREAKER_SECONDS=0.2):
        breaker_for(TEST_REDIS_URL).record_failure(ConnectionError("a blip"))
        assert within_limits(scope, "k", [Limit(5, 60)])
        assert LOCAL_WINDOWS.counts  # counted in this process meanwhile
        time.sleep(0.25)
        assert within_limits(scope, "k", [Limit(5, 60)])
    assert list(real_redis.scan_iter(f"chorus:rl:{scope}:*"))  # counted in Redis again


def test_the_local_windows_stay_bounded() -> None:
    from chorus.core.ratelimit import LocalWindows

    windows = LocalWindows(max_keys=100)
    for n in range(1000):
        windows.count([f"key-{n}"], [60])
    assert len(windows.counts) <= 100
    assert windows.count(["key-999"], [60]) == [2]  # the newest are kept


# --- client addresses: IPv4 per address, IPv6 per /64 ---------------------------------

ipv4 = st.ip_addresses(v=4)
ipv6 = st.ip_addresses(v=6).filter(lambda ip: ip.ipv4_mapped is None)


@given(ipv4)
def test_an_ipv4_client_is_counted_by_its_address(ip: ipaddress.IPv4Address) -> None:
    assert address_key(str(ip)) == str(ip)


@given(ipv4)
def test_an_ipv4_mapped_ipv6_client_is_counted_as_the_ipv4_address(ip: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    assert address_key(str(mapped)) == address_key(mapped.exploded) == str(ip)


@given(ipv6, st.integers(min_value=0, max_value=2**64 - 1))
def test_every_address_in_an_ipv6_64_is_one_client(ip: ipaddress.IPv6Address, host: int) -> None:
    neighbour = ipaddress.IPv6Address((int(ip) >> 64 << 64) | host)
    assume(neighbour.ipv4_mapped is None)  # ::ffff:0:0/96 lies in ::/64 but is IPv4
    assert address_key(str(neighbour)) == address_key(str(ip)) == address_key(ip.exploded.upper())
    assert ipaddress.ip_network(address_key(str(ip))).prefixlen == 64


@given(ipv6, ipv6)
def test_ipv6_clients_in_different_64s_are_apart(first: ipaddress.IPv6Address, second: ipaddress.IPv6Address) -> None:
    same_64 = int(first) >> 64 == int(second) >> 64
    assert (address_key(str(first)) == address_key(str(second))) == same_64


@given(st.text(max_size=60))
def test_any_text_gives_a_key_and_never_an_error(text: str) -> None:
    assert isinstance(address_key(text), str)


@given(ipv6, st.integers(min_value=0, max_value=2**64 - 1))
def test_the_address_hash_is_the_same_across_a_64(ip: ipaddress.IPv6Address, host: int) -> None:
    factory = RequestFactory()
    neighbour = ipaddress.IPv6Address((int(ip) >> 64 << 64) | host)
    assume(neighbour.ipv4_mapped is None)
    assert ip_hash(factory.get("/", REMOTE_ADDR=str(ip))) == ip_hash(factory.get("/", REMOTE_ADDR=str(neighbour)))


def test_fifty_addresses_in_one_64_share_one_quota(rf: RequestFactory) -> None:
    limits = [Limit(10, 60)]
    answers = [
        within_limits("t", ip_hash(rf.get("/", REMOTE_ADDR=f"2001:db8:1:2::{n:x}")), limits) for n in range(1, 51)
    ]
    assert answers.count(True) == 10
    assert within_limits("t", ip_hash(rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")), limits)  # the next /64 is another
    with override_settings(CHORUS_TRUST_X_REAL_IP=True):
        behind_proxy = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="2001:db8:1:2::ffff")
        assert not within_limits("t", ip_hash(behind_proxy), limits)

"""The circuit breaker: opens on a failure, skips calls for a while, lets one trial through, closes again."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from chorus.core.breaker import CircuitBreaker, breaker_for, redacted_server

SERVER = "redis://chorus:s3cret-password@redis.internal:6380/2"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@override_settings(CHORUS_REDIS_BREAKER_SECONDS=5)
def test_a_failure_opens_it_and_calls_are_skipped_until_the_pause_is_over(clock: Clock) -> None:
    breaker = CircuitBreaker(SERVER, clock=clock)
    assert breaker.allow() and not breaker.is_open
    breaker.record_failure(ConnectionError("refused"))
    assert breaker.is_open
    assert not breaker.allow()
    clock.now += 4.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.allow()  # the trial
    assert not breaker.allow()  # everyone else waits for the trial's answer


@override_settings(CHORUS_REDIS_BREAKER_SECONDS=5)
def test_a_successful_trial_closes_it(clock: Clock) -> None:
    breaker = CircuitBreaker(SERVER, clock=clock)
    breaker.record_failure(TimeoutError("no reply"))
    clock.now += 5
    assert breaker.allow()
    breaker.record_success()
    assert not breaker.is_open
    assert all(breaker.allow() for _ in range(3))


@override_settings(CHORUS_REDIS_BREAKER_SECONDS=5)
def test_a_failed_trial_opens_it_for_another_pause(clock: Clock) -> None:
    breaker = CircuitBreaker(SERVER, clock=clock)
    breaker.record_failure(ConnectionError("refused"))
    clock.now += 5
    assert breaker.allow()
    breaker.record_failure(ConnectionError("refused"))
    clock.now += 4
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


@override_settings(CHORUS_REDIS_BREAKER_SECONDS=5)
def test_it_logs_once_per_opening_without_the_password_or_the_message(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    breaker = CircuitBreaker(SERVER, clock=clock)
    with caplog.at_level(logging.INFO, logger="chorus.core.breaker"):
        for _ in range(5):
            breaker.record_failure(ConnectionError("reply quoting chorus:rl:some-key"))
        clock.now += 5
        assert breaker.allow()
        breaker.record_failure(ConnectionError("still down"))  # a failed trial: no new warning
        clock.now += 5
        assert breaker.allow()
        breaker.record_success()
        breaker.record_failure(ConnectionError("down again"))  # a new opening
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    infos = [record for record in caplog.records if record.levelno == logging.INFO]
    assert len(warnings) == 2 and len(infos) == 1
    text = caplog.text
    assert "redis.internal:6380" in text and "ConnectionError" in text
    assert "s3cret" not in text and "chorus:rl" not in text and "still down" not in text


def test_one_breaker_per_server_in_a_process() -> None:
    assert breaker_for("redis://127.0.0.1:1/0") is breaker_for("redis://127.0.0.1:1/0")
    assert breaker_for("redis://127.0.0.1:1/0") is not breaker_for("redis://127.0.0.1:2/0")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("rediss://user:pass@redis.example:6380/1", "rediss://redis.example:6380/1"),
        ("redis://:only-password@localhost/3", "redis://localhost/3"),
        ("unix:///run/redis.sock", "unix:///run/redis.sock"),
    ],
)
def test_the_server_is_named_without_credentials(url: str, shown: str) -> None:
    assert redacted_server(url) == shown

"""A sender run is asked for once per batch, and every row is left to a run that will read it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache

from chorus.core import outbox
from chorus.core.outbox import START_MARGIN_SECONDS, sender_run_request

FLAG = "test:outbox-queued"
GATHER = timedelta(seconds=2)
T0 = 1_800_000_000.0  # a fixed Unix time, so the windows below are exact


class FakeSender:
    """Stands in for a task: records each run queued and when it was told to start."""

    def __init__(self) -> None:
        self.runs: list[Any] = []
        self._run_after: Any = None

    def using(self, *, run_after: Any) -> FakeSender:
        self._run_after = run_after
        return self

    def enqueue(self) -> None:
        self.runs.append(self._run_after)
        self._run_after = None


class FakeBackend:
    def __init__(self, *, supports_defer: bool) -> None:
        self.supports_defer = supports_defer


@pytest.fixture
def deferring(monkeypatch: Any) -> None:
    monkeypatch.setattr(outbox, "default_task_backend", FakeBackend(supports_defer=True))


def request_at(seconds: float, sender: FakeSender) -> None:
    with time_machine.travel(T0 + seconds, tick=False):
        sender_run_request(flag=FLAG, sender=sender, gather=GATHER)


def test_rows_before_a_queued_run_starts_ask_for_nothing_more(deferring: None, monkeypatch: Any) -> None:
    sender = FakeSender()
    request_at(0, sender)
    assert len(sender.runs) == 1
    assert sender.runs[0].timestamp() == pytest.approx(T0 + GATHER.total_seconds())
    assert cache.get(FLAG) == pytest.approx(T0 + GATHER.total_seconds())

    # Until just before the run starts, this process knows it will send the row: no cache at all.
    def no_cache(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the shared cache was asked")

    monkeypatch.setattr(cache, "add", no_cache)
    monkeypatch.setattr(cache, "get", no_cache)
    request_at(GATHER.total_seconds() - START_MARGIN_SECONDS - 0.01, sender)
    assert len(sender.runs) == 1


def test_near_the_start_the_cache_decides_and_a_started_run_gets_a_successor(deferring: None) -> None:
    sender = FakeSender()
    request_at(0, sender)
    # Within the margin the run may already be reading: ask the cache. The flag still
    # stands (the run has not cleared it), so no second run is queued.
    request_at(GATHER.total_seconds() - START_MARGIN_SECONDS / 2, sender)
    assert len(sender.runs) == 1
    # The run clears the flag as it starts; a row committed after that needs a new run.
    cache.delete(FLAG)
    request_at(GATHER.total_seconds() + 0.5, sender)
    assert len(sender.runs) == 2
    assert sender.runs[1].timestamp() == pytest.approx(T0 + 0.5 + 2 * GATHER.total_seconds())


def test_a_run_queued_by_another_process_is_learnt_from_the_cache(deferring: None, monkeypatch: Any) -> None:
    sender = FakeSender()
    with time_machine.travel(T0 - 0.5, tick=False):
        cache.add(FLAG, T0 + 1.5, timeout=60)  # another web process queued it
    request_at(0, sender)
    assert sender.runs == []
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: pytest.fail("the shared cache was asked"))
    request_at(1.0, sender)  # now known here too
    assert sender.runs == []


def test_without_deferral_the_run_is_queued_at_once_and_nothing_is_memoised(monkeypatch: Any) -> None:
    monkeypatch.setattr(outbox, "default_task_backend", FakeBackend(supports_defer=False))
    sender = FakeSender()
    request_at(0, sender)
    assert sender.runs == [None]  # no start time asked for
    assert outbox.QUEUED_RUN_STARTS.get(FLAG) is None
    # A run that starts at once may be reading already: later rows ask the cache every time.
    cache.delete(FLAG)
    request_at(0.1, sender)
    assert sender.runs == [None, None]

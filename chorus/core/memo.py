"""Short-lived, per-process memos for the few reads that a surge repeats on every request.

Each process keeps its own copy for a few seconds, so a hit costs no network round trip
at all. The price is that a change made elsewhere takes up to that long to reach every
process; whoever changes the data in this process calls ``clear`` on the spot (the
apps do it from model signals). Tests start with every memo empty (the root conftest).
"""

from __future__ import annotations

import threading
from typing import Any

from cachetools import TTLCache

_ALL: list[LocalMemo] = []


class LocalMemo:
    """A small time-limited mapping, safe to share between threads of one process."""

    def __init__(self, *, seconds: float, maxsize: int = 256) -> None:
        self._entries: TTLCache[Any, Any] = TTLCache(maxsize=maxsize, ttl=seconds)
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return self._entries.get(key, default)

    def set(self, key: Any, value: Any) -> None:
        with self._lock:
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear_all_local_memos() -> None:
    for memo in _ALL:
        memo.clear()

"""Reads kept in the shared cache: loaded once, a copy for each reader, forgotten everywhere at once."""

from __future__ import annotations

from django.core.cache import cache

from chorus.core.cached_reads import CachedReads


class Loader:
    def __init__(self, value: dict[str, str] | None) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> dict[str, str] | None:
        self.calls += 1
        return None if self.value is None else dict(self.value)


def test_a_value_is_loaded_once_and_each_reader_gets_its_own_copy() -> None:
    reads: CachedReads[dict[str, str]] = CachedReads("test:reads", seconds=60)
    load = Loader({"title": "Cameras off our wards"})
    first = reads.get("a", load)
    assert first == {"title": "Cameras off our wards"}
    first["title"] = "changed by one request"
    assert reads.get("a", load) == {"title": "Cameras off our wards"}
    assert load.calls == 1


def test_clear_reaches_every_process_that_shares_the_cache() -> None:
    here: CachedReads[dict[str, str]] = CachedReads("test:reads", seconds=60)
    elsewhere: CachedReads[dict[str, str]] = CachedReads("test:reads", seconds=60)  # another process's
    assert here.get("a", Loader({"v": "old"})) == {"v": "old"}
    elsewhere.clear()
    assert here.get("a", Loader({"v": "new"})) == {"v": "new"}


def test_an_entry_stored_by_a_read_that_began_before_a_clear_is_not_served() -> None:
    reads: CachedReads[dict[str, str]] = CachedReads("test:reads", seconds=60)
    reads.get("warm", Loader({"v": "x"}))  # a generation exists

    def slow_read_of_old_rows() -> dict[str, str]:
        reads.clear()  # the change commits while this read is loading the old rows
        return {"v": "old"}

    assert reads.get("a", slow_read_of_old_rows) == {"v": "old"}
    assert reads.get("a", Loader({"v": "new"})) == {"v": "new"}


def test_nothing_is_kept_for_a_miss_or_a_key_too_long_to_cache() -> None:
    reads: CachedReads[dict[str, str]] = CachedReads("test:reads", seconds=60)
    missing = Loader(None)
    assert reads.get("nobody", missing) is None
    assert reads.get("nobody", missing) is None
    assert missing.calls == 2
    long_key = "k" * 300
    load = Loader({"v": "x"})
    reads.get(long_key, load)
    reads.get(long_key, load)
    assert load.calls == 2


def test_a_lost_generation_makes_every_entry_load_again() -> None:
    reads: CachedReads[dict[str, str]] = CachedReads("test:reads", seconds=60)
    reads.get("a", Loader({"v": "old"}))
    cache.delete(reads.generation_key)  # evicted, or Redis restarted without its data
    assert reads.get("a", Loader({"v": "new"})) == {"v": "new"}

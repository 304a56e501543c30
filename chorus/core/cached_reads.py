"""Reads that many requests repeat, kept in the shared cache until their data changes.

Each set of entries has a generation in the cache: a random token that ``clear`` replaces
whenever the data behind the entries changes, so every process sees the change at once.
An entry is stored with the generation read *before* its data was loaded, and each read
asks for the entry and the current generation together (one round trip); an entry from
another generation is loaded afresh. Call ``clear`` after the change has committed
(``transaction.on_commit``): cleared any earlier, another process could load the old rows
and store them under the new generation.

Every read gets its own copy of the value (the cache stores it pickled), so a request
may change what it got without touching anyone else's.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.core.cache import cache

# Django warns about (and memcached refuses) longer keys; such a read simply goes uncached.
LONGEST_KEY = 250


class CachedReads[T]:
    """A named set of entries in the shared cache, each loaded on a miss and kept for
    ``seconds`` at most, all forgotten together by ``clear``."""

    def __init__(self, name: str, *, seconds: int) -> None:
        self.name = name
        self.seconds = seconds
        self.generation_key = f"{name}:generation"

    def get(self, key: str, load: Callable[[], T | None]) -> T | None:
        """The entry for ``key``, or what ``load`` returns (kept unless it is None)."""
        entry_key = f"{self.name}:entry:{key}"
        if len(entry_key) > LONGEST_KEY:
            return load()
        found = cache.get_many([self.generation_key, entry_key])
        generation = found.get(self.generation_key)
        entry = found.get(entry_key)
        if generation is not None and isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
            value: T = entry[1]
            return value
        if generation is None:
            generation = secrets.token_hex(8)
            if not cache.add(self.generation_key, generation, timeout=None):
                return load()  # another process started a generation just now: keep nothing this once
        loaded = load()
        if loaded is not None:
            cache.set(entry_key, (generation, loaded), timeout=self.seconds)
        return loaded

    def clear(self) -> None:
        """Forget every entry, in every process; call once the change has committed."""
        cache.set(self.generation_key, secrets.token_hex(8), timeout=None)

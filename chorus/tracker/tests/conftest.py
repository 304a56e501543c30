"""Fixtures for the tracker's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_page_cache() -> Iterator[None]:
    # Public pages and feeds are cached server-side; each test starts with nothing cached.
    cache.clear()
    yield
    cache.clear()

"""The OData filter: every text the OpenAPI document allows is read, nothing else is, and
only modified_date is ever filtered on."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chorus.api.osdi.api import FILTER_PATTERN
from chorus.api.osdi.filters import FilterError, odata_filter


@settings(max_examples=300)
@given(st.from_regex(FILTER_PATTERN, fullmatch=True))
def test_every_documented_filter_is_read(text: str) -> None:
    condition = odata_filter(text)
    assert {child[0].split("__")[0] for child in condition.children} == {"modified"}  # type: ignore[index]


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_any_other_text_is_refused_cleanly(text: str) -> None:
    if re.fullmatch(FILTER_PATTERN, text):
        return
    try:
        condition = odata_filter(text)
    except FilterError:
        return
    # Accepted beyond the pattern (the parser is more lenient): still only modified_date.
    assert {child[0].split("__")[0] for child in condition.children} == {"modified"}  # type: ignore[index]


def test_an_offset_postgresql_refuses_is_compared_as_utc() -> None:
    # Python reads offsets up to a day; PostgreSQL only to ±15:59.
    condition = odata_filter("modified_date gt 2026-01-01T05:00:00-17:47")
    assert condition.children[0][1] == datetime(2026, 1, 1, 22, 47, tzinfo=UTC)
    with pytest.raises(FilterError):
        odata_filter("modified_date gt 0001-01-01T00:00:00+01:00")


def test_the_operators() -> None:
    condition = odata_filter("modified_date gt 2026-01-01T00:00:00Z and modified_date le '2026-02-01'")
    assert [lookup for lookup, _ in condition.children] == ["modified__gt", "modified__lte"]  # type: ignore[misc]


@pytest.mark.parametrize("text", ["name eq 'x'", "modified_date ne 2026-01-01", "not modified_date gt 2026-01-01"])
def test_refused(text: str) -> None:
    with pytest.raises(FilterError):
        odata_filter(text)

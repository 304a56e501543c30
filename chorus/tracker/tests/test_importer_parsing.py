"""Whatever JSON an upstream service sends, an importer either parses it or raises ImportFailed."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chorus.tracker.importers.base import ImportFailed
from chorus.tracker.importers.bills import BillsImporter
from chorus.tracker.importers.committees import CommitteesImporter
from chorus.tracker.importers.govuk import GovukImporter

junk = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
dates = st.sampled_from(["2026-12-04T23:59:00", "2026-12-04", "2026-03-29T01:30:00Z", "2026-10-25T01:30:00+01:00"])
anything = st.recursive(
    junk | dates,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@st.composite
def _corrupted(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> Any:
    """Mostly the documented shape, with up to two fields dropped or replaced, and now and then junk."""
    if draw(st.integers(0, 19)) == 0:
        return draw(anything)
    data = {key: draw(value) for key, value in fields.items()}
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 2]))):
        key = draw(st.sampled_from(sorted(fields)))
        if draw(st.booleans()):
            data.pop(key, None)
        else:
            data[key] = draw(anything)
    return data


def obj(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return _corrupted(fields)


ids = st.integers(min_value=1, max_value=99999)
titles = st.text(min_size=1, max_size=60)
sitting = obj(date=dates)
stage = obj(
    description=st.sampled_from(["1st reading", "2nd reading", "Royal Assent", "Odd"]),
    house=st.sampled_from(["Commons", "Lords"]),
    stageSittings=st.lists(sitting, max_size=3),
)
bill = obj(
    billId=ids,
    shortTitle=titles,
    originatingHouse=st.sampled_from(["Commons", "Lords"]),
    currentStage=stage,
    sponsors=st.lists(obj(organisation=obj(name=titles)), max_size=2),
)
period = obj(id=ids, startDate=dates, endDate=dates)
business = obj(
    id=ids,
    title=titles,
    openDate=dates,
    type=obj(name=titles),
    leadCommittee=obj(name=titles),
    openSubmissionPeriods=st.lists(period, max_size=3),
)
result = obj(
    link=st.from_regex(r"/government/consultations/[a-z-]{1,20}", fullmatch=True),
    title=titles,
    description=titles,
    opening_date=dates,
    end_date=dates,
    organisations=st.lists(obj(title=titles), max_size=2),
)


def client_answering(listing: Any, stages: Any = None) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        body = stages if request.url.path.endswith("/Stages") else listing
        return httpx.Response(200, content=json.dumps(body).encode())

    return httpx.Client(transport=httpx.MockTransport(handler))


def check(importer: Any, listing: Any, stages: Any = None) -> None:
    with client_answering(listing, stages) as client:
        try:
            items = importer.fetch(client, terms=["mental health"])
        except ImportFailed:
            return
    for item in items:
        assert item.upstream_id and isinstance(item.title, str)
        for window in item.windows:
            assert window.closes_at.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(listing=obj(items=st.lists(bill, max_size=3)), stages=obj(items=st.lists(stage, max_size=4)))
def test_bills_json_is_parsed_or_refused_cleanly(listing: Any, stages: Any) -> None:
    check(BillsImporter("https://bills.test"), listing, stages)


@settings(max_examples=200, deadline=None)
@given(listing=obj(items=st.lists(business, max_size=3)))
def test_committees_json_is_parsed_or_refused_cleanly(listing: Any) -> None:
    check(CommitteesImporter("https://committees.test"), listing)


@settings(max_examples=200, deadline=None)
@given(listing=obj(results=st.lists(result, max_size=3)))
def test_govuk_json_is_parsed_or_refused_cleanly(listing: Any) -> None:
    check(GovukImporter("https://govuk.test"), listing)


def test_absurd_dates_are_refused() -> None:
    with pytest.raises(ImportFailed, match="plausible"):
        check_strict = GovukImporter("https://govuk.test")
        with client_answering({"results": [{"link": "/x", "title": "X", "end_date": "0001-01-01T00:00:00"}]}) as c:
            check_strict.fetch(c, terms=["x"])

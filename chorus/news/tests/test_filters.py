"""The article list's GET filters: a malformed value is ignored, never an error."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from chorus.news.models import ArticleKind
from chorus.news.selectors import ArticleFilters
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site


def _query(**values: str) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(values)
    return query


@given(year=st.text(max_size=10), kind=st.text(max_size=10), area=st.text(max_size=200))
def test_any_query_gives_filters_in_range(year: str, kind: str, area: str) -> None:
    filters = ArticleFilters.from_query(_query(year=year, kind=kind, area=area))
    assert filters.year is None or 1900 < filters.year < 2200
    assert filters.kind in {"", *ArticleKind.values}
    assert len(filters.area) <= 100


@pytest.mark.parametrize("year", ["²", "²⁰²⁶", "٢٠٢٦", "２０２６", "9" * 5000, "02026", "abc"])
def test_a_year_that_is_not_four_ascii_digits_is_ignored(year: str) -> None:
    assert ArticleFilters.from_query(_query(year=year)).year is None


def test_a_plain_year_filters() -> None:
    assert ArticleFilters.from_query(_query(year="2026")).year == 2026


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["year=%C2%B2", "year=%D9%A2%D9%A0%D9%A2%D9%A6", "year=" + "9" * 5000])
def test_the_list_page_ignores_a_malformed_year(query: str) -> None:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home, slug="news")
    ArticlePageFactory(parent=news, title="Still listed")
    response = Client().get(f"/news/?{query}")
    assert response.status_code == 200
    assert b"Still listed" in response.content

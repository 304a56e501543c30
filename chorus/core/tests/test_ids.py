"""Ids from outside (URLs, form fields, ticked boxes): a number in range, or refused before any query."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import BadRequest, ValidationError
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from chorus.core.forms import IdModelChoiceField, IdModelMultipleChoiceField
from chorus.core.ids import MAX_ID, IdConverter, parse_id, posted_ids
from chorus.pages.models import PriorityAreaPage
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site

NOT_IDS = ["", "0", "-1", "+1", " 1", "1.0", "1e3", "²", "١٢", "１", str(MAX_ID + 1), "9" * 25, "9" * 5000, "a\x00b"]


@given(st.text(max_size=30))
def test_parse_id_answers_any_text_with_an_id_in_range_or_none(value: str) -> None:
    number = parse_id(value)
    assert number is None or (0 < number <= MAX_ID and value.isascii() and value.isdigit())


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_parse_id_reads_every_id(number: int) -> None:
    assert parse_id(str(number)) == number


@pytest.mark.parametrize("value", NOT_IDS)
def test_parse_id_refuses_what_only_looks_like_a_number(value: str) -> None:
    assert parse_id(value) is None


def test_posted_ids_is_a_bad_request_for_anything_but_ids() -> None:
    factory = RequestFactory()
    assert posted_ids(factory.post("/", {"ids": ["3", "12"]}), "ids") == [3, 12]
    assert posted_ids(factory.post("/", {}), "ids") == []
    for value in NOT_IDS:
        with pytest.raises(BadRequest):
            posted_ids(factory.post("/", {"ids": ["3", value]}), "ids")


def test_the_url_converter_matches_only_ids() -> None:
    converter = IdConverter()
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    for value in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValueError):
            converter.to_python(value)


@pytest.fixture
def area(db: Any) -> PriorityAreaPage:
    home = make_site()
    page: PriorityAreaPage = PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home), title="Data")
    return page


@pytest.mark.parametrize("value", [str(MAX_ID + 1), "99999999999999999999", "²"])
def test_choice_fields_say_select_a_valid_choice_without_querying(
    area: PriorityAreaPage, value: str, django_assert_num_queries: Any
) -> None:
    one = IdModelChoiceField(queryset=PriorityAreaPage.objects.all())
    many = IdModelMultipleChoiceField(queryset=PriorityAreaPage.objects.all())
    with django_assert_num_queries(0):
        for field, data in ((one, value), (many, [str(area.pk), value])):
            with pytest.raises(ValidationError) as refused:
                field.clean(data)
            assert refused.value.code == "invalid_choice"
            assert "Select a valid choice" in str(refused.value)
    assert one.clean(str(area.pk)) == area
    assert list(many.clean([str(area.pk)])) == [area]

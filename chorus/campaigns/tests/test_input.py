"""Free input on the signing forms: whatever arrives, a clear answer and nothing half-stored."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from chorus.campaigns.forms import (
    JOINERS,
    REFUSED_CATEGORIES,
    UK_POSTCODE,
    InvalidationForm,
    OpenLetterSignForm,
    clean_text,
    normalise_postcode,
)
from chorus.core.spreadsheets import CSV_DANGEROUS_PREFIXES, csv_safe


@given(st.text(max_size=20))
def test_postcode_is_either_a_normalised_uk_postcode_or_a_clear_error(value: str) -> None:
    try:
        result = normalise_postcode(value)
    except ValidationError as error:
        assert "UK postcode" in error.messages[0]
        return
    assert result == "" or UK_POSTCODE.match(result)
    assert normalise_postcode(result) == result  # idempotent


@pytest.mark.parametrize("raw,clean", [("sw1a1aa", "SW1A 1AA"), (" M1  1AE ", "M1 1AE"), ("gir0aa", "GIR 0AA")])
def test_known_postcodes(raw: str, clean: str) -> None:
    assert normalise_postcode(raw) == clean


@given(st.text(max_size=60))
def test_clean_text_never_keeps_markup_or_control_characters(value: str) -> None:
    try:
        result = clean_text(value, label="Name")
    except ValidationError:
        return
    assert "<" not in result and ">" not in result
    assert result == result.strip()
    assert all(unicodedata.category(ch) not in REFUSED_CATEGORIES or ch in JOINERS for ch in result)


@given(st.text(max_size=30))
def test_csv_cells_never_start_like_a_formula(value: str) -> None:
    assert not csv_safe(value).startswith(CSV_DANGEROUS_PREFIXES)


@given(name=st.text(max_size=200), email=st.text(max_size=60), role=st.text(max_size=200))
def test_the_letter_form_answers_every_input(name: str, email: str, role: str) -> None:
    form = OpenLetterSignForm({"kind": "individual", "name": name, "email": email, "role": role})
    if form.is_valid():
        details = form.details()
        assert details.name and "@" in details.email
    else:
        assert form.errors


TIMES = st.one_of(
    st.just(""),
    st.text(max_size=20),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%d %H:%M")),
)


@given(domain=st.sampled_from(["", "example.org"]), ip_hash=st.sampled_from(["", "ab" * 16]), since=TIMES, until=TIMES)
def test_the_invalidation_form_passes_only_criteria_the_service_accepts(
    domain: str, ip_hash: str, since: str, until: str
) -> None:
    form = InvalidationForm({"email_domain": domain, "ip_hash": ip_hash, "since": since, "until": until})
    if form.is_valid():
        assert form.criteria().refusal == ""
    else:
        assert form.errors  # always a reason given, on a field or for the whole form
    if not domain and not ip_hash and not (since.strip() and until.strip()):
        assert not form.is_valid()

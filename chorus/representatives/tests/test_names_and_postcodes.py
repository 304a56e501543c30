"""Folding constituency names for matching, and postcodes into one canonical form (property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chorus.representatives.names import constituency_name_key
from chorus.representatives.postcodes import postcode_canonical


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ynys Môn", "Ynys Mon"),
        ("Brighton, Kemptown & Peacehaven", "Brighton Kemptown and Peacehaven"),
        ("  cities of london AND westminster ", "Cities of London and Westminster"),
        ("Weston-super-Mare", "Weston super Mare"),
        ("Montgomeryshire and Glyndŵr", "Montgomeryshire and Glyndwr"),
        ("İstanbul", "istanbul"),
    ],
)
def test_spellings_of_one_seat_fold_to_one_key(one: str, other: str) -> None:
    assert constituency_name_key(one) == constituency_name_key(other)


@pytest.mark.parametrize(("one", "other"), [("Cardiff East", "Cardiff West"), ("Bath", "Barth")])
def test_different_seats_keep_different_keys(one: str, other: str) -> None:
    assert constituency_name_key(one) != constituency_name_key(other)


@given(st.text())
def test_folding_is_idempotent(name: str) -> None:
    key = constituency_name_key(name)
    assert constituency_name_key(key) == key


@given(st.text())
def test_a_key_is_plain_lower_case_words(name: str) -> None:
    key = constituency_name_key(name)
    assert key == key.strip() and "  " not in key
    assert all(char.isdigit() or ("a" <= char <= "z") or char == " " for char in key)


@given(st.text(), st.sampled_from(["upper", "lower", "title"]))
def test_case_and_ampersands_never_matter(name: str, case: str) -> None:
    changed = getattr(name, case)()
    # Upper-casing can turn one letter into two (ß into SS); folding makes those equal.
    assert constituency_name_key(changed) == constituency_name_key(name) or len(changed) != len(name)
    assert constituency_name_key(name.replace("&", " and ")) == constituency_name_key(name)


LETTERS = "ABCDEFGHJKLMNOPRSTUWYZ"
outward = st.builds(
    lambda area, district: area + district,
    st.sampled_from(["SW", "M", "B", "EH", "CF", "BT", "GU", "JE"]),
    st.integers(min_value=1, max_value=29).map(str),
)
inward = st.builds(
    lambda digit, letters: f"{digit}{letters}",
    st.integers(min_value=0, max_value=9),
    st.text(alphabet="ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
)


@given(outward, inward, st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from(["upper", "lower"]))
def test_any_spacing_or_case_gives_one_canonical_postcode(out: str, inn: str, gap: str, case: str) -> None:
    typed = getattr(f" {out}{gap}{inn} ", case)()
    assert postcode_canonical(typed) == f"{out} {inn}"


@given(st.text(max_size=60))
def test_canonical_postcodes_are_fixed_points(raw: str) -> None:
    canonical = postcode_canonical(raw)
    if canonical is not None:
        assert postcode_canonical(canonical) == canonical
        assert canonical == canonical.strip().upper() and canonical.count(" ") == 1


@pytest.mark.parametrize("raw", ["SW1A 1AA\x00", "<b>SW1A 1AA</b>", "SW1A 1AA; DROP", "S" * 50, "", "SW1A 1AA" * 6])
def test_anything_but_spaces_around_a_postcode_makes_it_not_one(raw: str) -> None:
    assert postcode_canonical(raw) is None


def test_spaces_and_line_ends_around_a_postcode_are_dropped() -> None:
    assert postcode_canonical(" sw1a 1aa\r\n") == "SW1A 1AA"

"""Every answer the postcode lookup gives (chorus.representatives.lookup)."""

from __future__ import annotations

from datetime import date

import pytest

from chorus.representatives.lookup import (
    SPEAKER_LABEL,
    LookupStatus,
    all_seats,
    postcode_data_loaded,
    seat,
    seats_for_postcode,
)
from chorus.representatives.models import Constituency, DataKind, DataSet, DataSetStatus, PostcodeRecord
from chorus.representatives.tests.factories import add_postcodes, make_seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats() -> None:
    make_seat("E14001063", "Holborn and St Pancras", mp="Example MP for Holborn", party="Example Party")
    make_seat("W07000081", "Cardiff East", mp="Example MP for Cardiff", party="Another Party")
    make_seat("S14000021", "Edinburgh East and Musselburgh", mp="Example MP for Edinburgh")
    make_seat("N05000001", "Belfast East", mp="Example MP for Belfast")
    make_seat("E14001172", "Chorley", mp="Example Speaker", party="Speaker", is_speaker=True)
    make_seat("E14001300", "Runcorn and Helsby", mp=None)
    add_postcodes(
        {
            "WC1X 8HP": "E14001063",
            "CF24 0AA": "W07000081",
            "EH7 5AA": "S14000021",
            "BT4 1AA": "N05000001",
            "PR7 1AA": "E14001172",
            "WA7 1AA": "E14001300",
            "CF10 9ZZ": ["W07000081", "E14001063"],
            "EC1A 9ZZ": "E14001063",
            "AB1 0AA": "",
        },
        terminated={"EC1A 9ZZ": date(2019, 6, 1)},
    )


@pytest.mark.parametrize(
    ("raw", "name", "country"),
    [
        ("wc1x8hp", "Holborn and St Pancras", "England"),
        (" CF24  0AA ", "Cardiff East", "Wales"),
        ("EH7 5AA", "Edinburgh East and Musselburgh", "Scotland"),
        ("bt4 1aa", "Belfast East", "Northern Ireland"),
    ],
)
def test_a_postcode_in_each_nation_finds_its_one_seat(seats: None, raw: str, name: str, country: str) -> None:
    result = seats_for_postcode(raw)
    assert result.status is LookupStatus.FOUND
    assert [(s.constituency_name, s.country) for s in result.seats] == [(name, country)]
    assert result.postcode == raw.upper().replace(" ", "")[:-3] + " " + raw.upper().replace(" ", "")[-3:]
    assert "Your MP is Example MP for" in result.message


def test_the_speakers_seat_shows_no_party(seats: None) -> None:
    (found,) = seats_for_postcode("PR7 1AA").seats
    assert found.is_speaker
    assert found.party == SPEAKER_LABEL
    assert found.representative is not None and found.representative.party == "Speaker"
    assert SPEAKER_LABEL in seats_for_postcode("PR7 1AA").message


def test_a_vacant_seat_is_found_without_a_representative(seats: None) -> None:
    result = seats_for_postcode("WA7 1AA")
    assert result.status is LookupStatus.FOUND
    (vacant,) = result.seats
    assert vacant.is_vacant and vacant.representative is None
    assert vacant.representative_name == vacant.email == vacant.party == ""
    assert "no MP at the moment" in result.message


def test_a_postcode_split_between_seats_lets_the_member_choose(seats: None) -> None:
    result = seats_for_postcode("CF10 9ZZ")
    assert result.status is LookupStatus.CHOOSE
    assert [s.constituency_name for s in result.seats] == ["Cardiff East", "Holborn and St Pancras"]
    assert "Choose" in result.message


def test_a_terminated_postcode_says_so(seats: None) -> None:
    result = seats_for_postcode("EC1A 9ZZ")
    assert result.status is LookupStatus.TERMINATED
    assert result.seats == ()
    assert "no longer in use" in result.message


@pytest.mark.parametrize(
    ("raw", "place"), [("JE2 3AB", "Jersey"), ("gy1 1aa", "Guernsey"), ("IM1 1AA", "Isle of Man")]
)
def test_a_crown_dependency_has_no_seat(seats: None, raw: str, place: str) -> None:
    result = seats_for_postcode(raw)
    assert result.status is LookupStatus.NOT_COVERED
    assert place in result.message and "no MP at Westminster" in result.message


def test_a_crown_dependency_in_the_data_is_not_covered_whatever_its_letters() -> None:
    data_set = add_postcodes({})
    PostcodeRecord.objects.create(data_set=data_set, postcode="SW1A 1AA", country_code="L93000001")
    assert seats_for_postcode("SW1A 1AA").status is LookupStatus.NOT_COVERED


def test_a_well_formed_postcode_not_in_the_data_is_not_found(seats: None) -> None:
    result = seats_for_postcode("SW1A 1AA")
    assert (result.status, result.postcode) == (LookupStatus.NOT_FOUND, "SW1A 1AA")


def test_a_postcode_with_no_known_seat_is_not_found(seats: None) -> None:
    assert seats_for_postcode("AB1 0AA").status is LookupStatus.NOT_FOUND


@pytest.mark.parametrize("raw", ["", "hello", "SW1A", "12345", "SW1A 1AA\x00", "Q1 1AA", "SW1A 1AA" * 10])
def test_anything_else_is_invalid(seats: None, raw: str) -> None:
    result = seats_for_postcode(raw)
    assert (result.status, result.postcode, result.seats) == (LookupStatus.INVALID, "", ())
    assert result.message


def test_without_postcode_data_the_member_picks_from_the_list() -> None:
    make_seat("E14001063", "Holborn and St Pancras")
    assert not postcode_data_loaded()
    result = seats_for_postcode("WC1X 8HP")
    assert result.status is LookupStatus.NO_DATA
    assert "choose your MP from the list" in result.message


def test_only_the_live_postcode_data_set_is_read(seats: None) -> None:
    old = DataSet.objects.create(kind=DataKind.POSTCODES, status=DataSetStatus.REPLACED)
    PostcodeRecord.objects.create(data_set=old, postcode="SW1A 1AA", constituency_code="E14001063")
    assert seats_for_postcode("SW1A 1AA").status is LookupStatus.NOT_FOUND


def test_seat_and_all_seats(seats: None) -> None:
    found = seat("w07000081")
    assert found is not None and found.constituency_name == "Cardiff East"
    assert seat("X99999999") is None
    names = [s.constituency_name for s in all_seats()]
    assert names == sorted(names) and len(names) == Constituency.objects.count()

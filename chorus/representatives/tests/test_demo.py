"""The demo's example seats, MPs and postcodes: every lookup answer can be tried, and real data is never replaced."""

from __future__ import annotations

import pytest

from chorus.core import sections
from chorus.representatives import demo
from chorus.representatives.lookup import LookupStatus, all_seats, seats_for_postcode
from chorus.representatives.models import DataKind, DataSet, DataSetStatus, Representative
from chorus.representatives.tests.factories import make_seat

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_covers_every_answer() -> None:
    assert "Loaded 12 constituencies, 11 example MPs, 19 example postcodes" in demo.load()
    assert demo.load() == "Postcodes and MPs were already loaded."
    expected = {
        "SW1A 1AA": LookupStatus.FOUND,
        "SW1A 0AA": LookupStatus.FOUND,
        "PR7 1DP": LookupStatus.FOUND,
        "SA3 5AA": LookupStatus.FOUND,
        "CF14 9ZZ": LookupStatus.CHOOSE,
        "SW1A 9ZZ": LookupStatus.TERMINATED,
        "JE2 3AB": LookupStatus.NOT_COVERED,
        "IM1 1AA": LookupStatus.NOT_COVERED,
        "N1 1AA": LookupStatus.NOT_FOUND,
        "nonsense": LookupStatus.INVALID,
    }
    assert {postcode: seats_for_postcode(postcode).status for postcode in expected} == expected
    (cities,) = seats_for_postcode("SW1A 1AA").seats
    assert cities.representative_name == "Example MP for the Cities"
    assert cities.email == "cities.of.london.and.westminster.mp@example.org"
    assert seats_for_postcode("PR7 1DP").seats[0].is_speaker
    assert seats_for_postcode("SA3 5AA").seats[0].is_vacant
    # Every example MP is marked as one, at a domain that can never receive mail.
    for representative in Representative.objects.all():
        assert representative.name.startswith("Example ") and representative.email.endswith("@example.org")
    assert len(all_seats()) == 12
    assert set(DataSet.objects.values_list("version", flat=True)) == {demo.VERSION}


def test_the_demo_never_replaces_real_data() -> None:
    make_seat("E14001063", "Aldershot", mp="A real import")
    demo.load()
    assert not DataSet.objects.filter(kind=DataKind.CONSTITUENCIES, version=demo.VERSION).exists()
    assert Representative.objects.get().name == "A real import"
    assert DataSet.objects.get(kind=DataKind.POSTCODES, status=DataSetStatus.LIVE).version == demo.VERSION


def test_the_demo_is_registered_to_load_with_the_rest() -> None:
    assert "representatives" in {c.name for c in sections.DEMO_CONTENT.contributions()}

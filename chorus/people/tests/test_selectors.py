"""Reads for the privacy page: every app's data gathered, and downloads that are safe to open."""

from __future__ import annotations

import pytest

from chorus.people.models import ConsentPurpose
from chorus.people.selectors import csv_safe, held_as_json, held_as_rows, person_data_held, person_privacy_modules
from chorus.people.tests.factories import give_consent, make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["=1+2", "+44 7700", "-x", "@SUM(A1)", "\tcmd"])
def test_spreadsheet_formulas_are_defused(value: str) -> None:
    assert csv_safe(value) == "'" + value


def test_plain_values_are_left_alone() -> None:
    assert csv_safe("Rowan Ash") == "Rowan Ash"


def test_people_comes_first_and_only_real_modules_are_used() -> None:
    modules = person_privacy_modules()
    assert modules[0].__name__ == "chorus.people.privacy"
    assert "chorus.core.privacy" not in [module.__name__ for module in modules]


def test_held_data_converts_for_downloads() -> None:
    person = make_person(name="=HYPERLINK(evil)")
    give_consent(person, ConsentPurpose.PUBLISH_NAME, scope="campaigns.petition:4")
    groups = person_data_held(person=person)
    assert groups[0].title == "Your contact details"
    as_json = held_as_json(groups)
    assert any(item["value"] == "=HYPERLINK(evil)" for item in as_json[0]["items"])
    assert isinstance(as_json[0]["items"][0]["recorded_at"], str)
    rows = held_as_rows(groups)
    assert [cell for row in rows for cell in row if "HYPERLINK" in cell] == ["'=HYPERLINK(evil)"]

"""The 360Giving data: every grant made, valid against the standard's own schema, naming no one."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from chorus.grants.choices import RegisteredWith
from chorus.grants.models import FundPage, RoundPage
from chorus.grants.open_data import CSV_COLUMNS, giving_package
from chorus.grants.tests.decided import make_award, make_decline, make_sent
from chorus.grants.tests.factories import make_round
from chorus.grants.workflow import ApplicationStatus
from chorus.pages.models import OrganisationSettings

pytestmark = pytest.mark.django_db

STANDARDS = Path(__file__).resolve().parent / "standards"
JSON_URL = "/funding/data/360giving.json"
CSV_URL = "/funding/data/360giving.csv"


def _validator() -> Draft202012Validator:
    """The package schema, with the grant schema it refers to found in the repository's copy."""
    package_schema = json.loads((STANDARDS / "360-giving-package-schema.json").read_text())
    grant_schema = json.loads((STANDARDS / "360-giving-schema.json").read_text())
    grant = DRAFT202012.create_resource(grant_schema)
    # The package names the grant schema of 1.4.2; the grant schema calls itself 1.4.3. Both
    # addresses lead to the copy here, so nothing is fetched.
    registry = Registry().with_resources(
        [(package_schema["properties"]["grants"]["items"]["$ref"], grant), (grant_schema["$id"], grant)]
    )
    return Draft202012Validator(package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _organisation(*, prefix: str = "360G-chorus", charity: str = "1234567", company: str = "") -> None:
    organisation = OrganisationSettings.load()
    organisation.name = "Chorus Network"
    organisation.grants_prefix = prefix
    organisation.charity_number = charity
    organisation.company_number = company
    organisation.save()


def _round(fund: FundPage) -> RoundPage:
    now = timezone.now()
    return make_round(fund, title="Spring round", opens=now - timedelta(days=90), closes=now - timedelta(days=60))


def _grants(fund: FundPage) -> RoundPage:
    round_page = _round(fund)
    make_award(
        round_page,
        amount=2500,
        is_registered=True,
        registered_with=RegisteredWith.CHARITY_ENGLAND_WALES,
        registered_number="1 234 567",
        group_name="Leeds Hearing Voices",
        planned_start=date(2026, 9, 1),
        planned_end=date(2027, 8, 31),
    )
    make_award(
        round_page,
        amount=400,
        is_registered=True,
        registered_with=RegisteredWith.CHARITY_SCOTLAND,
        registered_number="sc012345",
        group_name="Glasgow Peer Circle",
    )
    make_award(round_page, amount=300, group_name='=HYPERLINK("http://x")', award_description="")
    make_decline(round_page, group_name="Not Funded Group")
    make_sent(round_page, status=ApplicationStatus.PANEL, group_name="Still Deciding Group")
    return round_page


def test_nothing_is_published_until_the_prefix_is_set(client: Client, fund: FundPage) -> None:
    _grants(fund)
    _organisation(prefix="")
    for url in (JSON_URL, CSV_URL):
        response = client.get(url)
        assert response.status_code == 404
        assert "set our 360Giving identifier" in response.content.decode()


def test_nothing_is_published_before_the_first_grant(client: Client, fund: FundPage) -> None:
    _organisation()
    make_decline(_round(fund))
    assert client.get(JSON_URL).status_code == 404
    assert client.get(CSV_URL).status_code == 404


def test_the_package_validates_against_the_360giving_schema(client: Client, fund: FundPage) -> None:
    _organisation()
    _grants(fund)
    response = client.get(JSON_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies
    package = response.json()
    _validator().validate(package)
    assert package["version"] == "1.4"
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"] == {
        "name": "Chorus Network",
        "identifier": "GB-CHC-1234567",
        "website": "http://testserver/",
    }
    assert package["downloadURL"] == f"http://testserver{JSON_URL}"
    assert client.post(JSON_URL).status_code == 405


def test_the_validation_is_not_vacuous(fund: FundPage) -> None:
    _organisation()
    _grants(fund)
    package: Any = giving_package(now=timezone.now())
    del package["grants"][0]["amountAwarded"]
    with pytest.raises(ValidationError):
        _validator().validate(package)
    package = giving_package(now=timezone.now())
    package["grants"][0]["awardDate"] = "1 March 2027"
    with pytest.raises(ValidationError):
        _validator().validate(package)


def test_each_grant_made_is_listed_with_its_identifiers_and_nothing_else(fund: FundPage) -> None:
    _organisation()
    round_page = _grants(fund)
    package: Any = giving_package(now=timezone.now())
    grants = package["grants"]
    assert [grant["recipientOrganization"][0]["name"] for grant in grants] == [
        "Leeds Hearing Voices",
        "Glasgow Peer Circle",
        '=HYPERLINK("http://x")',
    ]
    first, second, third = grants
    assert first["id"].startswith("360G-chorus-GR-2026-")
    assert first["currency"] == "GBP" and first["amountAwarded"] == 2500
    assert first["description"] == "Weekly peer support meetings for a year."
    assert first["recipientOrganization"] == [
        {"id": "GB-CHC-1234567", "name": "Leeds Hearing Voices", "charityNumber": "1234567"}
    ]
    assert first["fundingOrganization"] == [{"id": "GB-CHC-1234567", "name": "Chorus Network"}]
    assert first["plannedDates"] == [{"startDate": "2026-09-01", "endDate": "2027-08-31"}]
    assert first["grantProgramme"][0]["title"] == f"{fund.title}: Spring round"
    assert first["grantProgramme"][0]["code"] == f"360G-chorus-ROUND-{round_page.pk}"
    assert first["fromOpenCall"] == "Yes"
    assert second["recipientOrganization"][0]["id"] == "GB-SC-SC012345"
    assert "plannedDates" not in second
    # An unregistered group: an id from our prefix and the reference, about no one.
    assert third["recipientOrganization"][0]["id"] == f"360G-chorus-GROUP-{third['id'].removeprefix('360G-chorus-')}"
    assert third["description"] == f"A grant from {fund.title}: Spring round."

    text = json.dumps(package)
    for never in ("Pat Contact", "@example.org", "0113 496", "Not Funded Group", "Still Deciding Group"):
        assert never not in text
    assert "here is why" not in text  # the decision message is the group's own


@pytest.mark.parametrize(
    ("charity", "company", "prefix", "funder"),
    [
        ("1234567", "07654321", "360G-chorus", "GB-CHC-1234567"),
        ("", "07654321", "360G-chorus", "GB-COH-07654321"),
        ("", "", "360G-chorus", "360G-chorus"),
        ("", "", "chorus", "360G-chorus"),  # the prefix as some staff will type it
    ],
)
def test_the_funder_is_identified_by_its_charity_else_company_else_prefix(
    fund: FundPage, charity: str, company: str, prefix: str, funder: str
) -> None:
    _organisation(prefix=prefix, charity=charity, company=company)
    make_award(_round(fund))
    package: Any = giving_package(now=timezone.now())
    assert package["grants"][0]["fundingOrganization"][0]["id"] == funder
    assert package["grants"][0]["id"].startswith("360G-chorus-GR-")
    _validator().validate(package)


def test_the_spreadsheet_has_the_360giving_columns_and_is_safe_to_open(client: Client, fund: FundPage) -> None:
    _organisation()
    _grants(fund)
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == CSV_COLUMNS
    assert "Identifier" in CSV_COLUMNS and "Recipient Org:Identifier" in CSV_COLUMNS
    assert [row["Recipient Org:Identifier"] for row in rows][:2] == ["GB-CHC-1234567", "GB-SC-SC012345"]
    assert rows[0]["Amount Awarded"] == "2500" and rows[0]["Planned Dates:End Date"] == "2027-08-31"
    assert rows[0]["Recipient Org:Charity Number"] == "1234567"
    assert rows[2]["Recipient Org:Name"] == '\'=HYPERLINK("http://x")'  # a formula is only text
    package: Any = giving_package(now=timezone.now())
    assert [row["Identifier"] for row in rows] == [grant["id"] for grant in package["grants"]]
    assert "Pat Contact" not in response.content.decode()

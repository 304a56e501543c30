"""The privacy page names campaign consents as people know them, with the time zone on every time."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from chorus.campaigns.models import CampaignIndexPage
from chorus.campaigns.references import describe_reference
from chorus.campaigns.selectors import consent_scope, signing_source
from chorus.campaigns.tests.factories import petition
from chorus.core.privacy import reference_in_words
from chorus.people.models import ConsentPurpose, Person
from chorus.people.services import consent_give, privacy_link_confirm, privacy_link_issue
from chorus.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

TITLE = "Cameras off our wards"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$")


def signed_with_updates(person: Person, action_id: int) -> None:
    # What confirming a signature records (chorus.campaigns.services.confirmation).
    consent_give(
        person=person,
        purpose=ConsentPurpose.CAMPAIGN_UPDATES,
        wording="Send me updates on this campaign.",
        wording_version="v1",
        source=signing_source(action_id),
        scope=consent_scope(action_id),
    )


@pytest.fixture
def access(index: CampaignIndexPage) -> str:
    action = petition(index, title=TITLE)
    person = make_person(name="Rowan Ash")
    with time_machine.travel("2026-12-07 16:30:00 +0000", tick=False):
        signed_with_updates(person, action.pk)
    issued = privacy_link_issue(email="rowan@example.org")
    assert issued is not None
    return privacy_link_confirm(token=issued[1])


def test_the_page_names_the_action_and_the_zone_not_the_codes(access: str, client: Client) -> None:
    body = client.get(reverse("people:privacy_manage", kwargs={"token": access})).content.decode()
    assert f"Signed “{TITLE}”" in body
    assert f"Send me updates on this campaign: “{TITLE}”" in body
    assert "7 December 2026, 16:30 GMT" in body
    assert "campaigns.sign:" not in body and "campaigns.action:" not in body


def test_both_downloads_name_the_action_and_give_every_time_its_offset(access: str, client: Client) -> None:
    def download(fmt: str) -> str:
        response = client.get(reverse("people:privacy_download", kwargs={"token": access, "fmt": fmt}))
        assert response.status_code == 200
        return response.content.decode()

    as_json = json.loads(download("json"))
    as_csv = list(csv.reader(io.StringIO(download("csv"))))
    for text in (json.dumps(as_json, ensure_ascii=False), "\n".join(",".join(row) for row in as_csv)):
        assert f"Signed “{TITLE}”" in text
        assert "campaigns.sign:" not in text and "campaigns.action:" not in text

    times = [item["recorded_at"] for group in as_json["groups"] for item in group["items"] if item["recorded_at"]]
    times += [row[-1] for row in as_csv[1:] if row[-1]]
    assert times and all(ISO_WITH_OFFSET.match(moment) for moment in times)
    assert "2026-12-07T16:30:00+00:00" in times
    assert ISO_WITH_OFFSET.match(as_json["generated_at"]) and as_json["time_zone"] == "Europe/London"
    assert "Europe/London" in as_csv[0][-1]


def test_a_removed_action_is_described_without_its_number(index: CampaignIndexPage) -> None:
    removed = describe_reference(reference="campaigns.sign:999999")
    assert removed == "Signed a campaign action that has since been removed"
    assert describe_reference(reference="bulletin subscribe form") is None
    # The registry finds campaigns' describer; words stay words and no code is ever shown.
    action = petition(index, title=TITLE)
    assert reference_in_words(consent_scope(action.pk)) == f"“{TITLE}”"
    assert reference_in_words("bulletin subscribe form") == "bulletin subscribe form"
    assert ":" not in reference_in_words("support.reply:12")

"""The audit log viewer: administrators only, read-only, filterable."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.audit import log_action
from chorus.core.audit_seals import audit_log_check
from chorus.core.models import AuditEvent
from chorus.core.tests.sealing import seal_now
from conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/admin/audit-log/"


def test_the_url_is_where_we_say() -> None:
    assert reverse("accounts_audit_log") == URL


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["editor", "campaigner", "caseworker", "grants_officer"])
def test_other_roles_are_refused(persona: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(persona)
    assert client_for(user).get(URL).status_code == 403


def test_administrators_can_browse_and_filter(administrator: User) -> None:
    log_action(
        "people.consent.withdrawn", object_type="people.consentrecord", object_id=7, data={"purpose": "bulletin"}
    )
    log_action("campaigns.signature.confirmed", actor=administrator, object_type="campaigns.signature", object_id=8)
    client = client_for(administrator)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Chorus itself recorded a consent withdrawn (bulletin)" in body
    assert (
        "ada-administrator (Administrator) recorded a confirmed signature on signature no. 8 (since deleted)" in body
    )
    # The codes stay in the database (and the filter's option values); people read words.
    text = re.sub(r"<[^>]+>", " ", body)
    assert "people.consent.withdrawn" not in text and "campaigns.signature.confirmed" not in text
    assert "no-store" in page["Cache-Control"]

    filtered = client.get(URL, {"kind": "people.consent.withdrawn"}).content.decode()
    assert "recorded a consent withdrawn" in filtered and "recorded a confirmed signature" not in filtered
    by_actor = client.get(URL, {"actor": "ada-administrator"}).content.decode()
    assert "recorded a confirmed signature" in by_actor and "recorded a consent withdrawn" not in by_actor
    by_system = client.get(URL, {"actor": "-"}).content.decode()
    assert "recorded a consent withdrawn" in by_system and "recorded a confirmed signature" not in by_system
    by_object = client.get(URL, {"object_type": "people.consentrecord", "object_id": "7"}).content.decode()
    assert "recorded a consent withdrawn" in by_object and "recorded a confirmed signature" not in by_object
    bad_date = client.get(URL, {"date_from": "not-a-date"})
    assert bad_date.status_code == 200 and "Enter a valid date" in bad_date.content.decode()


def test_the_kinds_of_event_are_offered_by_name(administrator: User) -> None:
    body = client_for(administrator).get(URL).content.decode()
    assert '<option value="support.request.viewed">Support request viewed</option>' in body
    assert '<option value="-">Chorus itself (no one signed in)</option>' in body


def test_an_event_names_the_record_links_to_it_and_lists_its_details(administrator: User, caseworker: User) -> None:
    from chorus.pages.tests.factories import make_site
    from chorus.support.tests.factories import make_request

    make_site()
    support_request, _ = make_request()
    log_action("support.request.viewed", actor=caseworker, obj=support_request, data={"screen_part": "messages"})
    body = client_for(administrator).get(URL, {"kind": "support.request.viewed"}).content.decode()
    assert f"casey-caseworker (Caseworker) viewed request {support_request.reference}" in body
    assert f'<a href="/admin/support/{support_request.pk}/">Open' in body
    assert "<dt>Screen part</dt><dd>messages</dd>" in body


def test_the_filtered_log_downloads_as_a_spreadsheet_and_the_download_is_recorded(administrator: User) -> None:
    log_action("people.consent.withdrawn", object_type="people.consentrecord", object_id=7, data={"purpose": "=cmd"})
    log_action("campaigns.signature.confirmed", actor=administrator, object_type="campaigns.signature", object_id=8)
    response = client_for(administrator).get(f"{URL}export.csv", {"kind": "people.consent.withdrawn"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["When (UK time)", "What happened", "Kind of event", "Details", "Seal number"]
    assert len(rows) == 2
    assert rows[1][1] == "Chorus itself recorded a consent withdrawn (=cmd)"
    assert rows[1][2] == "Consent withdrawn" and rows[1][3] == "Purpose: =cmd"
    exported = AuditEvent.objects.get(action="accounts.audit_log.exported")
    assert exported.actor_id == administrator.pk and exported.data == {"rows": 1}


def test_only_administrators_may_download_the_log(editor: User) -> None:
    assert client_for(editor).get(f"{URL}export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="accounts.audit_log.exported").exists()


def test_the_viewer_offers_no_way_to_change_entries(administrator: User) -> None:
    response = client_for(administrator).post(URL, {"action": "x"})
    assert response.status_code in {200, 405}


def test_the_menu_shows_the_audit_log_to_administrators_only(administrator: User, editor: User) -> None:
    assert URL in client_for(administrator).get("/admin/").content.decode()
    assert URL not in client_for(editor).get("/admin/").content.decode()


def test_the_screen_shows_how_far_the_log_is_sealed_and_the_last_check(administrator: User) -> None:
    client = client_for(administrator)
    log_action("people.consent.withdrawn", object_type="people.consentrecord", object_id=7)
    body = client.get(URL).content.decode()
    assert "Not checked yet" in body and "Not yet" in body  # the entry waits for the sealer

    seal_now()
    log_action("people.consent.withdrawn", object_type="people.consentrecord", object_id=8)
    audit_log_check(screen="test")
    sealed = AuditEvent.objects.exclude(seal_sequence=None).count()
    body = client.get(URL).content.decode()
    assert f"{sealed} entries, last sealed" in body
    assert "Passed on" in body and f"all {sealed} sealed entries match their seals" in body
    assert "No. 1<" in body

    AuditEvent.objects.filter(seal_sequence=1).update(action="people.nothing.happened")
    audit_log_check(screen="test")
    body = client.get(URL).content.decode()
    assert "Failed on" in body and "1 problem found" in body
    assert "Entry 1 (event" in body and "does not match its seal" in body

"""The signatories CSV is streamed: written as rows are read, never built whole in memory."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from chorus.campaigns.models import DisplayChoice, Moderation, Signature, SignatureKind, SignatureStatus
from chorus.campaigns.selectors import consent_scope
from chorus.campaigns.tests.factories import letter
from chorus.core import spreadsheets
from chorus.core.models import AuditEvent
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_give, person_get_or_create
from conftest import client_for

pytestmark = pytest.mark.django_db

CONFIRMED = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def action(index: Any) -> Any:
    return letter(index)


def _signed(action: Any, email: str, name: str, **fields: Any) -> Signature:
    person, _ = person_get_or_create(email=email)
    fields.setdefault("confirmed_at", CONFIRMED)
    signature: Signature = Signature.objects.create(
        action=action, person=person, name=name, status=SignatureStatus.CONFIRMED, **fields
    )
    if fields.get("display", DisplayChoice.NOT_LISTED) != DisplayChoice.NOT_LISTED:
        consent_give(
            person=person,
            purpose=ConsentPurpose.PUBLISH_NAME,
            wording="Show my name",
            wording_version="t",
            source="test",
            scope=consent_scope(action.pk),
        )
    return signature


def _sample(action: Any) -> None:
    """Every kind of row the export writes, and some it must leave out."""
    _signed(action, "a@example.org", "=HYPERLINK(evil) Smith", display=DisplayChoice.FULL_NAME, role="@admin")
    _signed(action, "b@example.org", "Hidden Person", role="Secret role")
    _signed(action, "c@example.org", "Robin Ash", display=DisplayChoice.FIRST_NAME_INITIAL, role="Peer worker")
    _signed(action, "d@example.org", "-minus Start", display=DisplayChoice.FULL_NAME, role="\tTabbed")
    _signed(
        action,
        "e@example.org",
        "Contact",
        kind=SignatureKind.ORGANISATION,
        organisation="+Org",
        organisation_type="charity",
        moderation=Moderation.APPROVED,
        role="Ignored for organisations",
    )
    _signed(
        action,
        "f@example.org",
        "Contact",
        kind=SignatureKind.ORGANISATION,
        organisation="Waiting Group",
        organisation_type="user_led",
        moderation=Moderation.PENDING,
    )


# The file exactly as the export wrote it before it was streamed (built whole with csv.writer).
EXPECTED_BEFORE_STREAMING = (
    "Name as shown,Signed as,Organisation type,Role or group,Confirmed on\r\n"
    "'+Org,On behalf of an organisation,Charity,,2026-03-02\r\n"
    "'=HYPERLINK(evil) Smith,As an individual,,'@admin,2026-03-02\r\n"
    "Robin A.,As an individual,,Peer worker,2026-03-02\r\n"
    "'-minus Start,As an individual,,'\tTabbed,2026-03-02\r\n"
)


def test_the_csv_export_is_streamed_with_the_same_content_and_audited_once(action: Any, campaigner: Any) -> None:
    _sample(action)
    response = client_for(campaigner).get(f"/admin/campaigns/{action.pk}/signatories.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="signatories-{action.slug}.csv"'
    content = b"".join(response.streaming_content).decode()
    assert content == EXPECTED_BEFORE_STREAMING
    # Formula prefixes are still neutralised in every cell a signer typed.
    for row in list(csv.reader(io.StringIO(content)))[1:]:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r")), row
        assert not row[3].startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert "Hidden" not in content and "Waiting Group" not in content and "example.org" not in content
    events = AuditEvent.objects.filter(action="campaigns.signatories.exported")
    assert events.count() == 1
    assert events.get().data == {"format": "csv", "rows": 4}
    assert events.get().actor_id == campaigner.pk


def test_the_csv_export_goes_out_in_chunks(action: Any, campaigner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheets, "CSV_LINES_PER_CHUNK", 2)
    _sample(action)
    response = client_for(campaigner).get(f"/admin/campaigns/{action.pk}/signatories.csv")
    chunks = list(response.streaming_content)
    # Header and four rows, two lines a chunk: the file is never one string in memory.
    assert len(chunks) == 3
    assert b"".join(chunks).decode() == EXPECTED_BEFORE_STREAMING


def test_an_empty_export_still_has_its_header(action: Any, campaigner: Any) -> None:
    response = client_for(campaigner).get(f"/admin/campaigns/{action.pk}/signatories.csv")
    assert b"".join(response.streaming_content).decode() == EXPECTED_BEFORE_STREAMING.splitlines(True)[0]
    assert AuditEvent.objects.get(action="campaigns.signatories.exported").data == {"format": "csv", "rows": 0}


@pytest.mark.django_db(transaction=True)
def test_the_csv_export_streams_outside_a_transaction_as_in_production(index: Any, campaigner: Any) -> None:
    # Production runs without a request-wide transaction, so on PostgreSQL the rows come
    # through a server-side cursor that must outlive the view while the client reads.
    action = letter(index)
    _sample(action)
    response = client_for(campaigner).get(f"/admin/campaigns/{action.pk}/signatories.csv")
    assert b"".join(response.streaming_content).decode() == EXPECTED_BEFORE_STREAMING

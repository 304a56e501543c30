"""Staff screens: anonymous -> sign-in, editor and caseworker -> 403, campaigner and administrator -> 200."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chorus.campaigns.charts import signatures_chart
from chorus.campaigns.models import (
    CampaignUpdate,
    DeliveryPack,
    DisplayChoice,
    Moderation,
    Signature,
    SignatureKind,
    SignatureStatus,
)
from chorus.campaigns.selectors import consent_scope, signatures_by_day
from chorus.campaigns.tests.factories import letter
from chorus.core.models import AuditEvent
from chorus.core.spreadsheets import csv_safe
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_give, person_get_or_create
from conftest import client_for

pytestmark = pytest.mark.django_db

SCREENS = [
    "",
    "{pk}/",
    "{pk}/moderation/",
    "{pk}/signatories.csv",
    "{pk}/invalidate/",
    "{pk}/invalidations/",
    "{pk}/send-update/",
    "{pk}/updates/",
    "{pk}/updates/{update}/",
    "{pk}/delivery-packs/",
    "{pk}/delivery-packs/{pack}/",
    "{pk}/delivery-packs/{pack}/status.json",
]


@pytest.fixture
def action(index: Any) -> Any:
    return letter(index)


def _urls(action: Any) -> list[str]:
    # An update already sent, for the screen that shows one.
    update, _ = CampaignUpdate.objects.get_or_create(action=action, defaults={"subject": "News", "body": "Text"})
    # And a delivery pack someone asked for, for the screens that show one.
    pack, _ = DeliveryPack.objects.get_or_create(action=action)
    return ["/admin/campaigns/" + screen.format(pk=action.pk, update=update.pk, pack=pack.pk) for screen in SCREENS]


def test_anonymous_is_sent_to_sign_in(action: Any) -> None:
    for url in _urls(action):
        response = Client().get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.mark.parametrize("persona", ["editor", "caseworker"])
def test_other_roles_are_refused(action: Any, persona: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in _urls(action):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/campaigns/{action.pk}/transition/", {"target": "closed"}).status_code == 403


@pytest.mark.parametrize("persona", ["campaigner", "administrator"])
def test_campaign_staff_may_enter(action: Any, persona: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in _urls(action):
        assert client.get(url).status_code == 200, url


def _signed(action: Any, email: str, name: str, **fields: Any) -> Signature:
    person, _ = person_get_or_create(email=email)
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


def test_csv_export_is_limited_to_listed_signers_injection_safe_and_audited(action: Any, campaigner: Any) -> None:
    _signed(action, "a@example.org", "=HYPERLINK(evil) Smith", display=DisplayChoice.FULL_NAME, role="@admin")
    _signed(action, "b@example.org", "Hidden Person")
    _signed(
        action,
        "c@example.org",
        "Contact",
        kind=SignatureKind.ORGANISATION,
        organisation="+Org",
        organisation_type="charity",
        moderation=Moderation.APPROVED,
    )
    response = client_for(campaigner).get(f"/admin/campaigns/{action.pk}/signatories.csv")
    content = b"".join(response.streaming_content).decode()  # streamed (test_exports.py)
    rows = list(csv.reader(io.StringIO(content)))
    names = [row[0] for row in rows[1:]]
    assert names == ["'+Org", "'=HYPERLINK(evil) Smith"]
    assert rows[2][3] == "'@admin"
    assert "Hidden" not in content and "example.org" not in content
    event = AuditEvent.objects.get(action="campaigns.signatories.exported")
    assert event.data == {"format": "csv", "rows": 2}
    assert event.actor_id == campaigner.pk


def test_csv_safe_prefixes_every_risky_start() -> None:
    for risky in ("=1", "+1", "-1", "@a", "\tx", "\rx"):
        assert csv_safe(risky) == "'" + risky
    assert csv_safe("Ada") == "Ada"


def test_moderation_bulk_approve(action: Any, campaigner: Any) -> None:
    orgs = [
        _signed(
            action,
            f"o{i}@example.org",
            "Contact",
            kind=SignatureKind.ORGANISATION,
            organisation=f"Org {i}",
            organisation_type="user_led",
            moderation=Moderation.PENDING,
        )
        for i in range(3)
    ]
    client = client_for(campaigner)
    page = client.get(f"/admin/campaigns/{action.pk}/moderation/")
    assert "Org 2" in page.content.decode()
    assert AuditEvent.objects.filter(action="campaigns.signatures.viewed").exists()
    response = client.post(
        f"/admin/campaigns/{action.pk}/moderation/",
        {"signature": [orgs[0].pk, orgs[1].pk], "decision": "approve"},
    )
    assert response.status_code == 302
    assert Signature.objects.filter(moderation=Moderation.APPROVED).count() == 2


def test_a_moderation_decision_can_be_changed(action: Any, campaigner: Any) -> None:
    approved, rejected, _waiting = (
        _signed(
            action,
            f"{name}@example.org",
            "Contact",
            kind=SignatureKind.ORGANISATION,
            organisation=f"{name.title()} Group",
            organisation_type="user_led",
            moderation=moderation,
        )
        for name, moderation in (
            ("approved", Moderation.APPROVED),
            ("rejected", Moderation.REJECTED),
            ("waiting", Moderation.PENDING),
        )
    )
    client = client_for(campaigner)
    url = f"/admin/campaigns/{action.pk}/moderation/"
    page = client.get(url).content.decode()
    waiting_table, decided_table = page.split('id="decided-title"')
    assert "Waiting Group" in waiting_table and "Approved Group" not in waiting_table
    assert "Approved Group" in decided_table and "Rejected Group" in decided_table
    assert "Waiting Group" not in decided_table
    client.post(url, {"signature": [approved.pk], "decision": "reject"})
    client.post(url, {"signature": [rejected.pk], "decision": "approve"})
    assert {s.organisation: s.moderation for s in Signature.objects.all()} == {
        "Approved Group": Moderation.REJECTED,
        "Rejected Group": Moderation.APPROVED,
        "Waiting Group": Moderation.PENDING,
    }
    assert AuditEvent.objects.filter(action="campaigns.signature.rejected", data__signature_ids=[approved.pk]).exists()


def test_dashboard_chart_and_table_and_transition(action: Any, campaigner: Any) -> None:
    _signed(action, "a@example.org", "A", confirmed_at=action.first_published_at)
    client = client_for(campaigner)
    body = client.get(f"/admin/campaigns/{action.pk}/").content.decode()
    assert "<svg" in body and "<table" in body and "Running total" in body
    # Closing asks first (test_confirmations.py has the details), then closes.
    asked = client.post(f"/admin/campaigns/{action.pk}/transition/", {"target": "closed"})
    assert asked.status_code == 200 and "Yes, close signing" in asked.content.decode()
    response = client.post(f"/admin/campaigns/{action.pk}/transition/", {"target": "closed", "confirmed": "1"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == "closed"


def test_invalidation_preview_then_apply(action: Any, campaigner: Any) -> None:
    _signed(action, "a@example.org", "A", ip_hash="ab" * 16)
    client = client_for(campaigner)
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    preview = client.post(url, {"ip_hash": "ab" * 16, "confirm": "no"})
    assert "1 signature match" in preview.content.decode()
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    done = client.post(url, {"ip_hash": "ab" * 16, "confirm": "yes", "reason": "one address, many names"})
    assert done.status_code == 302
    assert Signature.objects.get().status == SignatureStatus.INVALIDATED


def test_invalidation_hints_and_errors_are_where_the_inputs_point(action: Any, campaigner: Any) -> None:
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    body = client_for(campaigner).post(url, {"since": "not a date", "confirm": "no"}).content.decode()
    described = [i for ids in re.findall(r'aria-describedby="([^"]+)"', body) for i in ids.split()]
    assert "id_since_helptext" in described and "id_since_error" in described
    for element_id in described:
        assert body.count(f'id="{element_id}"') == 1, element_id


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to look for what it declares."""
    inflated = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompress(stream.group(1)))
    return b"".join(inflated)


def test_delivery_pack_is_a_pdf_and_audited(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _signed(action, "a@example.org", "Ada Lovelace", display=DisplayChoice.FULL_NAME)
    client = client_for(campaigner)
    # Asked for on one screen, built by a task (run at once in tests), downloaded from another.
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(f"/admin/campaigns/{action.pk}/delivery-packs/")
    pack = DeliveryPack.objects.get()
    assert asked.status_code == 302 and asked["Location"].endswith(f"/delivery-packs/{pack.pk}/")
    response = client.get(f"/admin/campaigns/{action.pk}/delivery-packs/{pack.pk}/delivery-pack.pdf")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    # Tagged for screen readers (PDF/UA): a structure tree and the PDF/UA identification.
    objects = _pdf_objects(content)
    assert b"/StructTreeRoot" in objects and b"pdfuaid:part" in objects
    assert AuditEvent.objects.get(action="campaigns.signatories.exported").data == {
        "format": "pdf",
        "rows": 1,
        "pack": pack.pk,
    }


def test_delivery_pack_refused_to_editor(action: Any, editor: Any) -> None:
    client = client_for(editor)
    assert client.post(f"/admin/campaigns/{action.pk}/delivery-packs/").status_code == 403
    assert not DeliveryPack.objects.exists()


@pytest.mark.parametrize("url", ["/admin/blocked-domains/", "/admin/blocked-addresses/"])
def test_block_lists_are_for_campaign_staff(url: str, campaigner: Any, editor: Any) -> None:
    assert Client().get(url).status_code == 302
    assert client_for(editor).get(url).status_code != 200
    assert client_for(campaigner).get(url).status_code == 200


def test_block_lists_have_no_copy_screen_that_would_skip_the_audit(campaigner: Any) -> None:
    from chorus.campaigns.models import BlockedEmailDomain, BlockedIpHash

    domain = BlockedEmailDomain.objects.create(domain="spam.example", reason="wave")
    address = BlockedIpHash.objects.create(ip_hash="e" * 32, reason="burst")
    client = client_for(campaigner)
    for path in (f"/admin/blocked-domains/copy/{domain.pk}/", f"/admin/blocked-addresses/copy/{address.pk}/"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"domain": "other.example", "ip_hash": "f" * 32, "reason": "x"}).status_code == 404
    assert BlockedEmailDomain.objects.count() == BlockedIpHash.objects.count() == 1


def test_campaigner_adds_a_blocked_domain_stored_with_its_hash(campaigner: Any) -> None:
    from chorus.campaigns.models import BlockedEmailDomain, domain_hash

    response = client_for(campaigner).post(
        "/admin/blocked-domains/new/", {"domain": "Spam.Example.", "reason": "wave"}
    )
    assert response.status_code == 302
    blocked = BlockedEmailDomain.objects.get()
    assert blocked.domain == "spam.example" and blocked.domain_hash == domain_hash("spam.example")


def test_every_block_list_change_is_in_the_audit_log(campaigner: Any) -> None:
    from chorus.campaigns.models import BlockedIpHash

    client = client_for(campaigner)
    expires = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M")
    answers = {"ip_hash": "e" * 32, "reason": "x", "expires_at": expires}
    assert client.post("/admin/blocked-addresses/new/", answers).status_code == 302
    block = BlockedIpHash.objects.get()
    assert client.post(f"/admin/blocked-addresses/edit/{block.pk}/", {**answers, "reason": "y"}).status_code == 302
    client.post(f"/admin/blocked-addresses/delete/{block.pk}/")
    assert not BlockedIpHash.objects.exists()
    events = AuditEvent.objects.filter(object_type="campaigns.blockediphash", object_id=str(block.pk))
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "campaigns.blockediphash.added",
        "campaigns.blockediphash.changed",
        "campaigns.blockediphash.removed",
    ]
    assert all(event.actor == campaigner for event in events)


def test_editors_can_write_letters_and_petitions_in_the_page_tree(index: Any, editor: Any) -> None:
    client = client_for(editor)
    for model in ("openletterpage", "petitionpage"):
        response = client.get(f"/admin/pages/add/campaigns/{model}/{index.pk}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert 'name="summary"' in body and 'name="state"' not in body  # the workflow owns the state


def test_quiet_days_show_as_zero_in_the_chart_and_table(action: Any) -> None:
    monday = datetime(2026, 3, 2, 12, tzinfo=UTC)
    _signed(action, "a@example.org", "A", confirmed_at=monday)
    _signed(action, "b@example.org", "B", confirmed_at=monday + timedelta(days=3))
    days = signatures_by_day(action_id=action.pk)
    assert [(d.day.isoformat(), d.signatures, d.running_total) for d in days] == [
        ("2026-03-02", 1, 1),
        ("2026-03-03", 0, 1),
        ("2026-03-04", 0, 1),
        ("2026-03-05", 1, 2),
    ]
    assert signatures_chart(days, title="Signatures").count("<rect") == 4


def test_petition_dashboard_breaks_down_by_postcode_area(index: Any, campaigner: Any) -> None:
    from chorus.campaigns.tests.factories import petition

    action = petition(index, collect_postcode=True)
    for i in range(6):
        _signed(action, f"m{i}@example.org", "M", postcode="M1 1AE")
    _signed(action, "s@example.org", "S", postcode="SW1A 1AA")
    body = client_for(campaigner).get(f"/admin/campaigns/{action.pk}/").content.decode()
    assert "<td>M</td><td>6</td>" in body
    assert "<td>Other areas</td><td>1</td>" in body and "<td>SW</td>" not in body

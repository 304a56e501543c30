"""Ids that no row can have, and tampered staff posts: a 404 or 400, never a crash, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chorus.campaigns.models import Moderation, Signature, SignatureKind, SignatureStatus
from chorus.campaigns.tests.factories import letter
from chorus.core.ids import MAX_ID
from chorus.core.models import AuditEvent
from chorus.people.services import person_get_or_create
from conftest import client_for

pytestmark = pytest.mark.django_db

# Digit strings no id can reach: one past the 64-bit range, and far beyond it.
TOO_BIG = [str(MAX_ID + 1), "9999999999999999999", "9999999999999999999999999"]


@pytest.fixture
def action(index: Any) -> Any:
    return letter(index, slug="cameras-off")


@pytest.mark.parametrize("key", TOO_BIG)
def test_public_action_urls_with_an_impossible_id_are_not_found(action: Any, key: str) -> None:
    client = Client()
    assert client.get(f"/campaigns/{key}/count.json").status_code == 404
    assert client.get(f"/campaigns/{key}/sign/").status_code == 404
    assert client.post(f"/campaigns/{key}/sign/", {"name": "Al", "email": "al@example.org"}).status_code == 404
    assert not Signature.objects.exists()
    # The real action still answers by id and by slug.
    assert client.get(f"/campaigns/{action.pk}/count.json").status_code == 200
    assert client.get("/campaigns/cameras-off/count.json").status_code == 200


@pytest.mark.parametrize("key", [*TOO_BIG, "0"])
def test_staff_action_urls_with_an_impossible_id_are_not_found(action: Any, campaigner: Any, key: str) -> None:
    client = client_for(campaigner)
    for screen in ("", "moderation/", "invalidate/"):
        assert client.get(f"/admin/campaigns/{key}/{screen}").status_code == 404, screen
    assert client.post(f"/admin/campaigns/{key}/transition/", {"target": "closed"}).status_code == 404
    assert client.post(f"/admin/campaigns/{key}/moderation/", {"decision": "approve"}).status_code == 404
    assert client.post(f"/admin/campaigns/invalidations/{key}/reverse/").status_code == 404


def _organisation(action: Any, email: str) -> Signature:
    person, _ = person_get_or_create(email=email)
    signature: Signature = Signature.objects.create(
        action=action,
        person=person,
        name="Contact",
        status=SignatureStatus.CONFIRMED,
        kind=SignatureKind.ORGANISATION,
        organisation="Org",
        organisation_type="user_led",
        moderation=Moderation.PENDING,
    )
    return signature


@pytest.mark.parametrize("bad", ["²", "١", str(MAX_ID + 1), "99999999999999999999", "-1", "x"])
def test_moderation_with_a_value_that_is_not_an_id_is_a_bad_request(action: Any, campaigner: Any, bad: str) -> None:
    organisation = _organisation(action, "org@example.org")
    response = client_for(campaigner).post(
        f"/admin/campaigns/{action.pk}/moderation/", {"signature": [str(organisation.pk), bad], "decision": "reject"}
    )
    assert response.status_code == 400
    organisation.refresh_from_db()
    assert organisation.moderation == Moderation.PENDING
    assert not AuditEvent.objects.filter(action="campaigns.signature.rejected").exists()


@pytest.mark.parametrize("decision", ["", "zzz", "Approve"])
def test_moderation_with_no_known_decision_changes_nothing(action: Any, campaigner: Any, decision: str) -> None:
    organisation = _organisation(action, "org@example.org")
    response = client_for(campaigner).post(
        f"/admin/campaigns/{action.pk}/moderation/", {"signature": [str(organisation.pk)], "decision": decision}
    )
    assert response.status_code == 400
    organisation.refresh_from_db()
    assert organisation.moderation == Moderation.PENDING


def test_moderation_with_nothing_chosen_says_so(action: Any, campaigner: Any) -> None:
    client = client_for(campaigner)
    response = client.post(f"/admin/campaigns/{action.pk}/moderation/", {"decision": "approve"}, follow=True)
    assert response.status_code == 200
    assert "Choose at least one organisation." in response.content.decode()
    assert not AuditEvent.objects.filter(action="campaigns.signature.approved").exists()

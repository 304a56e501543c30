"""Bulk invalidation's "are you sure?" step is the shared confirmation page, which can ask for
the reason itself: a preview without one is not a dead end."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chorus.campaigns.models import Invalidation, Signature, SignatureStatus
from chorus.campaigns.tests.factories import letter
from chorus.core.tests.keys import keys_on
from conftest import client_for

pytestmark = pytest.mark.django_db

HASH = "cd" * 16


@pytest.fixture
def action(index: Any) -> Any:
    action = letter(index)
    Signature.objects.bulk_create(
        Signature(action=action, status=SignatureStatus.CONFIRMED, ip_hash=HASH) for _ in range(2)
    )
    return action


def _url(action: Any) -> str:
    return f"/admin/campaigns/{action.pk}/invalidate/"


def test_the_preview_is_the_shared_page_carrying_the_criteria_and_asking_why(action: Any, campaigner: Any) -> None:
    body = client_for(campaigner).post(_url(action), {"ip_hash": HASH, "confirm": "no"}).content.decode()
    assert "<h2>What will happen</h2>" in body and "Nothing has changed yet." in body
    assert f'<input type="hidden" name="ip_hash" value="{HASH}">' in body
    assert '<input type="hidden" name="confirm" value="yes">' in body
    assert '<label class="w-field__label" for="id_reason">Reason</label>' in body
    assert 'type="hidden" name="reason"' not in body  # asked, not carried as well
    assert len(keys_on(body)) == 1
    assert not Invalidation.objects.exists()


def test_confirming_without_a_reason_asks_again_on_the_same_page(action: Any, campaigner: Any) -> None:
    client = client_for(campaigner)
    response = client.post(_url(action), {"ip_hash": HASH, "confirm": "yes", "confirmed": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: Invalidate 2 signatures\?", body)
    assert '<p class="error-message" id="id_reason_error">Say why, for the audit log.</p>' in body
    assert "Yes, invalidate 2 signatures" in body
    assert not Signature.objects.filter(status=SignatureStatus.INVALIDATED).exists()

    done = client.post(
        _url(action), {"ip_hash": HASH, "confirm": "yes", "confirmed": "1", "reason": "one address, many names"}
    )
    assert done.status_code == 302
    assert Invalidation.objects.get().reason == "one address, many names"
    assert Signature.objects.filter(status=SignatureStatus.INVALIDATED).count() == 2

"""Closing signing and marking delivered ask "are you sure?" first, saying what will happen
and to how many people; nothing changes until the confirmed POST, and a double click acts once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from chorus.campaigns.models import Signature, SignatureStatus
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.tests.factories import letter
from chorus.campaigns.workflow import ActionState
from chorus.core.models import AuditEvent
from chorus.people.services import person_get_or_create
from conftest import client_for

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="submission_key" value="([^"]+)"')


@pytest.fixture
def action(index: Any) -> Any:
    return letter(index)


def _sign(action: Any, n: int) -> None:
    for i in range(n):
        person, _ = person_get_or_create(email=f"signer{i}@example.org")
        Signature.objects.create(action=action, person=person, name=f"Signer {i}", status=SignatureStatus.CONFIRMED)
    counts_refresh(full=True)


def _url(action: Any) -> str:
    return f"/admin/campaigns/{action.pk}/transition/"


def _state(action: Any) -> str:
    action.refresh_from_db()
    return str(action.state)


def test_close_shows_what_will_happen_and_changes_nothing_yet(action: Any, campaigner: Any) -> None:
    _sign(action, 3)
    person, _ = person_get_or_create(email="unconfirmed@example.org")
    Signature.objects.create(action=action, person=person, name="Not yet", status=SignatureStatus.PENDING)
    page = client_for(campaigner).post(_url(action), {"target": "closed"})
    body = page.content.decode()
    assert page.status_code == 200
    assert f"Close signing on {action.title}?" in body
    assert "The 3 signatures counted on the public page stay counted" in body
    assert "1 person who signed but has not confirmed their email yet will not be able to" in body
    assert "stops taking signatures" in body and "Nothing has changed yet." in body
    assert 'name="confirmed" value="1"' in body and KEY.search(body)
    assert f'href="/admin/campaigns/{action.pk}/">Cancel</a>' in body
    assert _state(action) == ActionState.OPEN
    assert not AuditEvent.objects.filter(action="campaigns.action.closed").exists()


def test_confirmed_close_closes_once_even_when_pressed_twice(action: Any, campaigner: Any) -> None:
    client = client_for(campaigner)
    key = KEY.search(client.post(_url(action), {"target": "closed"}).content.decode())
    assert key
    answers = {"target": "closed", "confirmed": "1", "submission_key": key.group(1)}
    first = client.post(_url(action), answers)
    assert first.status_code == 302 and first["Location"] == f"/admin/campaigns/{action.pk}/"
    assert _state(action) == ActionState.CLOSED
    again = client.post(_url(action), answers)
    assert again.status_code == 302
    assert "already done" in " ".join(str(m) for m in get_messages(again.wsgi_request))
    assert AuditEvent.objects.filter(action="campaigns.action.closed").count() == 1


def test_deliver_says_it_cannot_be_undone_and_who_hears(action: Any, campaigner: Any) -> None:
    _sign(action, 2)
    client = client_for(campaigner)
    client.post(_url(action), {"target": "closed", "confirmed": "1"})
    page = client.post(_url(action), {"target": "delivered"})
    body = page.content.decode()
    assert f"Mark {action.title} as delivered?" in body
    assert "The count stays at 2." in body
    assert "This cannot be undone" in body and "Nobody is emailed" in body
    assert _state(action) == ActionState.CLOSED
    assert client.post(_url(action), {"target": "delivered", "confirmed": "1"}).status_code == 302
    assert _state(action) == ActionState.DELIVERED


def test_reopening_needs_no_confirmation(action: Any, campaigner: Any) -> None:
    client = client_for(campaigner)
    client.post(_url(action), {"target": "closed", "confirmed": "1"})
    assert client.post(_url(action), {"target": "open"}).status_code == 302
    assert _state(action) == ActionState.OPEN


def test_a_move_not_allowed_from_here_is_refused_with_or_without_confirming(action: Any, campaigner: Any) -> None:
    client = client_for(campaigner)
    for answers in ({"target": "delivered"}, {"target": "delivered", "confirmed": "1"}, {"target": "nonsense"}):
        response = client.post(_url(action), answers)
        assert response.status_code == 302
        assert "not possible" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert _state(action) == ActionState.OPEN


def test_confirmation_page_anonymous_is_sent_to_sign_in(action: Any) -> None:
    response = Client().post(_url(action), {"target": "closed"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_confirmation_page_wrong_role_is_refused(action: Any, editor: Any, caseworker: Any) -> None:
    for user in (editor, caseworker):
        assert client_for(user).post(_url(action), {"target": "closed"}).status_code == 403
    assert _state(action) == ActionState.OPEN


def test_confirmation_page_right_role_sees_it(action: Any, campaigner: Any, administrator: Any) -> None:
    for user in (campaigner, administrator):
        assert client_for(user).post(_url(action), {"target": "closed"}).status_code == 200
    assert _state(action) == ActionState.OPEN


# --- bulk invalidation: the last step says what happens, and to how many -----------------


def test_invalidation_last_step_says_what_happens_to_the_count(action: Any, campaigner: Any) -> None:
    _sign(action, 5)
    first_two = Signature.objects.order_by("pk").values_list("pk", flat=True)[:2]
    Signature.objects.filter(pk__in=list(first_two)).update(ip_hash="cd" * 16)
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    body = client_for(campaigner).post(url, {"ip_hash": "cd" * 16, "confirm": "no"}).content.decode()
    assert "2 signatures match." in body
    assert "The public count goes from 5 to 3 within a few seconds" in body
    assert "The signers are not told." in body and "You can undo it from the dashboard." in body
    assert "Yes, invalidate 2 signatures" in body
    assert f'href="/admin/campaigns/{action.pk}/">Cancel</a>' in body
    assert not Signature.objects.filter(status=SignatureStatus.INVALIDATED).exists()


def test_invalidation_with_no_match_offers_nothing_to_confirm(action: Any, campaigner: Any) -> None:
    _sign(action, 1)
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    body = client_for(campaigner).post(url, {"ip_hash": "ef" * 16, "confirm": "no"}).content.decode()
    assert "0 signatures match." in body
    assert "Yes, invalidate" not in body and 'value="yes"' not in body


def test_invalidation_pressed_twice_applies_once(action: Any, campaigner: Any) -> None:
    from chorus.campaigns.models import Invalidation

    _sign(action, 2)
    Signature.objects.update(ip_hash="cd" * 16)
    client = client_for(campaigner)
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    key = KEY.search(client.post(url, {"ip_hash": "cd" * 16, "confirm": "no"}).content.decode())
    assert key
    answers = {"ip_hash": "cd" * 16, "confirm": "yes", "reason": "one address", "submission_key": key.group(1)}
    assert client.post(url, answers).status_code == 302
    again = client.post(url, answers)
    assert again.status_code == 302
    assert "already invalidated" in " ".join(str(m) for m in get_messages(again.wsgi_request))
    assert Invalidation.objects.count() == 1
    assert Signature.objects.filter(status=SignatureStatus.INVALIDATED).count() == 2

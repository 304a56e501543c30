"""The staff privacy-request screen: administrators only, audited, sends the self-service link."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from chorus.accounts.models import User
from chorus.core.models import AuditEvent
from chorus.people.tests.factories import make_person
from conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/admin/people/privacy-request/"


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["editor", "campaigner", "caseworker", "grants_officer"])
def test_other_roles_are_refused(persona: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"email": "x@example.org"}).status_code == 403


def test_an_administrator_sends_the_link_and_it_is_audited(
    administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    make_person("rowan@example.org")
    client = client_for(administrator)
    page = client.get(URL)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(URL, {"email": "rowan@example.org"})
    assert "have sent it a link" in sent.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rowan@example.org"]
    missing = client.post(URL, {"email": "nobody@example.org"})
    assert "hold no data" in missing.content.decode()
    bad = client.post(URL, {"email": "not-an-address"})
    assert "Enter a valid email address" in bad.content.decode()
    events = AuditEvent.objects.filter(action="people.privacy_link.requested").order_by("id")
    assert [(event.actor, event.data["sent"]) for event in events] == [(administrator, 1), (administrator, 0)]

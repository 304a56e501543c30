"""Integration API tokens: stored as a digest only, and managed by Administrators alone."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from chorus.api.models import ApiToken, Scope
from chorus.api.tests.osdi_fixtures import ROOT, get, issue
from chorus.api.tokens import api_token_check, split_token
from chorus.core.models import AuditEvent
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_as_a_digest() -> None:
    token, plain = issue([Scope.PEOPLE_READ])
    assert plain.startswith("chorus_pat_")
    prefix, secret = split_token(plain) or ("", "")
    assert prefix == token.prefix and len(prefix) == 12
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64
    assert token.secret_digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get())
    assert secret not in stored
    assert api_token_check(raw=plain, scope=Scope.PEOPLE_READ) == token
    event = AuditEvent.objects.get(action="api.token.created")
    assert secret not in str(event.data) and event.object_id == str(token.pk)


def test_a_wrong_secret_with_a_real_prefix_is_refused(client: Client) -> None:
    token, plain = issue([Scope.PEOPLE_READ])
    forged = f"chorus_pat_{token.prefix}_{'A' * 43}"
    assert get(client, ROOT + "people", forged).status_code == 401
    assert get(client, ROOT + "people", plain).status_code == 200


def screens() -> list[str]:
    token, _ = issue([Scope.PEOPLE_READ])
    return [reverse("api_tokens"), reverse("api_token_create"), reverse("api_token_revoke", args=[token.pk])]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_the_anonymous_are_sent_to_sign_in(index: int) -> None:
    response = Client().get(screens()[index])
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("role", ["editor", "campaigner", "caseworker"])
def test_other_roles_are_refused(index: int, role: str, request: pytest.FixtureRequest) -> None:
    response = client_for(request.getfixturevalue(role)).get(screens()[index])
    assert response.status_code == 403
    posted = client_for(request.getfixturevalue(role)).post(
        reverse("api_token_create"), {"name": "x", "scopes": ["people:read"], "expires_in_days": "30"}
    )
    assert posted.status_code == 403
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("index", [0, 1, 2])
def test_administrators_see_them(index: int, administrator: User) -> None:
    response = client_for(administrator).get(screens()[index])
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_a_double_click_makes_one_token_and_says_where_it_went(administrator: User) -> None:
    from chorus.core.idempotency import submission_key_new

    client = client_for(administrator)
    answers = {
        "name": "CiviCRM sync",
        "scopes": ["people:read"],
        "expires_in_days": "90",
        "submission_key": submission_key_new(),
    }
    first = client.post(reverse("api_token_create"), answers)
    second = client.post(reverse("api_token_create"), answers, follow=True)
    assert first.status_code == 200 and first.context["plain"].startswith("chorus_pat_")
    assert ApiToken.objects.count() == 1
    assert "Your first click made this token" in second.text
    assert first.context["plain"] not in second.text


def test_an_administrator_makes_a_token_and_sees_it_once(administrator: User) -> None:
    client = client_for(administrator)
    response = client.post(
        reverse("api_token_create"),
        {"name": "CiviCRM sync", "scopes": ["people:read", "signatures:read"], "expires_in_days": "90"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.name, token.scopes, token.created_by) == (
        "CiviCRM sync",
        ["people:read", "signatures:read"],
        administrator,
    )
    plain = response.context["plain"]
    assert plain in response.text and "only time it is shown" in response.text
    # The list shows only the prefix, never the token.
    listing = client.get(reverse("api_tokens")).text
    assert token.prefix in listing and plain not in listing
    assert AuditEvent.objects.filter(action="api.token.created", actor=administrator).count() == 1
    assert get(Client(), ROOT + "people", plain).status_code == 200


def test_the_form_says_what_to_fix(administrator: User) -> None:
    response = client_for(administrator).post(reverse("api_token_create"), {"name": "", "expires_in_days": "7"})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.text
    assert "Choose at least one thing the token may do" in response.text
    assert "Error: " in response.text
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_at_once(administrator: User) -> None:
    token, plain = issue([Scope.PEOPLE_READ])
    client = client_for(administrator)
    assert get(Client(), ROOT + "people", plain).status_code == 200
    # Opening the page asks; only the POST revokes.
    client.get(reverse("api_token_revoke", args=[token.pk]))
    assert ApiToken.objects.get().revoked_at is None
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == administrator
    assert get(Client(), ROOT + "people", plain).status_code == 401
    assert AuditEvent.objects.filter(action="api.token.revoked", object_id=str(token.pk)).count() == 1
    # A second revoke changes nothing and writes nothing.
    client.post(reverse("api_token_revoke", args=[token.pk]))
    assert AuditEvent.objects.filter(action="api.token.revoked").count() == 1

"""The OSDI helpers: record_signature_helper and person_signup_helper go through the forms'
services, need explicit consent, never confirm anything themselves, and store once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from chorus.api.models import Scope, Tag, Tagging
from chorus.api.tests.osdi_fixtures import ROOT, World, expire, issue, make_world
from chorus.api.tokens import api_token_revoke
from chorus.bulletin.models import Subscription, SubscriptionStatus
from chorus.campaigns.models import Signature, SignatureIntake, SignatureStatus
from chorus.campaigns.services.signing import signatures_file
from chorus.core.models import AuditEvent, OutboxMessage
from chorus.core.outbox import outbox_send
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.selectors import person_find_by_email

pytestmark = pytest.mark.django_db

SIGNER = {"given_name": "Ada", "family_name": "Byron", "email_addresses": [{"address": "ada@example.org"}]}


@pytest.fixture
def world() -> World:
    return make_world()


def post(client: Client, path: str, token: str | None, body: Any, *, content_type: str = "application/json") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = json.dumps(body) if not isinstance(body, (str, bytes)) else body
    return client.post(ROOT + path, data, content_type=content_type, headers=headers)


def ada() -> Person:
    person = person_find_by_email(email="ada@example.org")
    assert person is not None
    return person


def sign_path(world: World) -> str:
    return f"petitions/{world.action.translation_key}/signatures"


def code_of(response: Any) -> str:
    return str(response.json()["resource_status"][0]["errors"][0]["code"])


# --- permissions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("helper", "scope", "body"),
    [
        ("signature", Scope.SIGNATURES_WRITE, {"person": SIGNER}),
        ("person", Scope.PEOPLE_WRITE, {"person": SIGNER, "consent": {"bulletin": True}}),
    ],
)
def test_permissions(client: Client, world: World, helper: str, scope: str, body: dict[str, Any]) -> None:
    path = sign_path(world) if helper == "signature" else "people"
    assert post(client, path, None, body).status_code == 401
    wrong = issue([Scope.PEOPLE_READ, Scope.SIGNATURES_READ])[1]
    assert post(client, path, wrong, body).status_code == 403
    expired_token, expired = issue([scope])
    expire(expired_token)
    assert post(client, path, expired, body).status_code == 401
    revoked_token, revoked = issue([scope])
    api_token_revoke(token=revoked_token, revoked_by=None)
    assert post(client, path, revoked, body).status_code == 401
    assert not SignatureIntake.objects.exists() and not OutboxMessage.objects.filter(kind__startswith="bulletin")
    right_token, right = issue([scope])
    response = post(client, path, right, body)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "received"
    used = AuditEvent.objects.filter(action="api.token.used", object_id=str(right_token.pk))
    assert used.count() == 1


# --- signatures -------------------------------------------------------------------------


def test_a_signature_is_filed_unconfirmed_and_its_owner_emailed(client: Client, world: World) -> None:
    token = issue([Scope.SIGNATURES_WRITE])[1]
    response = post(client, sign_path(world), token, {"person": SIGNER})
    assert response.status_code == 202
    signatures_file()
    outbox_send()
    signature = Signature.objects.get(person=ada())
    assert signature.status == SignatureStatus.PENDING and signature.confirmed_at is None
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    # Silence means no: nothing asked for, nothing wanted.
    assert not signature.wants_updates and not signature.wants_bulletin


def test_consent_is_taken_only_when_sent_as_true(client: Client, world: World) -> None:
    token = issue([Scope.SIGNATURES_WRITE])[1]
    body = {"person": SIGNER, "consent": {"campaign_updates": True, "bulletin": False}}
    assert post(client, sign_path(world), token, body).status_code == 202
    signatures_file()
    signature = Signature.objects.get(person=ada())
    assert signature.wants_updates and not signature.wants_bulletin
    # Nothing is agreed until the person confirms.
    assert not ConsentRecord.objects.filter(person=signature.person).exists()


def test_consent_must_be_a_real_boolean(client: Client, world: World) -> None:
    token = issue([Scope.SIGNATURES_WRITE])[1]
    response = post(client, sign_path(world), token, {"person": SIGNER, "consent": {"bulletin": "yes"}})
    assert response.status_code == 400 and code_of(response) == "INVALID_INPUT"
    assert not SignatureIntake.objects.exists()


def test_signing_twice_stores_once(client: Client, world: World) -> None:
    token = issue([Scope.SIGNATURES_WRITE])[1]
    for _ in range(2):
        assert post(client, sign_path(world), token, {"person": SIGNER}).status_code == 202
    signatures_file()
    assert post(client, sign_path(world), token, {"person": SIGNER}).status_code == 202
    signatures_file()
    assert Signature.objects.filter(person=ada()).count() == 1
    assert Person.objects.filter(email_index=ada().email_index).count() == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ('{"person": ', "application/json", 400, "INVALID_INPUT"),
        ({"person": SIGNER, "is_admin": True}, "application/json", 400, "INVALID_INPUT"),
        ({"person": {**SIGNER, "email_addresses": [{"address": "not an address"}]}}, "application/json", 400, None),
        ({"person": {**SIGNER, "email_addresses": []}}, "application/json", 400, "INVALID_INPUT"),
        ({"person": {**SIGNER, "given_name": "A\u0000"}}, "application/json", 400, "INVALID_INPUT"),
        ("person=x", "application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ({"person": {**SIGNER, "given_name": "x" * 20_000}}, "application/json", 413, "TOO_LARGE"),
    ],
)
def test_bad_input_stores_nothing(
    client: Client, world: World, body: Any, content_type: str, status: int, code: str | None
) -> None:
    token = issue([Scope.SIGNATURES_WRITE, Scope.PEOPLE_WRITE])[1]
    if isinstance(body, dict):
        body = {"consent": {"bulletin": True}, **body}  # so the fault tested is the one that answers
    for path in (sign_path(world), "people"):
        response = post(client, path, token, body, content_type=content_type)
        assert response.status_code == status, response.content
        if code:
            assert code_of(response) == code
    assert not SignatureIntake.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_unknown_petition_is_not_found(client: Client, world: World) -> None:
    token = issue([Scope.SIGNATURES_WRITE])[1]
    response = post(client, "petitions/00000000-0000-4000-8000-000000000000/signatures", token, {"person": SIGNER})
    assert response.status_code == 404 and code_of(response) == "NOT_FOUND"


# --- people -----------------------------------------------------------------------------


def test_signup_needs_explicit_bulletin_consent(client: Client, world: World) -> None:
    token = issue([Scope.PEOPLE_WRITE])[1]
    for body in ({"person": SIGNER}, {"person": SIGNER, "consent": {"bulletin": False}}):
        response = post(client, "people", token, body)
        assert response.status_code == 400 and code_of(response) == "CONSENT_REQUIRED"
    assert not OutboxMessage.objects.exists()


def test_signup_sends_the_confirmation_and_subscribes_no_one_yet(client: Client, world: World) -> None:
    token = issue([Scope.PEOPLE_WRITE])[1]
    body = {"person": SIGNER, "consent": {"bulletin": True}}
    for _ in range(2):
        assert post(client, "people", token, body).status_code == 202
    outbox_send()
    person = ada()
    assert Person.objects.filter(email_index=person.email_index).count() == 1
    subscription = Subscription.objects.get(person=person)
    assert subscription.status == SubscriptionStatus.PENDING
    assert not ConsentRecord.objects.filter(person=person, purpose=ConsentPurpose.BULLETIN).exists()
    assert mail.outbox and all(message.to == ["ada@example.org"] for message in mail.outbox)


# --- tags -------------------------------------------------------------------------------


def test_add_tags_needs_tags_write(client: Client, world: World) -> None:
    token = issue([Scope.PEOPLE_WRITE])[1]
    body = {"person": SIGNER, "consent": {"bulletin": True}, "add_tags": ["volunteer"]}
    response = post(client, "people", token, body)
    assert response.status_code == 403
    assert not OutboxMessage.objects.exists() and not Tag.objects.exists()


def test_tags_go_only_on_people_already_shared(client: Client, world: World) -> None:
    token = issue([Scope.PEOPLE_WRITE, Scope.TAGS_WRITE])[1]
    shared = {"person": {"email_addresses": [{"address": "rowan@example.org"}]}, "consent": {"bulletin": True}}
    unknown = {**shared, "person": SIGNER}
    assert post(client, "people", token, {**shared, "add_tags": ["volunteer"]}).status_code == 202
    assert post(client, "people", token, {**unknown, "add_tags": ["volunteer", "speaker"]}).status_code == 202
    assert list(Tagging.objects.values_list("person_id", "tag__name")) == [(world.shared.pk, "volunteer")]

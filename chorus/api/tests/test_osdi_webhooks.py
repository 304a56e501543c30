"""Webhooks: queued where events happen, delivered through the outbox to a real receiver,
signed, identifiers only, https and public addresses only, retried when the receiver fails."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import User
from chorus.api.models import Scope, WebhookEvent, WebhookSubscription
from chorus.api.osdi import webhooks
from chorus.api.osdi.webhooks import AddressRefused, verify, webhook_address_check, webhook_subscribe
from chorus.api.tests.osdi_fixtures import World, issue, make_world
from chorus.api.tokens import api_token_revoke
from chorus.bulletin.models import Subscription, SubscriptionStatus
from chorus.bulletin.services.subscriptions import status_change
from chorus.campaigns.models import DisplayChoice, Signature, SignatureStatus
from chorus.campaigns.services.confirmation import signature_confirm_found
from chorus.core.models import AuditEvent, OutboxMessage, OutboxStatus
from chorus.core.outbox import outbox_send
from chorus.people.models import ConsentPurpose
from chorus.people.services import person_erase
from chorus.people.tests.factories import give_consent, make_person
from conftest import client_for

pytestmark = pytest.mark.django_db

ALL = [Scope.WEBHOOKS, Scope.PEOPLE_READ, Scope.SIGNATURES_READ]


class Receiver:
    """A receiver on this machine: records each POST and answers with ``status``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def world() -> World:
    return make_world()


def subscribe(url: str, scopes: list[str] | None = None, events: list[str] | None = None) -> tuple[Any, str]:
    token = issue(scopes or ALL)[0]
    subscription, secret = webhook_subscribe(
        token=token, url=url, events=events or list(WebhookEvent.values), created_by=None
    )
    return subscription, secret


def pending(signature: Signature) -> Signature:
    """The signature as if its owner had not pressed the link yet."""
    Signature.objects.filter(pk=signature.pk).update(
        status=SignatureStatus.PENDING, confirmed_at=None, token_sent_at=timezone.now()
    )
    return Signature.objects.get(pk=signature.pk)


def pending_signature(world: World) -> Signature:
    return pending(world.signature)


def personal_words(world: World) -> list[str]:
    return ["rowan", "Rowan", "example.org", "AB1", "Ash", "Easy Read", "person_id", "email", "name"]


def test_a_confirmed_signature_is_delivered_signed_with_identifiers_only(receiver: Receiver, world: World) -> None:
    _, secret = subscribe(receiver.url)
    signature = pending_signature(world)
    signature_confirm_found(signature)
    assert outbox_send().sent == 1
    [(headers, body)] = receiver.received
    assert verify(secret, headers["chorus-signature"], body)
    assert not verify("whsec_wrong", headers["chorus-signature"], body)
    assert not verify(secret, headers["chorus-signature"], body + b" ")
    payload = json.loads(body)
    assert payload["type"] == "signature.confirmed"
    assert payload["identifiers"] == [f"chorus:{signature.uuid}"]
    assert payload["person"] == f"chorus:{world.shared.uuid}"
    assert payload["petition"] == f"chorus:{world.action.translation_key}"
    assert set(payload) == {"type", "created_date", "identifiers", "person", "petition", "id"}
    assert not any(word in body.decode() for word in personal_words(world))
    assert headers["content-type"] == "application/json"


def test_erasure_and_subscription_changes_are_delivered(receiver: Receiver, world: World) -> None:
    subscribe(receiver.url)
    subscription = Subscription.objects.create(person=world.shared, status=SubscriptionStatus.ACTIVE)
    status_change(subscription, SubscriptionStatus.PAUSED)
    subscription.save()
    outbox_send()
    uuid = world.shared.uuid
    person_erase(person=world.shared, via="privacy page")
    outbox_send()
    payloads = receiver.payloads()
    assert [(p["type"], p["identifiers"]) for p in payloads] == [
        ("subscription.changed", [f"chorus:{uuid}"]),
        ("person.erased", [f"chorus:{uuid}"]),
    ]
    assert not any(word in json.dumps(payloads) for word in personal_words(world))


def test_people_the_api_does_not_share_are_never_sent(receiver: Receiver, world: World) -> None:
    subscribe(receiver.url)
    # Only agreed to be contacted about a support request: not shared, so nothing goes.
    signature_confirm_found(pending(Signature.objects.get(person=world.support_only)))
    subscription = Subscription.objects.create(person=world.support_only, status=SubscriptionStatus.PENDING)
    status_change(subscription, SubscriptionStatus.UNSUBSCRIBED)
    outbox_send()
    assert receiver.received == []
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SKIPPED}


def test_a_token_hears_only_what_its_scopes_may_read(receiver: Receiver, world: World) -> None:
    subscribe(receiver.url, scopes=[Scope.WEBHOOKS, Scope.SIGNATURES_READ])
    person_erase(person=world.withdrawn, via="privacy page")
    signature_confirm_found(pending_signature(world))
    outbox_send()
    assert [p["type"] for p in receiver.payloads()] == ["signature.confirmed"]


def test_a_revoked_token_or_removed_address_is_sent_nothing(receiver: Receiver, world: World) -> None:
    subscription, _ = subscribe(receiver.url)
    signature_confirm_found(pending_signature(world))
    api_token_revoke(token=subscription.token, revoked_by=None)
    outbox_send()
    assert receiver.received == []
    # And once revoked, no new events are queued for it at all.
    person_erase(person=world.withdrawn, via="privacy page")
    assert not OutboxMessage.objects.filter(kind=webhooks.WEBHOOK_KIND, status=OutboxStatus.PENDING).exists()


def test_a_failing_receiver_is_retried_with_backoff_then_succeeds(receiver: Receiver, world: World) -> None:
    subscribe(receiver.url)
    signature_confirm_found(pending_signature(world))
    receiver.status = 503
    run = outbox_send()
    assert run.retrying == 1 and run.sent == 0
    row = OutboxMessage.objects.get(kind=webhooks.WEBHOOK_KIND)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert row.error == "receiver answered 503"
    assert outbox_send().sent == 0  # not due yet
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    receiver.status = 200
    assert outbox_send().sent == 1
    assert len(receiver.received) == 2
    # The same delivery id both times, so the receiver can tell a retry from a new event.
    assert len({p["id"] for p in receiver.payloads()}) == 1


def test_a_receiver_that_refuses_for_good_is_not_retried(receiver: Receiver, world: World) -> None:
    subscribe(receiver.url)
    signature_confirm_found(pending_signature(world))
    receiver.status = 410
    assert outbox_send().failed == 1
    assert OutboxMessage.objects.get(kind=webhooks.WEBHOOK_KIND).status == OutboxStatus.FAILED


def test_an_unreachable_receiver_is_retried(world: World) -> None:
    closed = Receiver()  # bound, never served, then closed: the connection is refused
    url = closed.url
    closed.server.server_close()
    subscribe(url)
    signature_confirm_found(pending_signature(world))
    assert outbox_send().retrying == 1
    assert OutboxMessage.objects.get(kind=webhooks.WEBHOOK_KIND).error.startswith("could not deliver: ")


# --- addresses ----------------------------------------------------------------------------


def fixed(*addresses: str) -> Any:
    return lambda host, port: list(addresses)


@override_settings(CHORUS_API_WEBHOOKS_ALLOW_INSECURE=False)
@pytest.mark.parametrize(
    ("url", "resolved"),
    [
        ("http://crm.example.net/hooks", ["93.184.216.34"]),
        ("ftp://crm.example.net/hooks", ["93.184.216.34"]),
        ("https://user:pw@crm.example.net/hooks", ["93.184.216.34"]),
        ("https://crm.example.net/hooks", ["10.1.2.3"]),
        ("https://crm.example.net/hooks", ["192.168.0.10"]),
        ("https://crm.example.net/hooks", ["127.0.0.1"]),
        ("https://crm.example.net/hooks", ["169.254.169.254"]),
        ("https://crm.example.net/hooks", ["::1"]),
        ("https://crm.example.net/hooks", ["fd00::1"]),
        ("https://crm.example.net/hooks", ["::ffff:10.0.0.1"]),
        ("https://crm.example.net/hooks", ["93.184.216.34", "10.0.0.1"]),  # one private answer is enough
        ("https://crm.example.net/hooks", ["0.0.0.0"]),  # noqa: S104 - an answer to refuse, nothing binds to it
        ("https://crm.example.net/hooks", []),
    ],
)
def test_only_public_https_addresses_are_accepted(url: str, resolved: list[str]) -> None:
    with pytest.raises(AddressRefused):
        webhook_address_check(url, resolve=fixed(*resolved))


@override_settings(CHORUS_API_WEBHOOKS_ALLOW_INSECURE=False)
def test_a_public_https_address_is_accepted() -> None:
    url = "https://crm.example.net/hooks"
    assert webhook_address_check(url, resolve=fixed("93.184.216.34", "2606:2800:220:1::1")) == url


@override_settings(CHORUS_API_WEBHOOKS_ALLOW_INSECURE=False)
def test_a_local_address_is_refused_again_when_delivering(receiver: Receiver, world: World) -> None:
    # Saved while allowed (as if its name pointed elsewhere then): refused for good at delivery.
    token = issue(ALL)[0]
    WebhookSubscription.objects.create(
        token=token, url=receiver.url, secret="whsec_x", events=list(WebhookEvent.values)
    )
    signature_confirm_found(pending_signature(world))
    assert outbox_send().failed == 1
    assert receiver.received == []


# --- the token screens ----------------------------------------------------------------------


def test_an_administrator_adds_and_removes_an_address(administrator: User, receiver: Receiver) -> None:
    token = issue(ALL)[0]
    client = client_for(administrator)
    page = client.get(reverse("api_token_webhooks", args=[token.pk]))
    assert page.status_code == 200 and "No webhook addresses yet" in page.text
    refused = client.post(reverse("api_token_webhooks", args=[token.pk]), {"url": "ftp://x", "events": []})
    assert refused.status_code == 400 and "Choose at least one event" in refused.text
    added = client.post(
        reverse("api_token_webhooks", args=[token.pk]), {"url": receiver.url, "events": ["person.erased"]}
    )
    assert added.status_code == 200 and "Copy the signing secret now" in added.text
    webhook = WebhookSubscription.objects.get()
    assert (
        webhook.secret in added.text
        and webhook.secret not in client.get(reverse("api_token_webhooks", args=[token.pk])).text
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM api_webhooksubscription")
        [(stored,)] = cursor.fetchall()
    assert webhook.secret.startswith("whsec_") and "whsec_" not in stored  # encrypted at rest
    assert AuditEvent.objects.filter(action="api.webhook.added").exists()
    removed = client.post(reverse("api_token_webhook_remove", args=[token.pk, webhook.pk]))
    assert removed.status_code == 302 and not WebhookSubscription.objects.exists()


@override_settings(CHORUS_API_WEBHOOKS_ALLOW_INSECURE=False)
def test_the_screen_refuses_a_plain_http_address(administrator: User) -> None:
    token = issue(ALL)[0]
    response = client_for(administrator).post(
        reverse("api_token_webhooks", args=[token.pk]), {"url": "http://crm.example.net/", "events": ["person.erased"]}
    )
    assert response.status_code == 400 and "https://" in response.text
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("role", ["editor", "campaigner", "caseworker"])
def test_other_roles_cannot_manage_webhooks(role: str, request: pytest.FixtureRequest) -> None:
    token = issue(ALL)[0]
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("api_token_webhooks", args=[token.pk])).status_code == 403
    assert (
        client.post(
            reverse("api_token_webhooks", args=[token.pk]), {"url": "https://x.example/", "events": ["person.erased"]}
        ).status_code
        == 403
    )
    assert not WebhookSubscription.objects.exists()


def test_a_token_without_the_webhooks_scope_cannot_have_addresses(administrator: User) -> None:
    token = issue([Scope.PEOPLE_READ])[0]
    with pytest.raises(AddressRefused):
        webhook_subscribe(token=token, url="https://x.example/", events=["person.erased"], created_by=None)
    page = client_for(administrator).get(reverse("api_token_webhooks", args=[token.pk]))
    assert "cannot have new addresses" in page.text


def test_nothing_is_queued_when_no_one_listens(world: World) -> None:
    signature_confirm_found(pending_signature(world))
    give_consent(make_person("new@example.org"), ConsentPurpose.BULLETIN)
    assert not OutboxMessage.objects.filter(kind=webhooks.WEBHOOK_KIND).exists()
    assert Signature.objects.filter(status=SignatureStatus.CONFIRMED).count() == 2


def test_a_confirmation_is_not_kept_when_its_webhook_cannot_be_queued(
    receiver: Receiver, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a signature with no consents to record confirms in one transaction with its webhook."""
    subscribe(receiver.url)
    Signature.objects.filter(pk=world.signature.pk).update(
        display=DisplayChoice.NOT_LISTED, wants_updates=False, wants_bulletin=False
    )

    def broken(rows: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(webhooks.outbox, "outbox_add_many", broken)
    with pytest.raises(RuntimeError):
        signature_confirm_found(pending_signature(world))
    assert Signature.objects.get(pk=world.signature.pk).status == SignatureStatus.PENDING

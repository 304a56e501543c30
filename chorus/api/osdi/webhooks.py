"""Webhooks: a token's program is told when a signature is confirmed, a person is erased or
a bulletin subscription changes.

- Only ``https://`` addresses, and (unless ``CHORUS_API_WEBHOOKS_ALLOW_INSECURE``, for
  development and tests) never one that resolves to a private, loopback, link-local or
  otherwise non-public address; checked when saved and again before every delivery.
- Each event adds one outbox row per subscription in the event's own transaction; the
  outbox's run POSTs it (``Envelope.deliver``) with its retries and backoff.
- The body carries only the event, its time and ``chorus:<uuid>`` identifiers. It is signed
  with the subscription's secret (shown once): ``Chorus-Signature: t=<unix time>,v1=<hex>``
  where hex is HMAC-SHA256 over ``"<t>.<body>"``.
- At delivery a signature or subscription event is sent only if the API still shares that
  person; erasures always are (the program must delete them).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from chorus.api.models import ApiToken, Scope, WebhookEvent, WebhookSubscription
from chorus.core import events, outbox
from chorus.core.audit import log_action
from chorus.core.models import OutboxMessage

WEBHOOK_KIND = "api.webhook"
SIGNATURE_HEADER = "Chorus-Signature"
TIMEOUT = httpx.Timeout(5.0, connect=3.0)
MAX_PER_TOKEN = 5
# Which read scope a token needs, besides ``webhooks``, to be told of each event.
EVENT_SCOPES: dict[str, str] = {
    WebhookEvent.SIGNATURE_CONFIRMED: Scope.SIGNATURES_READ,
    WebhookEvent.PERSON_ERASED: Scope.PEOPLE_READ,
    WebhookEvent.SUBSCRIPTION_CHANGED: Scope.PEOPLE_READ,
}


class AddressRefused(ValueError):
    """The address cannot receive webhooks; the message says why in plain words."""


def _insecure_allowed() -> bool:
    return bool(getattr(settings, "CHORUS_API_WEBHOOKS_ALLOW_INSECURE", False))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def webhook_address_check(url: str, *, resolve: Callable[[str, int], list[str]] | None = None) -> str:
    """The address, if webhooks may go to it; else ``AddressRefused``."""
    url = url.strip()
    parts = urlsplit(url)
    allowed = ("https", "http") if _insecure_allowed() else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise AddressRefused("Enter an address that starts with https://")
    if parts.username or parts.password:
        raise AddressRefused("Enter an address without a user name or password in it")
    if len(url) > 500:
        raise AddressRefused("Enter an address of at most 500 characters")
    if _insecure_allowed():
        return url
    try:
        port = parts.port or 443
    except ValueError as error:
        raise AddressRefused("Enter an address with a valid port") from error
    try:
        addresses = (resolve or _resolve)(parts.hostname, port)
    except OSError as error:
        raise AddressRefused("That address's name could not be found") from error
    if not addresses or not all(_public(address) for address in addresses):
        raise AddressRefused("Enter a public address: private, local and internal networks cannot receive webhooks")
    return url


def _resolve(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})


# --- managing subscriptions (the token screens) ------------------------------------------


@transaction.atomic
def webhook_subscribe(
    *, token: ApiToken, url: str, events: list[str], created_by: Any, request: HttpRequest | None = None
) -> tuple[WebhookSubscription, str]:
    """Add an address to a token; returns it with its signing secret, shown once."""
    if not token.has_scope(Scope.WEBHOOKS):
        raise AddressRefused("This token does not have the webhooks scope")
    if not events or set(events) - set(WebhookEvent.values):
        raise AddressRefused("Choose at least one event")
    if token.webhooks.count() >= MAX_PER_TOKEN:
        raise AddressRefused(f"A token can have at most {MAX_PER_TOKEN} webhook addresses")
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    subscription = WebhookSubscription.objects.create(
        token=token, url=webhook_address_check(url), secret=secret, events=sorted(set(events)), created_by=created_by
    )
    # The address is the receiver's, not a person's: the audit keeps its host only.
    log_action(
        "api.webhook.added",
        obj=token,
        actor=created_by,
        request=request,
        data={"webhook_id": subscription.pk, "host": urlsplit(subscription.url).hostname or "", "events": events},
    )
    return subscription, secret


@transaction.atomic
def webhook_remove(*, subscription: WebhookSubscription, removed_by: Any, request: HttpRequest | None = None) -> None:
    token = subscription.token
    webhook_id = subscription.pk
    subscription.delete()
    log_action("api.webhook.removed", obj=token, actor=removed_by, request=request, data={"webhook_id": webhook_id})


# --- events ------------------------------------------------------------------------------


def _listening(event: str) -> list[WebhookSubscription]:
    """Subscriptions told of ``event``: a usable token with ``webhooks`` and the event's read scope."""
    rows = WebhookSubscription.objects.filter(token__in=ApiToken.objects.usable()).select_related("token")
    return [
        row
        for row in rows
        if event in row.events and row.token.has_scope(Scope.WEBHOOKS) and row.token.has_scope(EVENT_SCOPES[event])
    ]


def webhook_event(event: WebhookEvent, *, subject: uuid.UUID, related: dict[str, uuid.UUID] | None = None) -> int:
    """Queue ``event`` about ``subject`` for every subscription told of it, in the caller's
    transaction; returns how many were queued. Identifiers only, never personal data."""
    listening = _listening(event)
    if not listening:
        return 0
    payload = {
        "type": str(event),
        "created_date": timezone.now().isoformat(),
        "identifiers": [f"chorus:{subject}"],
        **{name: f"chorus:{value}" for name, value in (related or {}).items()},
    }
    rows = [
        outbox.outbox_row(kind=WEBHOOK_KIND, about_id=row.pk, payload={**payload, "id": str(uuid.uuid4())})
        for row in listening
    ]
    return len(outbox.outbox_add_many(rows))


# Listening to the events (chorus.core.events) sent where they happen: campaigns, people, bulletin.


@receiver(events.signature_confirmed)
def signature_confirmed(*, signature_id: int, **_: Any) -> None:
    from chorus.campaigns.models import Signature

    if not _listening(WebhookEvent.SIGNATURE_CONFIRMED):
        return  # the usual case: one query, nothing read about the signature
    found = (
        Signature.objects.filter(pk=signature_id, person__isnull=False)
        .values_list("uuid", "person__uuid", "action__translation_key")
        .first()
    )
    if found is not None:
        webhook_event(
            WebhookEvent.SIGNATURE_CONFIRMED, subject=found[0], related={"person": found[1], "petition": found[2]}
        )


@receiver(events.person_erased)
def person_erased(*, person_uuid: uuid.UUID, **_: Any) -> None:
    webhook_event(WebhookEvent.PERSON_ERASED, subject=person_uuid)


@receiver(events.subscription_changed)
def subscription_changed(*, person_id: int, **_: Any) -> None:
    from chorus.people.models import Person

    if not _listening(WebhookEvent.SUBSCRIPTION_CHANGED):
        return  # no one listens: not even the person's identifier is read
    person_uuid = Person.objects.filter(pk=person_id).values_list("uuid", flat=True).first()
    if person_uuid is not None:
        webhook_event(WebhookEvent.SUBSCRIPTION_CHANGED, subject=person_uuid)


# --- delivery ----------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Chorus-Signature`` header for a body: ``t=<timestamp>,v1=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (and the worked example shows): check the signature and its age."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={fields.get('v1', '')}")


def _still_shared(payload: dict[str, Any]) -> bool:
    """Signature and subscription events go only about people the API shares when they are sent."""
    from chorus.api.osdi import selectors

    subject = str(payload["identifiers"][0]).removeprefix("chorus:")
    if payload["type"] == WebhookEvent.PERSON_ERASED:
        return True
    if payload["type"] == WebhookEvent.SIGNATURE_CONFIRMED:
        return selectors.shared_signatures().filter(uuid=subject).exists()
    return selectors.shareable_people().filter(uuid=subject).exists()


def _deliverer(url: str, secret: str, body: bytes) -> Callable[[], None]:
    def deliver() -> None:
        try:
            webhook_address_check(url)  # again: the name may point elsewhere now
        except AddressRefused as error:
            raise outbox.DeliveryRefused("address refused", for_good=True) from error
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Chorus-Webhooks/1",
            SIGNATURE_HEADER: sign(secret, int(time.time()), body),
        }
        response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT, follow_redirects=False)
        if 200 <= response.status_code < 300:
            return
        reason = f"receiver answered {response.status_code}"
        # 408 and 429 and every 5xx: try again later; any other answer will not change.
        again = response.status_code in (408, 429) or response.status_code >= 500
        raise outbox.DeliveryRefused(reason, for_good=not again)

    return deliver


@outbox.composer(WEBHOOK_KIND, label="Webhook to an integration")
def compose_webhooks(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    subscriptions = {
        row.pk: row
        for row in WebhookSubscription.objects.filter(pk__in={r.about_id for r in rows}).select_related("token")
    }
    for row in rows:
        subscription = subscriptions.get(row.about_id or 0)
        if subscription is None or not subscription.token.is_usable:
            continue  # removed, revoked or expired since: skipped
        payload = outbox.payload_of(row)
        if not _still_shared(payload):
            continue
        body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        yield outbox.Envelope(
            message=None, rows=(row.pk,), deliver=_deliverer(subscription.url, subscription.secret, body)
        )

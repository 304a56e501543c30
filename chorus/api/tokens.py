"""Integration API tokens: issuing, revoking and checking them.

A token reads ``chorus_pat_<prefix>_<secret>``: the prefix (12 hex characters) finds the
row; the secret (32 random bytes, URL-safe base64) is checked against its SHA-256.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.api.models import ApiToken, Scope
from chorus.core.audit import log_action
from chorus.core.crypto import token_digest
from chorus.core.ratelimit import Limit, within_limits

TOKEN_PREFIX = "chorus_pat_"  # noqa: S105 - the fixed start of every token, not a secret
# Per token: a burst a sync can use, and a sustained ceiling an hour.
TOKEN_LIMITS = [Limit(count=120, seconds=60), Limit(count=3000, seconds=3600)]
# last_used_at is written at most this often, so a busy sync is not a write per request.
LAST_USED_GRANULARITY = timedelta(minutes=1)
EXPIRY_CHOICES_DAYS = (30, 90, 180, 365)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plain: str  # shown once, never stored


@transaction.atomic
def api_token_issue(
    *, name: str, scopes: list[str], expires_in_days: int, created_by: Any, request: HttpRequest | None = None
) -> IssuedToken:
    """Make a token with these scopes; the plain text is returned once and never stored."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValueError("unknown or no scopes")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        prefix=prefix,
        secret_digest=token_digest(secret),
        scopes=sorted(set(scopes)),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    log_action(
        "api.token.created",
        obj=token,
        actor=created_by,
        request=request,
        data={"scopes": token.scopes, "expires_in_days": expires_in_days},
    )
    return IssuedToken(token=token, plain=f"{TOKEN_PREFIX}{prefix}_{secret}")


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: Any, request: HttpRequest | None = None) -> bool:
    """Revoke a token at once; False if it was already revoked."""
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=revoked_by):
        return False
    log_action("api.token.revoked", obj=token, actor=revoked_by, request=request)
    return True


class TokenRefused(Exception):
    """The token is missing, unknown, expired or revoked (401), lacks a scope (403) or is over its limit (429)."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description


def split_token(raw: str) -> tuple[str, str] | None:
    """The prefix and the secret of a token in its shown form, or None if it is not one."""
    raw = raw.strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    prefix, sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not prefix or not secret:
        return None
    return prefix, secret


def api_token_check(*, raw: str, scope: str | None, now: datetime | None = None) -> ApiToken:
    """The usable token for a presented string, with the scope asked for, within its rate limit."""
    now = now or timezone.now()
    parts = split_token(raw)
    token = ApiToken.objects.filter(prefix=parts[0]).first() if parts else None
    # Compared in constant time, and the same answer for an unknown prefix and a wrong secret.
    if parts is None or token is None or not hmac.compare_digest(token.secret_digest, token_digest(parts[1])):
        raise TokenRefused(401, "UNAUTHORIZED", "The API token is missing or not recognised.")
    if token.revoked_at is not None:
        raise TokenRefused(401, "TOKEN_REVOKED", "This API token has been revoked.")
    if token.expires_at <= now:
        raise TokenRefused(401, "TOKEN_EXPIRED", "This API token has expired.")
    if not within_limits("api.token", token.prefix, TOKEN_LIMITS):
        raise TokenRefused(429, "RATE_LIMITED", "Too many requests with this token; wait a minute and try again.")
    if scope is not None and not token.has_scope(scope):
        log_action("api.token.refused", obj=token, data={"scope": scope})
        raise TokenRefused(403, "FORBIDDEN", f"This API token does not have the {scope} scope.")
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_used(*, token: ApiToken, endpoint: str, records: int, request: HttpRequest | None = None) -> None:
    """One audit event per request made with a token: which token, which endpoint (its route,
    never an identifier) and how many records it returned or wrote."""
    log_action(
        "api.token.used",
        obj=token,
        data={"endpoint": endpoint, "records": records, "method": request.method if request else ""},
        screen=endpoint[:200],
    )

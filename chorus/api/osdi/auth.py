"""How the integration API reads a token: ``Authorization: Bearer <token>`` or
``OSDI-API-Token: <token>`` (OSDI's own header), both checked by ``api_token_check``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from chorus.api.models import ApiToken
from chorus.api.tokens import api_token_check


class BearerToken(HttpBearer):
    def __init__(self, scope: str | None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        return api_token_check(raw=token, scope=self.scope)


class OsdiHeaderToken(APIKeyHeader):
    param_name = "OSDI-API-Token"

    def __init__(self, scope: str | None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiToken | None:
        if not key:
            return None
        return api_token_check(raw=key, scope=self.scope)


def token_auth(scope: str | None) -> list[BearerToken | OsdiHeaderToken]:
    """The two ways to present a token, both needing ``scope`` (None: any usable token)."""
    return [BearerToken(scope), OsdiHeaderToken(scope)]

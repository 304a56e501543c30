"""Bad input to the integration API: each a clear 4xx in OSDI's error shape, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chorus.api import tokens
from chorus.api.models import Scope, Tag
from chorus.api.tests.osdi_fixtures import ROOT, get, issue
from chorus.core.ratelimit import Limit

pytestmark = pytest.mark.django_db


@pytest.fixture
def token() -> str:
    return issue([Scope.PEOPLE_READ, Scope.SIGNATURES_READ, Scope.TAGS_WRITE])[1]


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert body["request_type"] == "atomic" and body["response_code"] == status
    error = body["resource_status"][0]["errors"][0]
    assert error["description"] and "Traceback" not in error["description"]
    if code is not None:
        assert error["code"] == code
    return body


def post_tag(client: Client, token: str, body: str | bytes, content_type: str = "application/json") -> Any:
    return client.post(ROOT + "tags", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ('{"name": "volunteer"', "application/json", 400, "INVALID_INPUT"),  # malformed JSON
        ("name=volunteer", "application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ('{"name": "volunteer"}', "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ('{"name": "' + "x" * 20_000 + '"}', "application/json", 413, "TOO_LARGE"),
        ('{"name": "volunteer", "is_admin": true}', "application/json", 400, "INVALID_INPUT"),  # unknown field
        ('{"name": ""}', "application/json", 400, "INVALID_INPUT"),
        ('{"name": "bad\\u0000name"}', "application/json", 400, "INVALID_INPUT"),
        ("[]", "application/json", 400, "INVALID_INPUT"),
        (b"\xff\xfe{", "application/json", 400, "INVALID_INPUT"),  # not UTF-8
    ],
)
def test_bad_bodies_store_nothing(
    client: Client, token: str, body: Any, content_type: str, status: int, code: str
) -> None:
    assert_error(post_tag(client, token, body, content_type), status, code)
    assert not Tag.objects.exists()


def test_a_good_tag_is_made_once(client: Client, token: str) -> None:
    first = post_tag(client, token, '{"name": "volunteer"}')
    again = post_tag(client, token, '{"name": "Volunteer"}')
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["identifiers"] == again.json()["identifiers"]
    assert Tag.objects.count() == 1


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": 101},
        {"per_page": 0},
        {"per_page": -5},
        {"per_page": 10**30},
        {"page": 0},
        {"page": 10**9},
        {"page": "two"},
    ],
)
def test_absurd_pages_are_refused(client: Client, token: str, params: dict[str, Any]) -> None:
    assert_error(get(client, ROOT + "people", token, **params), 400, "INVALID_INPUT")


@pytest.mark.parametrize(
    "text",
    [
        "name eq 'Rowan'",  # another field
        "email_addresses/any(e: e/address eq 'a@b')",
        "modified_date eq 2026-01-01T00:00:00Z",  # another operator
        "modified_date gt 2026-01-01T00:00:00Z or modified_date lt 2026-01-01T00:00:00Z",
        "modified_date gt",  # not OData
        "modified_date gt 'next week'",
        "modified_date gt 12",
        "((((",
        "x" * 600,
    ],
)
def test_invalid_filters_are_refused(client: Client, token: str, text: str) -> None:
    for name in ("filter", "$filter"):
        body = assert_error(get(client, ROOT + "people", token, **{name: text}), 400)
        assert body["resource_status"][0]["errors"][0]["code"] in {"INVALID_FILTER", "INVALID_INPUT"}


def test_other_methods_and_unknown_ids_are_refused(client: Client, token: str) -> None:
    assert_error(get(client, ROOT + "people/00000000-0000-0000-0000-000000000000", token), 404, "NOT_FOUND")
    assert get(client, ROOT + "people/12", token).status_code == 404  # a database id is not an identifier
    refused = client.delete(ROOT + "people", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(refused, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in refused["Allow"] and "DELETE" not in refused["Allow"]
    assert "GET" in refused.json()["resource_status"][0]["errors"][0]["description"]


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic abc", "Bearer chorus_pat_", "Bearer chorus_pat_abc"])
def test_malformed_tokens_are_401(client: Client, header: str) -> None:
    assert_error(client.get(ROOT + "people", HTTP_AUTHORIZATION=header), 401)


def test_each_token_has_its_own_rate_limit(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "TOKEN_LIMITS", [Limit(count=3, seconds=60)])
    _, busy = issue([Scope.PEOPLE_READ])
    _, other = issue([Scope.PEOPLE_READ])
    for _ in range(3):
        assert get(client, ROOT + "people", busy).status_code == 200
    response = get(client, ROOT + "people", busy)
    assert_error(response, 429, "RATE_LIMITED")
    assert response["Retry-After"] == "60"
    assert get(client, ROOT + "people", other).status_code == 200

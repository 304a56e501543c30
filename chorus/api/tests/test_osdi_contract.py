"""The integration API against its own OpenAPI document: the document is valid, and a
Schemathesis run (a bounded number of generated requests per operation, with a valid
token) finds no server error and no answer that breaks the document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from openapi_spec_validator import validate

from chorus.api import tokens
from chorus.api.models import Scope, Tag, Tagging
from chorus.api.tests.osdi_fixtures import ROOT, issue, make_world
from chorus.core.ratelimit import Limit

schema = schemathesis.openapi.from_wsgi(ROOT + "openapi.json", get_wsgi_application())


def test_the_openapi_document_is_valid(client: Client) -> None:
    response = client.get(ROOT + "openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.content)
    validate(document)  # raises on an invalid document
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for path in (
        "/api/osdi/v1/people",
        "/api/osdi/v1/people/tombstones",
        "/api/osdi/v1/petitions",
        "/api/osdi/v1/tags",
    ):
        assert path in paths, path
    # Both ways of sending a token are documented.
    schemes = document["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}


@pytest.fixture
def plain_token(db: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(tokens, "TOKEN_LIMITS", [Limit(count=100_000, seconds=60)])
    world = make_world()
    Tagging.objects.create(tag=Tag.objects.create(name="volunteer"), person=world.shared)
    # As Django's test client does: the WSGI handler must not close the test's connection
    # (and its transaction) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield issue(list(Scope.values))[1]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_document(case: Any, plain_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {plain_token}"})

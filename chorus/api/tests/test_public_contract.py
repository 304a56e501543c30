"""The public API against its own OpenAPI document: a valid OpenAPI 3.1 document, and
property-based contract tests (schemathesis) over every operation, bounded to stay quick."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from chorus.api.public.api import api
from chorus.api.tests.public_data import build_public_site

# Built without a request, so the document can be read when the tests are collected.
DOCUMENT: dict[str, Any] = dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema = schemathesis.openapi.from_dict(DOCUMENT)
APP = WSGIHandler()


def test_the_document_is_valid_openapi_3_1(client: Any) -> None:
    served = client.get("/api/v1/openapi.json").json()
    assert served["openapi"].startswith("3.1")
    validate(served)
    assert served["paths"].keys() == DOCUMENT["paths"].keys()


def test_the_validator_would_catch_a_broken_document() -> None:
    broken = {**DOCUMENT, "paths": {"/api/v1/articles": {"get": {"responses": "not a mapping"}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


@pytest.fixture
def published(db: Any) -> Iterator[None]:
    """The published site, served through the real WSGI handler as Django's test client does:
    without closing the test's database connection at the end of each request."""
    build_public_site()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_to_the_document(case: Any, published: None) -> None:
    case.call_and_validate(app=APP)

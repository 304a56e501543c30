"""The reference page at /api/v1/docs: made on the server from the OpenAPI document, in the
site's own template, loading nothing from anywhere else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from chorus.api.public.api import api
from chorus.api.public.docs import describe_type, example_of
from chorus.pages.tests.factories import make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(db: Any) -> str:
    make_site()
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return str(response.content.decode())


def test_a_heading_parameters_and_an_example_for_every_operation(page: str) -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert f'<h3 id="{operation["operationId"]}">{operation["summary"]}</h3>' in page
            assert f"<code>{method.upper()} {path}</code>" in page
    assert page.count("<caption>Parameters</caption>") == 13
    assert '<th scope="row"><code>page_size</code></th>' in page
    assert "integer, 1 to 100, default 20" in page
    assert "one of: news, briefing, consultation-response" in page
    assert page.count("Example response (made-up values)") == 13
    assert "&quot;total_pages&quot;: 1," in page
    assert "&quot;organisation_type&quot;:" in page


def test_nothing_is_loaded_from_elsewhere(page: str) -> None:
    """No script at all, and every stylesheet, image or icon comes from the site itself."""
    assert "<script" not in page
    for address in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not address.startswith(("http:", "https:", "//")) or address.startswith("http://testserver/"), address
    assert "cdn" not in page.lower()


def test_in_the_sites_own_template(page: str) -> None:
    assert '<main id="main"' in page
    assert "Skip to main content" in page
    assert "<h1>Chorus open data: API reference</h1>" in page


def test_example_values_follow_the_schema() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    body = document["paths"]["/api/v1/articles"]["get"]["responses"][200]["content"]["application/json"]["schema"]
    example = example_of(body, document)
    assert set(example) == {"count", "page", "page_size", "total_pages", "next", "previous", "results"}
    assert example["results"][0]["kind"] == "news"
    assert describe_type({"type": "string", "maxLength": 100}, document) == "string, at most 100 characters"

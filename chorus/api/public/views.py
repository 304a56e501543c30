"""The API's own addresses outside ninja's operations: its entry point and its JSON 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from chorus.api.public.http import json_error, with_public_headers

COLLECTIONS = (
    "articles",
    "priority-areas",
    "coalitions",
    "tracker-items",
    "campaign-actions",
    "bulletin-issues",
)


@require_GET
def entry_point(request: HttpRequest) -> HttpResponse:
    """/api/v1/: where each collection and the documentation are."""
    root = request.build_absolute_uri(reverse("api:api_v1:openapi-json")).removesuffix("openapi.json")
    body = {
        "collections": {name: f"{root}{name}" for name in COLLECTIONS},
        "openapi": f"{root}openapi.json",
        "docs": f"{root}docs",
    }
    return with_public_headers(JsonResponse(body))


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1/: a JSON 404 in the API's error shape, never an HTML page."""
    return json_error(404, "There is nothing at this address.")

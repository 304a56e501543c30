"""The headers every public API response carries, and the 304 answer to a conditional GET.

Each response is public and cookie-free, so the site's page cache (chorus.core.middleware)
keeps it like any public page and retires it on publish. ``ETag`` is a digest of the body
and ``Last-Modified`` the moment the body was made: a list can shrink (a page unpublished,
a signatory withdrawing their name) without any row getting newer, so no row's timestamp
could honestly say the list has not changed since.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone
from django.utils.cache import set_response_etag
from django.utils.http import http_date

from chorus.core.http import mark_publicly_cacheable

API_PREFIX = "/api/v1/"


def with_public_headers(response: HttpResponse, *, max_age: int | None = None) -> HttpResponse:
    """Cache-Control (unless the view chose its own), Last-Modified, ETag and open CORS for GET."""
    if not response.has_header("Cache-Control"):
        mark_publicly_cacheable(response, max_age=max_age)
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(timezone.now().timestamp())
    if not response.streaming and not response.has_header("ETag"):
        set_response_etag(response)
    # Anyone's page may read the open data; there are no cookies or tokens for it to carry.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def public_headers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The same headers on the OpenAPI document and the reference page (ninja's docs_decorator)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return with_public_headers(view(request, *args, **kwargs))

    return wrapped


def json_error(status: int, message: str) -> HttpResponse:
    """An error in the API's one shape (chorus.api.public.schemas.Error)."""
    body = {"error": {"status": status, "message": message, "problems": []}}
    return with_public_headers(JsonResponse(body, status=status))


class PublicApiMiddleware(ConditionalGetMiddleware):
    """For the public API's addresses only: Django's conditional GET (304 Not Modified),
    and JSON instead of an HTML error page from anything before the API's own views.

    It sits outside the page cache, so a response served from the cache is answered with
    304 too when the client already holds it; and outside the middleware that refuses a
    NUL character in an address, whose 400 would otherwise be the site's HTML page.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            error = json_error(response.status_code, response.reason_phrase)
            if response.has_header("Allow"):
                error["Allow"] = response["Allow"]
            response = error
        return super().process_response(request, response)

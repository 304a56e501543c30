"""Errors in OSDI's shape even where the integration API's own handlers never run.

django-ninja answers a method an address does not take (DELETE on a collection) with its
own plain-text 405 before any exception handler; a client parsing OSDI errors would choke
on it. This middleware gives such answers the same JSON shape as every other error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

OSDI_PREFIX = "/api/osdi/v1/"


class OsdiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            request.path.startswith(OSDI_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(("application/json", "application/hal+json"))
        ):
            # Imported here: the API module builds ninja's router, which needs the apps ready.
            from chorus.api.osdi.api import osdi_error

            allowed = response.get("Allow", "")
            if response.status_code == 405:
                description = f"This address accepts only {allowed}." if allowed else "This address does not take it."
                code = "METHOD_NOT_ALLOWED"
            else:
                description, code = response.reason_phrase, "ERROR"
            shaped = osdi_error(request, response.status_code, code, description)
            if allowed:
                shaped["Allow"] = allowed
            return shaped
        return response

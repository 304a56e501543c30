"""Caching headers for public, cookie-free responses, and cookie-free public forms."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_callable
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt


def mark_publicly_cacheable(response: HttpResponse, *, max_age: int | None = None) -> HttpResponse:
    """Let browsers and shared caches keep a public page briefly and serve it stale on error."""
    seconds = settings.CHORUS_PAGE_CACHE_SECONDS if max_age is None else max_age
    patch_cache_control(
        response, public=True, max_age=seconds, stale_while_revalidate=seconds * 5, stale_if_error=86400
    )
    return response


def is_cross_site(request: HttpRequest) -> bool:
    """Whether a browser sent this request from another site, by its own headers.

    Browsers state where a request comes from in ``Sec-Fetch-Site`` (all current ones)
    and ``Origin`` (on every cross-origin POST for years before that); neither can be
    set by a page. A request without either did not come from a browser page elsewhere.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    own_origin = f"{request.scheme}://{request.get_host()}"
    return origin != own_origin and origin not in settings.CSRF_TRUSTED_ORIGINS


def cookie_free_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For public forms that need no session: refuse posts from other sites by the
    browser's own headers instead of a CSRF cookie, so the form sets no cookie at all
    and its blank page can be cached. Only for forms whose result the sender cannot
    misuse anyway (anything that matters is confirmed from an emailed link); forms of
    signed-in staff keep Django's CSRF cookie.
    """

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD", "OPTIONS"} and is_cross_site(request):
            failure_view = get_callable(settings.CSRF_FAILURE_VIEW)
            response: HttpResponse = failure_view(request, reason="This form was sent from another website.")
            return response
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)

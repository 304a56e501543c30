"""Middleware: refusing NUL characters in addresses, and the public page cache.

A server-side cache of public pages for readers without cookies.

A crowd refreshing a campaign or news page should cost little: for anonymous GETs
(no cookies at all) a rendered page is kept briefly in the shared cache and served from
it. A page that sets a cookie, is marked private or no-store, or lives under a staff
path is never stored, so personal data never enters the cache. Publishing anything bumps
a generation number, which retires every cached page at once in every process.

The shared cache holds plain status, headers and body, and every hit gets a response
object of its own. When the cache is unreachable its reads are misses and its writes do
nothing (chorus.core.cache), so pages are rendered as if nothing were cached.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_max_age
from django.views.decorators.csp import csp_override

from chorus.core.http import mark_publicly_cacheable

GENERATION_KEY = "chorus:pagecache:generation"
# What the shared cache holds for a page: the generation it was rendered in, the request
# headers its Vary names with their values, status, headers, body and when it expires.
CachedPage = tuple[int, tuple[tuple[str, str], ...], int, list[tuple[str, str]], bytes, float]
EXCLUDED_PREFIXES = ("/admin/", "/documents/", "/healthz/")


def page_cache_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return int(generation)


def retire_cached_pages() -> None:
    """Called when content changes: every cached page is retired."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or the cache is unreachable (then this does nothing)
        cache.set(GENERATION_KEY, 2, timeout=None)


def _page_key(request: HttpRequest) -> str:
    # One key per address (host, path and query string); the hash keeps the key short and
    # keeps the address itself out of the cache's key list.
    address = request.build_absolute_uri().encode("utf-8", "surrogateescape")
    return "page:" + hashlib.sha256(address).hexdigest()


def _varied_on(request: HttpRequest, response: HttpResponse) -> tuple[tuple[str, str], ...]:
    """The request headers the response says it varies on, with this request's values."""
    names = sorted({name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()})
    return tuple((name, request.headers.get(name, "")) for name in names)


def _page_to_cache(request: HttpRequest, response: HttpResponse, generation: int, timeout: int) -> CachedPage:
    varied = _varied_on(request, response)
    return (generation, varied, response.status_code, list(response.items()), response.content, time.time() + timeout)


def _response_from_cache(request: HttpRequest, page: Any, generation: int) -> HttpResponse | None:
    """A new response for a cached page, or None if it is from an older generation, was
    rendered for different values of a header it varies on, or has expired."""
    if not isinstance(page, tuple) or len(page) != 6:
        return None
    rendered_in, varied, status, headers, content, expires_at = page
    if rendered_in != generation or time.time() >= expires_at:
        return None
    if any(request.headers.get(name, "") != value for name, value in varied):
        return None
    return HttpResponse(content, status=status, headers=headers)


def _response_is_public(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.cookies or response.streaming:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


class PublicPageCacheMiddleware:
    """One round trip to the cache per hit: the generation and the page are read together.

    Each stored page records the generation it was rendered in, so retiring every page is
    one increment, and a page from an older generation is a miss (and is overwritten).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"} or request.COOKIES or request.path.startswith(EXCLUDED_PREFIXES):
            return self.get_response(request)
        page_key = _page_key(request)
        found = cache.get_many([GENERATION_KEY, page_key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = page_cache_generation()
        cached = _response_from_cache(request, found.get(page_key), int(generation))
        if cached is not None:
            return cached
        response = self.get_response(request)
        if _response_is_public(response):
            max_age = get_max_age(response)
            if max_age is None:
                mark_publicly_cacheable(response)
            timeout = settings.CHORUS_PAGE_CACHE_SECONDS if max_age is None else min(max_age, 3600)
            if timeout > 0:
                cache.set(page_key, _page_to_cache(request, response, int(generation), timeout), timeout)
        return response


class RefuseNulCharactersMiddleware:
    """A 400 Bad Request for a NUL character in the path or the query string.

    No link of ours holds one; PostgreSQL cannot compare text with one and SQLite's
    full-text search fails on it, so refusing it here spares every view and filter.
    Posted forms are not checked here: their fields refuse NUL with a message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The query string is still percent-encoded: "%00" is how NUL arrives in it.
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or "\x00" in request.path:
            raise BadRequest("The address holds a NUL character.")
        return self.get_response(request)


class StaffAdminPolicyMiddleware:
    """The Content-Security-Policy for Wagtail's admin, once a member of staff is signed in.

    Every page gets the strict policy in ``SECURE_CSP``. Wagtail's admin still writes
    some scripts and styles inline (inline panels such as a tracked item's timeline,
    date pickers, choosers; wagtail/wagtail#1288), which that policy blocks, so their
    buttons do nothing. Signed-in staff on admin screens therefore get ``'unsafe-inline'``
    for scripts and styles; the sign-in pages, and every public page, keep the strict
    policy (docs/decisions/0010).

    Views that allow framing by the site itself (``X-Frame-Options: SAMEORIGIN``: the
    editor's live preview) get ``frame-ancestors 'self'`` to match; browsers obey the
    stricter of the two headers, so the preview panel would otherwise stay blank.

    Sits inside Django's CSP middleware, which writes the header a response was given
    through ``csp_override``.
    Wagtail renders a preview by running the page through the whole stack once more, so
    a response may already carry the strict header; it is dropped to be written again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The path first: it spares public requests from loading the user at all.
        in_admin = request.path.startswith(self._admin_prefix())
        staff = in_admin and getattr(request, "user", None) is not None and request.user.is_authenticated
        framed = response.get("X-Frame-Options") == "SAMEORIGIN"
        if not settings.SECURE_CSP or not (staff or framed):
            return response  # every public page: the strict policy, untouched
        policy = dict(settings.SECURE_CSP)
        if staff:
            for directive in ("script-src", "style-src"):
                policy[directive] = [*policy.get(directive, ["'self'"]), "'unsafe-inline'"]
        if framed:
            policy["frame-ancestors"] = ["'self'"]
        del response["Content-Security-Policy"]
        # Django's public way to give one response its own policy is the csp_override
        # decorator; applied to a view that returns this response, it marks it for the
        # CSP middleware outside this one.
        marked: HttpResponse = csp_override(policy)(lambda _request: response)(request)
        return marked

    def _admin_prefix(self) -> str:
        if not self.admin_prefix:
            self.admin_prefix = reverse("wagtailadmin_home")
        return self.admin_prefix

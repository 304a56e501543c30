"""A server-side cache of public pages for readers without cookies.

A crowd refreshing a campaign or news page should cost little: for anonymous GETs
(no cookies at all) a rendered page is kept briefly and served from the cache. A
page that sets a cookie, is marked private or no-store, or lives under a staff path
is never stored, so personal data never enters the cache. Publishing anything bumps
a generation number, which retires every cached page: at once in the process that
published, and within a second in the others.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_cache_key, get_max_age, learn_cache_key

from chorus.core.http import mark_publicly_cacheable
from chorus.core.memo import LocalMemo

GENERATION_KEY = "chorus:pagecache:generation"
EXCLUDED_PREFIXES = ("/admin/", "/documents/", "/healthz/")


# Read on every cached page; each process keeps it for a second rather than ask Redis
# each time. The process that publishes forgets it at once; the others within a second.
GENERATION_MEMO = LocalMemo(seconds=1, maxsize=1)


def page_cache_generation() -> int:
    generation = GENERATION_MEMO.get(GENERATION_KEY)
    if generation is None:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, 1, timeout=None)
            generation = cache.get(GENERATION_KEY) or 1
        GENERATION_MEMO.set(GENERATION_KEY, generation)
    return int(generation)


def retire_cached_pages() -> None:
    """Called when content changes: every cached page is retired (in other processes within a second)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
    GENERATION_MEMO.clear()


def _response_is_public(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.cookies or response.streaming:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"} or request.COOKIES or request.path.startswith(EXCLUDED_PREFIXES):
            return self.get_response(request)
        key_prefix = f"page:{page_cache_generation()}"
        cache_key = get_cache_key(request, key_prefix, "GET", cache=cache)
        if cache_key is not None:
            cached: HttpResponse | None = cache.get(cache_key)
            if cached is not None:
                return cached
        response = self.get_response(request)
        if _response_is_public(response):
            max_age = get_max_age(response)
            if max_age is None:
                mark_publicly_cacheable(response)
            timeout = settings.CHORUS_PAGE_CACHE_SECONDS if max_age is None else min(max_age, 3600)
            if timeout > 0:
                cache_key = learn_cache_key(request, response, timeout, key_prefix, cache=cache)
                cache.set(cache_key, response, timeout)
        return response

"""Caching headers for public, cookie-free responses."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control


def mark_publicly_cacheable(response: HttpResponse, *, max_age: int | None = None) -> HttpResponse:
    """Let browsers and shared caches keep a public page briefly and serve it stale on error."""
    seconds = settings.CHORUS_PAGE_CACHE_SECONDS if max_age is None else max_age
    patch_cache_control(
        response, public=True, max_age=seconds, stale_while_revalidate=seconds * 5, stale_if_error=86400
    )
    return response

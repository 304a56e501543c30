"""Cache headers for the public pages of campaign actions."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from chorus.core.http import mark_publicly_cacheable


def cacheable_for_public(request: HttpRequest, response: HttpResponse, *, seconds: int | None = None) -> HttpResponse:
    """Mark a page cacheable unless it is a preview or shown to signed-in staff."""
    if getattr(request, "is_preview", False) or request.user.is_authenticated:
        add_never_cache_headers(response)
        return response
    return mark_publicly_cacheable(response, max_age=seconds or settings.CHORUS_CAMPAIGNS_CACHE_SECONDS)

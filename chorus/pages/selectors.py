"""Reads for site-wide pages."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page


def search_pages(*, query: str) -> Any:
    """Full-text search over live public pages (PostgreSQL FTS in production)."""
    return Page.objects.live().public().specific().search(query, operator="and")

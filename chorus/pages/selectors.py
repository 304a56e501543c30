"""Reads for site-wide pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wagtail.models import Page

from chorus.core.sections import SEARCH_RESULTS, SearchHit


def search_pages(*, query: str) -> Any:
    """Full-text search over live public pages: articles, campaign actions, priority areas and
    the rest (PostgreSQL's "english" configuration, or SQLite FTS5 with English stemming)."""
    return Page.objects.live().public().specific().search(query, operator="and")


@dataclass(frozen=True)
class SearchGroup:
    heading: str
    hits: list[SearchHit]


def search_elsewhere(*, query: str) -> list[SearchGroup]:
    """What other apps' own records (not pages) hold for the query, each under its heading."""
    groups = []
    for contribution in SEARCH_RESULTS.contributions():
        hits = list(contribution.source(query=query))
        if hits:
            groups.append(SearchGroup(heading=contribution.label, hits=hits))
    return groups

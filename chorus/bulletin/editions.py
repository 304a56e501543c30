"""Editions of an issue: which sections each subscriber gets, from the topics they chose.

An issue's sections are of two kinds:

- an **area section**: a "section" block with a priority area chosen. It goes to the
  subscribers who chose that area, and to those who chose no topics (no topics means
  every area);
- **general**: a "section" block with no priority area (items not tied to one area, such
  as a consultation that names none) and every "message" block (a meeting, a thank-you).
  Every recipient gets these.

An **edition** is the issue as one set of areas sees it: the general sections and the area
sections for those areas, in the issue's order. The **full** edition has every section: it
is what a subscriber with no topics (or with every area this issue covers) gets, and what
the web archive shows. An item filed under two areas is shown once in an edition, under
the first of its sections there, so nobody reads it twice.

The intro is in every edition but is not, by itself, a reason to send: a subscriber gets
the issue when their edition has at least one section.

Everything here works on the plain section data of ``chorus.bulletin.emails.issue_sections``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# None is the full edition; a set of area ids is the general sections plus those areas'.
type Edition = frozenset[int] | None

FULL: Edition = None
# How the full edition is named in a staff preview's address; any other key lists area ids.
FULL_KEY = "all"


def topics_key(topic_ids: Iterable[int]) -> str:
    """A recipient's chosen areas as stored on their delivery: sorted ids; empty for every area."""
    return ",".join(str(pk) for pk in sorted(set(topic_ids)))


def parse_topics_key(key: str) -> frozenset[int]:
    """The ids in a stored or typed key; anything that is not a number is ignored."""
    return frozenset(int(part) for part in key.split(",") if part.strip().isdigit())


def issue_areas(sections: Sequence[Mapping[str, Any]]) -> frozenset[int]:
    """The priority areas that have a section of their own in the issue."""
    return frozenset(section["area_id"] for section in sections if section.get("area_id") is not None)


def has_general(sections: Sequence[Mapping[str, Any]]) -> bool:
    """Whether every recipient gets some section: one for everyone, or an issue not split by area at all."""
    return not sections or any(section.get("area_id") is None for section in sections)


def edition_for(*, chosen: frozenset[int], areas: frozenset[int]) -> Edition:
    """The edition for someone who chose ``chosen`` of an issue whose area sections cover ``areas``."""
    if not chosen or areas <= chosen:
        return FULL
    return chosen & areas


def edition_sections(sections: Sequence[Mapping[str, Any]], edition: Edition) -> list[Mapping[str, Any]]:
    """The sections of one edition, in the issue's order, each item once."""
    shown: set[str] = set()
    kept: list[Mapping[str, Any]] = []
    for section in sections:
        area_id = section.get("area_id")
        if edition is not None and area_id is not None and area_id not in edition:
            continue
        if section["kind"] != "section":
            kept.append(section)
            continue
        items = [item for item in section["items"] if item["url"] not in shown]
        if section["items"] and not items:
            continue  # everything in it was shown under an earlier section
        shown.update(item["url"] for item in items)
        kept.append({**section, "items": items})
    return kept


def edition_key(edition: Edition) -> str:
    """A short name for an edition, for a staff preview's address and for caching renderings."""
    return FULL_KEY if edition is None else topics_key(edition)


def parse_edition_key(key: str) -> Edition:
    return FULL if key == FULL_KEY else parse_topics_key(key)

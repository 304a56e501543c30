"""The shape in which each capability offers its week's items to the bulletin draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class DigestItem:
    section: str  # e.g. "New from the network", "Closing soon", "Take action"
    title: str
    url: str  # absolute path on the site, e.g. /news/a-briefing/
    summary: str = ""
    date: date | datetime | None = None
    priority_area_ids: tuple[int, ...] = field(default_factory=tuple)

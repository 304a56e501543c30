"""The staff home page: one panel per role, each line a count that links to the list behind it.

Wagtail's home page shows "35 Pages, 0 Images"; staff need "what needs me today?". Each
app builds the panel for the role it serves (``chorus/<app>/dashboard.py``) from these
pieces and adds it with Wagtail's ``construct_homepage_panels`` hook, shown only to people
with that app's permission. The panels share one template, so they look and read alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wagtail.admin.ui.components import Component

SPARK_WIDTH = 120
SPARK_HEIGHT = 24


@dataclass(frozen=True)
class Sparkline:
    """A small line of counts over time, drawn as SVG; the numbers are always given as text too."""

    values: tuple[int, ...]
    description: str  # what the line shows, in words: the chart's text alternative

    @property
    def points(self) -> str:
        """The SVG polyline's points, scaled to the box; a flat line at the bottom when all are 0."""
        if not self.values:
            return ""
        top = max(self.values) or 1
        step = SPARK_WIDTH / max(len(self.values) - 1, 1)
        return " ".join(
            f"{index * step:.1f},{SPARK_HEIGHT - 2 - (value / top) * (SPARK_HEIGHT - 4):.1f}"
            for index, value in enumerate(self.values)
        )

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class PanelLine:
    """One thing to look at: what it is, how many, where the list is, and what to know about it."""

    label: str
    count: int | None = None
    url: str = ""
    detail: str = ""  # e.g. "the oldest is 3 working days past its target"
    attention: bool = False  # needs someone now (overdue, failed): shown with a warning
    sparkline: Sparkline | None = None


@dataclass
class DashboardPanel(Component):
    """A panel of lines on the staff home page, for one role's work."""

    title: str
    lines: Sequence[PanelLine]
    empty_text: str = "Nothing needs you here today."
    more_url: str = ""
    more_label: str = ""
    order: int = 10  # Wagtail sorts the home page's panels by this; its own come after ours
    name: str = field(default="")

    template_name = "core/admin/dashboard_panel.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {
            "panel": self,
            "heading_id": f"dashboard-{self.name or self.title.lower().replace(' ', '-')}",
            "spark_width": SPARK_WIDTH,
            "spark_height": SPARK_HEIGHT,
        }

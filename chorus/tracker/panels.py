"""Panels for the tracked-item form: the read-only "Imported from" box, shown only for imported items."""

from __future__ import annotations

from typing import Any

from wagtail.admin.panels import MultiFieldPanel, Panel


class ImportedFromPanel(MultiFieldPanel):  # type: ignore[misc]
    """A group shown only when the item came from an importer; staff-entered items have nothing to show."""

    class BoundPanel(MultiFieldPanel.BoundPanel):  # type: ignore[misc]
        def is_shown(self) -> bool:
            instance = self.instance
            return bool(instance is not None and getattr(instance, "is_imported", False) and super().is_shown())


class ImportedFromSummaryPanel(Panel):  # type: ignore[misc]
    """Where an imported item came from, when it was last read, and what staff have taken over (read-only)."""

    class BoundPanel(Panel.BoundPanel):  # type: ignore[misc]
        template_name = "tracker/admin/imported_from_panel.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context: dict[str, Any] = super().get_context_data(parent_context)
            context["item"] = self.instance
            return context

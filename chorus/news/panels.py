"""An editor's panel that shows the reading age of an article's summary and body."""

from __future__ import annotations

from typing import Any

from wagtail.admin.panels import Panel

from chorus.news.readability import ReadingAge, reading_age_of_article


class ReadingAgePanel(Panel):
    """Shows the reading age of the saved text; it updates each time the page is saved."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("heading", "Reading age")
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "news/panels/reading_age.html"

        def get_context_data(self, parent_context: Any = None) -> Any:
            context = super().get_context_data(parent_context)
            result: ReadingAge | None = None
            if self.instance is not None and self.instance.pk:
                result = reading_age_of_article(self.instance)
            context["reading_age"] = result
            return context

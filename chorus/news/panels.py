"""Editors' panels: the reading age of an article, and the Easy Read check of an Easy Read version."""

from __future__ import annotations

from typing import Any

from wagtail.admin.panels import Panel

from chorus.news.easy_read_check import MOST_WORDS_IN_A_SENTENCE, easy_read_check
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


class EasyReadCheckPanel(Panel):
    """Warns, never refuses: lists the Easy Read sentences over 15 words or with long words.

    A block's ``clean`` can only refuse a save, and an Easy Read writer sometimes needs a
    long word (a place, a law's name); so the check is a hint under the field, worked out
    from the last saved version, like the reading age above.
    """

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("heading", "Easy Read check")
        super().__init__(**kwargs)
        self.field_name = field_name

    def clone_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().clone_kwargs()
        kwargs["field_name"] = self.field_name
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "news/panels/easy_read_check.html"
        panel: EasyReadCheckPanel

        def get_context_data(self, parent_context: Any = None) -> Any:
            context = super().get_context_data(parent_context)
            stream = getattr(self.instance, self.panel.field_name, None) if self.instance is not None else None
            saved = self.instance is not None and bool(self.instance.pk)
            context["check"] = easy_read_check(stream) if saved and stream else None
            context["saved"] = saved
            context["most_words"] = MOST_WORDS_IN_A_SENTENCE
            return context

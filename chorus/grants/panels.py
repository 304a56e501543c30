"""The editor's warning when a small grant asks many questions (the pattern of chorus.news.panels)."""

from __future__ import annotations

from typing import Any

from wagtail.admin.panels import Panel

from chorus.grants.services.bands import (
    MOST_QUESTIONS_FOR_A_SMALL_GRANT,
    SMALL_GRANT_MOST,
    question_load_warnings,
)


class QuestionLoadPanel(Panel):
    """Warns, never refuses: lists the grant sizes of £1,000 or less that ask more than 5 questions.

    Worked out from the last saved version, like the Easy Read check: a panel is drawn
    when the editor opens, and cannot see what is being typed.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("heading", "Questions sized to the grant")
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "grants/panels/question_load.html"

        def get_context_data(self, parent_context: Any = None) -> Any:
            context = super().get_context_data(parent_context)
            saved = self.instance is not None and bool(self.instance.pk)
            bands = list(self.instance.bands.all()) if saved else []
            context.update(
                saved=saved,
                has_bands=bool(bands),
                warnings=question_load_warnings((band.name, band.up_to, band.question_count) for band in bands),
                small_grant_most=f"{SMALL_GRANT_MOST:,}",
                most_questions=MOST_QUESTIONS_FOR_A_SMALL_GRANT,
            )
            return context

"""Reading age of article text, using textstat's readability formulas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import textstat
from django.utils.html import strip_tags

# Plain-language guidance for public information aims at a reading age of 9 to 11.
TARGET_READING_AGE = 11


@dataclass(frozen=True)
class ReadingAge:
    years: int
    words: int

    @property
    def is_easy(self) -> bool:
        return self.years <= TARGET_READING_AGE

    @property
    def target(self) -> int:
        return TARGET_READING_AGE


def reading_age(text: str) -> ReadingAge | None:
    """Flesch-Kincaid grade turned into a reading age (grade + 5), or None for no text."""
    words = textstat.lexicon_count(text)
    if words == 0:
        return None
    grade = textstat.flesch_kincaid_grade(text)
    return ReadingAge(years=max(5, round(grade + 5)), words=words)


def stream_text(stream: Any) -> str:
    parts: list[str] = []
    for block in stream or []:
        value = block.value
        if hasattr(value, "source"):
            parts.append(strip_tags(value.source))
        elif isinstance(value, str):
            parts.append(value)
        elif hasattr(value, "values"):
            parts.extend(str(item) for item in value.values() if isinstance(item, str))
    return "\n".join(parts)


def reading_age_of_article(article: Any) -> ReadingAge | None:
    return reading_age(f"{article.summary}\n{stream_text(article.body)}")

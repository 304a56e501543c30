"""Reading age of article text: the Flesch-Kincaid grade, counted offline.

Readability libraries look English words up in NLTK's CMU dictionary and download it
on first use. Chorus makes no outgoing requests and must work offline, so we count
words with one regular expression and syllables with Pyphen's bundled hyphenation
dictionary, and apply the Flesch-Kincaid formula ourselves.
See docs/decisions/reading-age-offline.md and docs/decisions/0025.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyphen  # type: ignore[import-untyped]
from django.utils.html import strip_tags

# Sentence ends, and line breaks between blocks (headings and list items have no full stop).
SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s|$)|\n+")
VOWEL_GROUP = re.compile(r"[aeiouy]+")
# A word is letters or digits, joined by apostrophes or hyphens: "don't" and
# "multi-agency" are one word each, as a reader counts them.
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

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
    words = len(WORD.findall(text))
    if words == 0:
        return None
    grade = flesch_kincaid_grade(text)
    return ReadingAge(years=max(5, round(grade + 5)), words=words)


@cache
def _hyphenator() -> Any:
    return pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    """Hyphenation points undercount ("peo-ple" is one point, two syllables), so take
    the larger of that and a count of vowel groups less a silent final e."""
    word = word.lower()
    by_hyphenation = len(_hyphenator().positions(word)) + 1
    vowel_groups = len(VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and vowel_groups > 1:
        vowel_groups -= 1
    return max(1, by_hyphenation, vowel_groups)


def flesch_kincaid_grade(text: str) -> float:
    """0.39 × words per sentence + 11.8 × syllables per word − 15.59."""
    sentences = [part for part in SENTENCE_BREAK.split(text) if WORD.search(part)]
    words = WORD.findall(text)
    if not words:
        return 0.0
    per_sentence = len(words) / max(1, len(sentences))
    per_word = sum(syllables(word) for word in words) / len(words)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59


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

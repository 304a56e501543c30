"""Checks an Easy Read version for long sentences and long words, to warn its editor.

Easy Read guidance asks for short sentences (15 words or fewer) and everyday words.
This never refuses a page: a warning under the field says which sentences to look at,
and the editor decides (some long words, like a place's name, are needed). Syllables
are counted by the reading-age code (chorus.news.readability); see
docs/decisions/0031-easy-read-with-pictures.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.html import strip_tags

from chorus.news.readability import ReadingAge, reading_age, syllables

MOST_WORDS_IN_A_SENTENCE = 15
LONG_WORD_SYLLABLES = 3
# Long words that Easy Read readers meet every day, and that have no shorter name.
EVERYDAY_LONG_WORDS = frozenset(
    {
        "anyone",
        "another",
        "camera",
        "computer",
        "everyone",
        "everything",
        "family",
        "government",
        "hospital",
        "important",
        "internet",
        "medicine",
        "petition",
        "together",
        "video",
    }
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class SentenceWarning:
    sentence: str
    words: int
    long_words: tuple[str, ...]

    @property
    def too_long(self) -> bool:
        return self.words > MOST_WORDS_IN_A_SENTENCE

    @property
    def advice(self) -> str:
        parts = []
        if self.too_long:
            parts.append(
                f"This sentence has {self.words} words. Try to use {MOST_WORDS_IN_A_SENTENCE} words or fewer, "
                "or make it two sentences."
            )
        if self.long_words:
            parts.append(f"Long words: {', '.join(self.long_words)}. Use shorter, everyday words if you can.")
        return " ".join(parts)


def base_form(word: str) -> str:
    """A plural or past tense as its plain form ("families" → "family", "decided" → "decide"),
    so an ending that adds no syllable ("decides", "ashamed") does not make a word long."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-1]
    if word.endswith("ed") and not word.endswith(("ted", "ded")):
        return word[:-1]
    return word.removesuffix("s") if not word.endswith("ss") else word


def is_long_word(word: str) -> bool:
    lowered = word.lower().replace("’", "'")
    if lowered in EVERYDAY_LONG_WORDS or base_form(lowered) in EVERYDAY_LONG_WORDS:
        return False
    # A hyphenated word is read as its parts ("mental-health").
    return any(syllables(base_form(part)) >= LONG_WORD_SYLLABLES for part in lowered.split("-") if part)


def sentence_warnings(text: str) -> list[SentenceWarning]:
    """The sentences of ``text`` that are over 15 words or use long words."""
    found = []
    for sentence in (part.strip() for part in SENTENCE_END.split(text)):
        words = WORD.findall(sentence)
        long_words = tuple(dict.fromkeys(word for word in words if is_long_word(word)))
        if len(words) > MOST_WORDS_IN_A_SENTENCE or long_words:
            found.append(SentenceWarning(sentence=sentence, words=len(words), long_words=long_words))
    return found


def easy_read_texts(stream: Iterable[Any]) -> list[str]:
    """The words of an Easy Read stream, block by block."""
    texts = []
    for block in stream or []:
        value = block.value
        if block.block_type == "picture_sentence":
            texts.append(str(value.get("text") or ""))
        elif hasattr(value, "source"):
            texts.append(strip_tags(value.source))
        elif isinstance(value, str):
            texts.append(value)
    return [text for text in texts if text.strip()]


@dataclass(frozen=True)
class EasyReadCheck:
    reading_age: ReadingAge | None
    warnings: list[SentenceWarning]


def easy_read_check(stream: Iterable[Any]) -> EasyReadCheck:
    """Reading age and sentence-by-sentence warnings for an Easy Read stream."""
    texts = easy_read_texts(stream)
    warnings = [warning for text in texts for warning in sentence_warnings(text)]
    return EasyReadCheck(reading_age=reading_age("\n".join(texts)), warnings=warnings)

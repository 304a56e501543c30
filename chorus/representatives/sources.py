"""Reading the files staff load: a CSV, or the CSV inside a ZIP, as a stream of text.

Nothing is unpacked to disk or read whole: ``zipfile`` streams the member and ``csv``
reads it a line at a time, so memory stays flat whatever the file's size.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TextIO

from chorus.representatives.services.data_sets import ImportRefused

# A field of the ONSPD is short; a longer one means the file is not what it claims.
csv.field_size_limit(1_000_000)


def zip_data_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The main data CSV of a ZIP: the biggest ``Data/ONSPD_*.csv``, else its only CSV."""
    csvs = [info for info in archive.infolist() if not info.is_dir() and info.filename.lower().endswith(".csv")]
    onspd = [
        info
        for info in csvs
        if PurePosixPath(info.filename).parent.name.lower() == "data"
        and PurePosixPath(info.filename).name.upper().startswith("ONSPD_")
    ]
    if onspd:
        return max(onspd, key=lambda info: info.file_size)
    if len(csvs) == 1:
        return csvs[0]
    if not csvs:
        raise ImportRefused("The ZIP file holds no CSV file.")
    raise ImportRefused(
        "The ZIP file holds several CSV files and none is the postcode directory's main file "
        "(Data/ONSPD_….csv). Load that CSV on its own."
    )


@contextmanager
def csv_text(path: Path) -> Iterator[TextIO]:
    """Open a CSV file, or the data CSV inside a ZIP file, as text (a byte-order mark is dropped)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            member = zip_data_member(archive)
            with archive.open(member) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        return
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as text:
        yield text


def header_index(header: list[str], *candidates: str) -> int | None:
    """The position of the first candidate column present (names compared without case or spaces)."""
    folded = {name.strip().lower(): position for position, name in enumerate(header)}
    for candidate in candidates:
        if (position := folded.get(candidate)) is not None:
            return position
    return None


def header_matching(header: list[str], pattern: str) -> int | None:
    """The position of the last column whose name matches a pattern (the newest of "lad24cd", "lad25cd")."""
    compiled = re.compile(pattern)
    matches = sorted(
        (name.strip().lower(), position)
        for position, name in enumerate(header)
        if compiled.fullmatch(name.strip().lower())
    )
    return matches[-1][1] if matches else None

"""CSV files that staff or members open in a spreadsheet: safe values, streamed."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

# Spreadsheet programs run a cell that starts with one of these as a formula.
CSV_DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """Text that a spreadsheet shows as text: a risky first character is prefixed with '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGEROUS_PREFIXES) else text


class _LineEcho:
    """What ``csv.writer`` writes to: it hands each line back instead of keeping it
    (Django's recipe for streaming a large CSV file)."""

    def write(self, line: str) -> str:
        return line


# Lines sent to the client at a time: fewer, larger writes than one per row.
CSV_LINES_PER_CHUNK = 500


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """A CSV file as chunks of lines, for a ``StreamingHttpResponse``: memory stays flat however
    many rows there are. Every cell is made safe for spreadsheets (``csv_safe``)."""
    writer = csv.writer(_LineEcho())
    chunk: list[str] = [writer.writerow(header)]
    for row in rows:
        chunk.append(writer.writerow([csv_safe(cell) for cell in row]))
        if len(chunk) >= CSV_LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)

"""Make values safe to put in a CSV file that staff or members open in a spreadsheet."""

from __future__ import annotations

# Spreadsheet programs run a cell that starts with one of these as a formula.
CSV_DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """Text that a spreadsheet shows as text: a risky first character is prefixed with '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGEROUS_PREFIXES) else text

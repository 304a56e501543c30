"""Load the sitting MPs from a saved Members API export: ``manage.py import_representatives FILE``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from chorus.representatives.management.options import ImportCommand
from chorus.representatives.services.data_sets import ImportReport
from chorus.representatives.services.members import representatives_import


class Command(ImportCommand):
    help = (
        "Import the sitting MPs from a saved export of the UK Parliament Members API, matched to the "
        "constituencies by name; lists any name that matches no seat."
    )

    def import_file(self, *, path: Path, version: str, dated: date | None, **options: Any) -> ImportReport:
        return representatives_import(path=path, version=version, dated=dated)

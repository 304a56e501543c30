"""Load the Westminster constituencies (ONS code and name): ``manage.py import_constituencies FILE``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from chorus.representatives.management.options import ImportCommand
from chorus.representatives.services.constituencies import constituencies_import
from chorus.representatives.services.data_sets import ImportReport


class Command(ImportCommand):
    help = "Import the Westminster constituencies from a CSV of ONS codes and names (PCON24CD,PCON24NM)."

    def import_file(self, *, path: Path, version: str, dated: date | None, **options: Any) -> ImportReport:
        return constituencies_import(path=path, version=version, dated=dated)

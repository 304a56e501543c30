"""Load the ONS Postcode Directory (CSV or ZIP) and swap it in: ``manage.py import_postcodes FILE``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from chorus.representatives.management.options import ImportCommand
from chorus.representatives.services.data_sets import ImportReport
from chorus.representatives.services.postcodes import postcodes_import


class Command(ImportCommand):
    help = "Import the ONS Postcode Directory (ONSPD) from a CSV or ZIP file, then make it the one lookups use."

    def import_file(self, *, path: Path, version: str, dated: date | None, **options: Any) -> ImportReport:
        with tqdm(unit=" rows", unit_scale=True, file=options["progress_to"], disable=options["verbosity"] < 1) as bar:

            def progress(read: int) -> None:
                bar.update(read - bar.n)

            return postcodes_import(path=path, version=version, dated=dated, progress=progress)

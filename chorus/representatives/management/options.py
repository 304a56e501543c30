"""What the three import commands share: the file, its version and date, and the report."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.representatives.services.data_sets import ImportRefused, ImportReport


def data_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--dated takes a date as YYYY-MM-DD, not {value!r}.") from error


class ImportCommand(BaseCommand):
    # "--version" is the data's version here, as the issue names it, not Django's own.
    suppressed_base_arguments = {"--version"}

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--version", dest="data_version", default="", help="The publisher's label, e.g. 'May 2025'."
        )
        parser.add_argument("--dated", type=data_date, default=None, help="The date of the data, as YYYY-MM-DD.")

    def import_file(self, *, path: Path, version: str, dated: date | None, **options: Any) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            report = self.import_file(
                path=path,
                version=options["data_version"],
                dated=options["dated"],
                verbosity=options["verbosity"],
                progress_to=options.get("stderr") or sys.stderr,
            )
        except ImportRefused as refusal:
            raise CommandError(f"{refusal} The data in use has not changed.") from refusal
        for line in report.lines():
            self.stdout.write(line)

"""Run the tracker importers now and print what changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.tracker.importers.registry import SOURCES
from chorus.tracker.services import tracker_import_run


class Command(BaseCommand):
    help = "Import bills, committee inquiries and GOV.UK consultations into the policy tracker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", choices=[*SOURCES, "all"], default="all")
        parser.add_argument("--term", action="append", dest="terms", help="Search term (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = list(SOURCES) if options["source"] == "all" else [options["source"]]
        failed = []
        for source in sources:
            report = tracker_import_run(source=source, terms=options["terms"])
            for line in report.lines():
                self.stdout.write(line)
            if not report.ok:
                failed.append(source)
        if failed:
            raise CommandError(f"Import failed for: {', '.join(failed)} (nothing changed for those).")

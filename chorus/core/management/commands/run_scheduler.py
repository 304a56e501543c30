"""Run the periodic-job scheduler beside the task worker (see docs/deployment.md)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chorus.core.schedule import run_due_jobs


class Command(BaseCommand):
    help = "Enqueue periodic tasks when they are due. Safe to run on several hosts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between checks.")

    def handle(self, *args: Any, once: bool, interval: float, verbosity: int, **options: Any) -> None:
        while True:
            for name in run_due_jobs():
                if verbosity > 1:
                    self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)

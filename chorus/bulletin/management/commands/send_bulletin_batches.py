"""A sending worker: claim and send bulletin batches. Run as many as you like side by side."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chorus.bulletin.sending import SendOptions, run_worker


class Command(BaseCommand):
    help = "Claim and send bulletin batches until there is nothing left (or forever with --forever)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issue", type=int, help="Only this issue id.")
        parser.add_argument("--forever", action="store_true", help="Keep polling for work instead of exiting.")
        parser.add_argument("--batch-size", type=int)
        parser.add_argument("--concurrency", type=int)
        parser.add_argument("--rate", type=float, help="Messages per second across all workers.")
        parser.add_argument("--poll", type=float, default=2.0, help="Seconds between polls when idle.")

    def handle(self, *args: Any, **options: Any) -> None:
        send_options = SendOptions()
        if options["batch_size"]:
            send_options.batch_size = options["batch_size"]
        if options["concurrency"]:
            send_options.concurrency = options["concurrency"]
        if options["rate"]:
            send_options.messages_per_second = options["rate"]
        totals = run_worker(
            issue_id=options["issue"],
            options=send_options,
            until_idle=not options["forever"],
            poll_seconds=options["poll"],
        )
        self.stdout.write(" ".join(f"{key}={value}" for key, value in totals.items()))

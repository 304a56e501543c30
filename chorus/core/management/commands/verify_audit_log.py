"""Check the audit log's hash chain; exit non-zero if any entry was edited or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chorus.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the tamper-evident audit log."

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(verify_chain())
        for item in breaks:
            self.stderr.write(f"entry {item.event_id}: {item.reason}")
        if breaks:
            raise CommandError(f"The audit log chain is broken in {len(breaks)} place(s).")
        self.stdout.write("The audit log chain is intact.")

"""Check the audit log against its seals; exit non-zero if any entry was edited, removed or re-chained."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.core.audit_seals import audit_log_check


class Command(BaseCommand):
    help = "Verify the audit log against the seal heads kept outside the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seal-log",
            action="append",
            type=Path,
            default=None,
            help="A file of seal heads to check against, instead of CHORUS_AUDIT_SEAL_LOG: "
            "for example a copy collected from every machine. May be given more than once.",
        )

    def handle(self, *args: Any, seal_log: list[Path] | None, **options: Any) -> None:
        check = audit_log_check(seal_logs=seal_log, screen="manage.py verify_audit_log")
        for problem in check.problems:
            self.stderr.write(problem)
        if check.problem_count > len(check.problems):
            self.stderr.write(f"…and {check.problem_count - len(check.problems)} more.")
        entries, heads = check.entries_checked, check.heads_checked
        self.stdout.write(
            f"Checked {entries} sealed {'entry' if entries == 1 else 'entries'} against {heads} seal "
            f"{'head' if heads == 1 else 'heads'} (the newest names entry {check.last_head_sequence})."
        )
        if check.entries_after_last_head:
            self.stdout.write(
                f"{check.entries_after_last_head} sealed entries are newer than the last head in the seal log: "
                "they are checked against their seals only, until the next sealing run publishes a head."
            )
        if check.unsealed_entries:
            self.stdout.write(f"{check.unsealed_entries} entries are not sealed yet (they are sealed every minute).")
        if not check.ok:
            raise CommandError(f"The audit log does not match its seals: {check.problem_count} problem(s).")
        self.stdout.write("The audit log matches its seals.")

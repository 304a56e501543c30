"""Seal the audit log now, as the periodic job does every minute."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chorus.core.audit_seals import audit_log_seal


class Command(BaseCommand):
    help = "Seal the audit entries not sealed yet and publish the new head to the seal log."

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = audit_log_seal()
        self.stdout.write(f"Sealed {sealed} {'entry' if sealed == 1 else 'entries'}.")

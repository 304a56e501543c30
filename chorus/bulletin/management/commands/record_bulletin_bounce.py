"""Record a bounce reported by the mail server (hard or soft); repeated bounces suspend."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.bulletin.models import BounceKind
from chorus.bulletin.services.bounces import bounce_record


class Command(BaseCommand):
    help = "Record a bulletin bounce for an address: --kind hard|soft [--issue ID] [--diagnostic TEXT]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--kind", choices=BounceKind.values, required=True)
        parser.add_argument("--issue", type=int)
        parser.add_argument("--diagnostic", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        bounce = bounce_record(
            email=options["email"], kind=options["kind"], diagnostic=options["diagnostic"], issue_id=options["issue"]
        )
        if bounce is None:
            raise CommandError("No bulletin subscription for that address.")
        status = bounce.subscription.status
        self.stdout.write(f"Recorded {bounce.kind} bounce #{bounce.pk}; subscription is now {status}.")

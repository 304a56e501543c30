"""Load the demo content. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from chorus.core.sections import DEMO_CONTENT


class Command(BaseCommand):
    help = "Create the demo site: pages, articles, campaigns, requests, bulletin and tracker items."

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app registers its demo's load() in its ready(), in the order they must run
        # (chorus.core.sections), so this command names no app.
        for contribution in DEMO_CONTENT.contributions():
            with transaction.atomic():
                summary = contribution.source()
            self.stdout.write(f"{contribution.name}: {summary or 'ok'}")

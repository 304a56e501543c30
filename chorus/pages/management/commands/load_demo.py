"""Load the demo content. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's demo module has a `load()` that creates its content if missing.
DEMO_MODULES = [
    "chorus.pages.demo",
    "chorus.news.demo",
    "chorus.tracker.demo",
    "chorus.campaigns.demo",
    "chorus.support.demo",
    "chorus.bulletin.demo",
]


class Command(BaseCommand):
    help = "Create the demo site: pages, articles, campaigns, requests, bulletin and tracker items."

    def handle(self, *args: Any, **options: Any) -> None:
        for dotted in DEMO_MODULES:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as error:
                if error.name != dotted:
                    raise
                continue
            with transaction.atomic():
                summary = module.load()
            self.stdout.write(f"{dotted}: {summary or 'ok'}")

"""Create the demo administrator (if missing) and print how to sign in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chorus.accounts.models import User

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "chorus-demo-admin"  # noqa: S105 - the embedded demo only; production has no demo users


class Command(BaseCommand):
    help = "Create the demo staff login for `make run` and print it."

    def handle(self, *args: Any, **options: Any) -> None:
        if not User.objects.filter(username=DEMO_USERNAME).exists():
            User.objects.create_superuser(DEMO_USERNAME, "admin@chorus.localhost", DEMO_PASSWORD)
        self.stdout.write(f"Staff login for the demo: username '{DEMO_USERNAME}', password '{DEMO_PASSWORD}'")

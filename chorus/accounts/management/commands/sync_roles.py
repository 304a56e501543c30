"""Create or update the staff role groups from the definitions in code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chorus.accounts.services import roles_sync


class Command(BaseCommand):
    help = "Sync staff roles (groups and permissions) from chorus.accounts.roles."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in roles_sync().items():
            self.stdout.write(f"{name}: {count} permissions")

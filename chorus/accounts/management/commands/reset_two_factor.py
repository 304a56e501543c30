"""Remove a staff member's second factor so they set up a new one at next sign-in (lost phone).

Staff with the Administrator role can do the same from the user's page in the admin;
this command is for when nobody who may do that can sign in (a superuser's lost phone).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.accounts.models import User
from chorus.accounts.services import two_factor_reset


class Command(BaseCommand):
    help = "Reset two-factor sign-in for one staff user (they are told by email)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No staff user called {username!r}.")
        removed = two_factor_reset(user=user, actor=None, screen="manage.py reset_two_factor")
        self.stdout.write(f"Removed {removed} device(s); {username} will set up a new one at next sign-in.")

"""Remove a staff member's authenticator so they set up a new one at next sign-in (lost phone)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts.models import User
from chorus.core.audit import log_action


class Command(BaseCommand):
    help = "Reset two-factor sign-in for one staff user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No staff user called {username!r}.")
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        log_action(
            "accounts.two_factor.reset", obj=user, data={"devices": removed}, screen="manage.py reset_two_factor"
        )
        self.stdout.write(f"Removed {removed} device(s); {username} will set up a new one at next sign-in.")

"""Create the demo administrator (if missing) and print how to sign in, second factor included."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts.models import User

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "chorus-demo-admin"  # noqa: S105 - the embedded demo only; production has no demo users
BACKUP_CODES_PER_RUN = 5


class Command(BaseCommand):
    help = "Create the demo staff login for `make run` and print it with fresh one-time codes."

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            user = User.objects.create_superuser(DEMO_USERNAME, "admin@chorus.localhost", DEMO_PASSWORD)
        # Every member of staff must use a second factor, the demo administrator too.
        # An enrolled authenticator (its key printed for anyone who wants to add it to an
        # app) and a few one-time backup codes, renewed on every start, so the demo works
        # without a phone.
        totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if totp is None:
            totp = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        backup, _ = StaticDevice.objects.get_or_create(user=user, name="Demo backup codes")
        backup.token_set.all().delete()
        codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODES_PER_RUN)]
        StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
        self.stdout.write(f"Staff login for the demo: username '{DEMO_USERNAME}', password '{DEMO_PASSWORD}'")
        self.stdout.write(f"  Second step, backup codes for this run (each works once): {', '.join(codes)}")
        self.stdout.write(f"  (or add this key to an authenticator app: {totp.config_url})")
        # Passkeys belong to SITE_URL's host name (at 127.0.0.1, browsers refuse them: localhost then).
        passkey_admin = f"{settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0]}/admin/"
        self.stdout.write(f"  Passkeys: sign in at {passkey_admin}, then Account > Two-factor sign-in.")

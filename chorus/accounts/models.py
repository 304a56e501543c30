"""Staff accounts. Supporters and members are not users: see people.Person."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser

# The outbox kind of a password-reset email (chorus.accounts.emails builds it as it goes).
PASSWORD_RESET_EMAIL = "accounts.password_reset"  # noqa: S105 - an outbox kind, not a password


class User(AbstractUser):
    """A member of staff or a volunteer who signs in to the admin."""

    class Meta:
        verbose_name = "staff user"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

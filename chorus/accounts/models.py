"""Staff accounts. Supporters and members are not users: see people.Person."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A member of staff or a volunteer who signs in to the admin."""

    class Meta:
        verbose_name = "staff user"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

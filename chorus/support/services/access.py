"""Who may act on the desk, and the error a refused change raises."""

from __future__ import annotations

from typing import Any

from chorus.accounts.roles import ADMINISTRATOR, CASEWORKER, Role, user_has_role


class SupportError(Exception):
    """A change the workflow or the rules do not allow; the message is safe to show."""


def staff_roles(user: Any) -> frozenset[Role]:
    """The desk's roles (``workflow.STAFF``) this user holds; empty for anyone else."""
    return frozenset(role for role in (CASEWORKER, ADMINISTRATOR) if user_has_role(user, role))

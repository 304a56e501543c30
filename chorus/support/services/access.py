"""Who may act on the desk, and the error a refused change raises."""

from __future__ import annotations

from typing import Any

from chorus.accounts.roles import ADMINISTRATOR, CASEWORKER, user_has_role
from chorus.support import workflow


class SupportError(Exception):
    """A change the workflow or the rules do not allow; the message is safe to show."""


def staff_roles(user: Any) -> frozenset[str]:
    roles = set()
    if user_has_role(user, CASEWORKER):
        roles.add(workflow.CASEWORKER)
    if user_has_role(user, ADMINISTRATOR):
        roles.add(workflow.ADMINISTRATOR)
    return frozenset(roles)

"""Administrators manage staff accounts and read the audit log.

Superuser status ("every permission") is never theirs to give: only a superuser grants
or removes it (``forms.py``), and only a superuser edits a superuser's account or resets
their second factor, so no one can raise their own access through another account.
"""

from __future__ import annotations

from typing import Any

ROLE_PERMISSIONS = {
    "Administrator": [
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "accounts.view_user",
        "auth.view_group",
        "core.view_auditevent",
        "core.view_outboxmessage",
    ],
}


def may_manage_account(actor: Any, target: Any) -> bool:
    """Whether the actor may edit the target's staff account (superusers' only by superusers)."""
    if not actor.has_perm("accounts.change_user"):
        return False
    return bool(actor.is_superuser or not target.is_superuser)


def two_factor_reset_refusal(actor: Any, target: Any) -> str:
    """Why the actor may not reset the target's second factor, in words for the screen; "" if they may."""
    if not actor.has_perm("accounts.change_user"):
        return "Your role cannot reset two-factor sign-in."
    if actor.pk == target.pk:
        # Whoever holds your password could otherwise strip your second factor.
        return "You cannot reset your own two-factor sign-in. Ask another administrator."
    if not may_manage_account(actor, target):
        return "Only a superuser can reset a superuser's two-factor sign-in."
    return ""


def can_reset_two_factor(actor: Any, target: Any) -> bool:
    return not two_factor_reset_refusal(actor, target)

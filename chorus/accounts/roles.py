"""Staff roles, defined in code and synced to groups by ``manage.py sync_roles``.

Each app lists the permissions its screens need in ``<app>.permissions.ROLE_PERMISSIONS``
(role name -> permission strings); this module gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class Role:
    """A staff role. Every role signs in with a second factor (chorus.accounts.middleware)."""

    name: str
    description: str

    def held_by(self, user: object) -> bool:
        """Whether the user holds this role (the workflow engine asks this; see user_has_role)."""
        return user_has_role(user, self)


EDITOR = Role("Editor", "Publishes news, briefings, responses, resources and pages.")
CAMPAIGNER = Role("Campaigner", "Runs open letters and petitions; moderates; exports for delivery.")
CASEWORKER = Role("Caseworker", "Triages members' alerts and requests for support.")
# Grants (PRODUCT.md 3.6) are built in slices: funds and rounds first; applications come next.
GRANTS_OFFICER = Role(
    "Grants officer",
    "Runs funding rounds: edits fund pages, adds, edits and publishes their rounds, "
    "reads the applications groups send, scores and decides them, and names the panel of each round.",
)
PANEL_MEMBER = Role(
    "Panel member",
    "Reads and scores the funding applications of the rounds they are named on, and nothing else.",
)
ADMINISTRATOR = Role("Administrator", "Manages staff, roles, retention settings and the audit log.")

ROLES = [EDITOR, CAMPAIGNER, CASEWORKER, GRANTS_OFFICER, PANEL_MEMBER, ADMINISTRATOR]
ROLES_BY_NAME = {role.name: role for role in ROLES}

# Every role can reach the Wagtail admin.
BASE_PERMISSIONS = ["wagtailadmin.access_admin"]


def permissions_for(role: Role) -> set[str]:
    """All "app_label.codename" permissions the apps grant to a role."""
    granted = set(BASE_PERMISSIONS)
    for config in apps.get_app_configs():
        if not config.name.startswith("chorus."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.permissions":
                raise
            continue
        granted.update(getattr(module, "ROLE_PERMISSIONS", {}).get(role.name, []))
    return granted


def page_permissions_for(role: Role) -> dict[str, list[str]]:
    """Page-tree permissions per page type ("app_label.ModelName" -> codenames) the apps
    grant a role in ``ROLE_PAGE_PERMISSIONS``; they apply on every page of that type."""
    granted: dict[str, list[str]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("chorus."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.permissions":
                raise
            continue
        for model_label, codenames in getattr(module, "ROLE_PAGE_PERMISSIONS", {}).get(role.name, {}).items():
            granted.setdefault(model_label, []).extend(codenames)
    return granted


def user_has_role(user: object, role: Role) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(user.groups.filter(name=role.name).exists())  # type: ignore[attr-defined]

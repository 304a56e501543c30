"""Administrators manage staff accounts and read the audit log."""

ROLE_PERMISSIONS = {
    "Administrator": [
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "accounts.view_user",
        "auth.view_group",
        "core.view_auditevent",
    ],
}

"""Who may load postcode, constituency and MP data: Administrators (chorus.accounts.roles)."""

from __future__ import annotations

# The staff screen that uploads data sets and shows how each import went.
MANAGE_DATA = "representatives.manage_representatives_data"

ROLE_PERMISSIONS = {"Administrator": [MANAGE_DATA]}

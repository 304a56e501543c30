"""Only Administrators manage integration API tokens: a token reads people's contact details."""

ROLE_PERMISSIONS = {
    "Administrator": ["api.view_apitoken", "api.add_apitoken", "api.change_apitoken"],
}

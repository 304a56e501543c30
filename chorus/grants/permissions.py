"""Grants officers run the funding pages: they edit funds and add, edit and publish their rounds.

Page permissions are held on each fund page (``ROLE_PAGE_PERMISSIONS``) and so reach
the rounds beneath it. A new fund is added by an Editor (who holds every page
permission); ``manage.py sync_roles`` covers the funds that exist, and a fund created in
the editor gets them at once (chorus.grants.services.funds, from wagtail_hooks).
"""

from __future__ import annotations

# Reading the applications groups send (chorus.grants.admin_views); every reading is audited.
ROLE_PERMISSIONS = {
    "Grants officer": ["grants.view_application"],
    "Administrator": ["grants.view_application"],
}

ROLE_PAGE_PERMISSIONS = {
    "Grants officer": {"grants.FundPage": ["add_page", "change_page", "publish_page"]},
}

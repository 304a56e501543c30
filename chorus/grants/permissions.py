"""Grants officers run the funding pages: they edit funds and add, edit and publish their rounds.

Page permissions are held on each fund page (``ROLE_PAGE_PERMISSIONS``) and so reach
the rounds beneath it. A new fund is added by an Editor (who holds every page
permission); ``manage.py sync_roles`` covers the funds that exist, and a fund created in
the editor gets them at once (chorus.grants.services.funds, from wagtail_hooks).
"""

from __future__ import annotations

# Reading the applications groups send (chorus.grants.admin_views); every reading is audited.
# ``view_application`` reads every round; ``review_application`` alone (a panel member) reads
# and scores only the rounds the member is named on (``PanelMembership``); ``decide_application``
# moves applications on, decides them and names each round's panel.
ROLE_PERMISSIONS = {
    "Grants officer": [
        "grants.view_application",
        "grants.review_application",
        "grants.decide_application",
    ],
    "Panel member": ["grants.review_application"],
    "Administrator": ["grants.view_application", "grants.decide_application"],
}

ROLE_PAGE_PERMISSIONS = {
    "Grants officer": {"grants.FundPage": ["add_page", "change_page", "publish_page"]},
}

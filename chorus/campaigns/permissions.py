"""What Campaigners and Administrators may do with signatures, block lists and invalidations.

``view_signature`` opens the campaign dashboards (and signers' details);
``change_signature`` moderates, invalidates and moves actions through their workflow.
Campaigners also write and publish the letters and petitions themselves, so they hold
page permissions on every campaigns index page (``ROLE_PAGE_PERMISSIONS``).
"""

_CAMPAIGN_STAFF = [
    "campaigns.view_signature",
    "campaigns.change_signature",
    "campaigns.view_invalidation",
    "campaigns.add_blockedemaildomain",
    "campaigns.change_blockedemaildomain",
    "campaigns.delete_blockedemaildomain",
    "campaigns.view_blockedemaildomain",
    "campaigns.add_blockediphash",
    "campaigns.change_blockediphash",
    "campaigns.delete_blockediphash",
    "campaigns.view_blockediphash",
]

# Reading a letter to an MP: its writer's name, postal address and own words, and any reply
# they pasted. Campaigners only: they run letter actions and answer offices and writers about
# them. Administrators manage staff and the audit log (where each reading is recorded) and need
# no one's letter for that; counts and similarity scores need only view_signature.
READ_LETTERS = ["campaigns.view_constituentletter"]

ROLE_PERMISSIONS = {
    "Campaigner": [*_CAMPAIGN_STAFF, *READ_LETTERS],
    "Administrator": _CAMPAIGN_STAFF,
}

ROLE_PAGE_PERMISSIONS = {
    "Campaigner": {"campaigns.CampaignIndexPage": ["add_page", "change_page", "publish_page"]},
}

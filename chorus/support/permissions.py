"""Caseworkers and administrators triage members' support requests; caseworkers keep the
desk's canned replies (snippets)."""

# The support desk's screens, and the tracker-item chooser opened from them.
TRIAGE_PERMISSION = "support.triage_supportrequest"

CANNED_REPLY_PERMISSIONS = [
    "support.add_cannedreply",
    "support.change_cannedreply",
    "support.delete_cannedreply",
    "support.view_cannedreply",
]

ROLE_PERMISSIONS = {
    "Caseworker": [TRIAGE_PERMISSION, *CANNED_REPLY_PERMISSIONS],
    "Administrator": [TRIAGE_PERMISSION, *CANNED_REPLY_PERMISSIONS],
}

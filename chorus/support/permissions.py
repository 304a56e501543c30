"""Caseworkers and administrators triage members' support requests; caseworkers keep the
desk's canned replies (snippets)."""

CANNED_REPLY_PERMISSIONS = [
    "support.add_cannedreply",
    "support.change_cannedreply",
    "support.delete_cannedreply",
    "support.view_cannedreply",
]

ROLE_PERMISSIONS = {
    "Caseworker": ["support.triage_supportrequest", *CANNED_REPLY_PERMISSIONS],
    "Administrator": ["support.triage_supportrequest", *CANNED_REPLY_PERMISSIONS],
}

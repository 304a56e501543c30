"""Caseworkers and administrators triage members' support requests."""

ROLE_PERMISSIONS = {
    "Caseworker": ["support.triage_supportrequest"],
    "Administrator": ["support.triage_supportrequest"],
}

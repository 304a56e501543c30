"""Administrators handle subject-access and erasure requests that arrive by letter or phone."""

ROLE_PERMISSIONS = {
    "Administrator": ["people.view_person"],
}

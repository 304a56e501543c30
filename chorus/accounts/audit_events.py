"""Staff accounts' audit events and records, in words (chorus.core.audit_events)."""

from __future__ import annotations

from django.urls import reverse

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "accounts.roles.synced": EventKind("Roles brought up to date", "brought every role's permissions up to date"),
    "accounts.two_factor.enrolled": EventKind(
        "Second sign-in step set up", "set up a second sign-in step for {object}"
    ),
    "accounts.two_factor.verified": EventKind(
        "Second sign-in step passed", "passed the second sign-in step as {object}"
    ),
    "accounts.two_factor.failed": EventKind(
        "Second sign-in step failed", "failed the second sign-in step as {object}"
    ),
    "accounts.two_factor.reset": EventKind("Second sign-in step reset", "reset the second sign-in step of {object}"),
    "accounts.audit_log.exported": EventKind("Audit log exported", "exported {rows} audit log entries"),
}

OBJECTS = {
    "accounts.user": ObjectKind(
        name=lambda user: f"the staff account {user.get_username()}",
        url=lambda user: reverse("wagtailusers_users:edit", args=[user.pk]),
        noun="staff account",
    ),
}

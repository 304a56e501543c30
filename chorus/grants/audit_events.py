"""The funding programmes' audit events and records, in words (chorus.core.audit_events)."""

from __future__ import annotations

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "grants.fund.permissions_granted": EventKind(
        "Fund opened to its roles", "let the Grants officer role run {object} ({count} page permissions)"
    ),
}

OBJECTS = {
    "grants.fundpage": ObjectKind(name=lambda fund: f"the fund {fund.title}", noun="fund"),
}

"""The representatives data's audit events and records, in words (chorus.core.audit_events)."""

from __future__ import annotations

from django.urls import reverse

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "representatives.dataset.uploaded": EventKind("Data file uploaded", "uploaded {object} to be imported"),
    "representatives.dataset.imported": EventKind(
        "Data imported", "imported {object}: {kept} rows kept of {read} read, {skipped} skipped"
    ),
    "representatives.dataset.failed": EventKind("Data import failed", "tried to import {object}; nothing changed"),
}

OBJECTS = {
    "representatives.dataset": ObjectKind(
        name=lambda data_set: f"the data set “{data_set}”",
        url=lambda data_set: reverse("representatives_admin:data"),
        noun="data set",
    ),
}

"""The policy tracker's audit events and records, in words (chorus.core.audit_events)."""

from __future__ import annotations

from django.urls import reverse

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "tracker.item.created": EventKind("Tracked item added", "added {object}"),
    "tracker.item.draft_saved": EventKind("Tracked item draft saved", "saved a draft of {object}"),
    "tracker.item.deleted": EventKind("Tracked item deleted", "deleted {object}"),
    "tracker.item.field_released": EventKind(
        "Tracked item handed back to the importer", "let the importer update {field} of {object} again"
    ),
    "tracker.item.edited": EventKind("Tracked item changed", "changed {object}"),
    "tracker.import.completed": EventKind("Tracker import run", "ran the tracker import"),
    "tracker.import.failed": EventKind("Tracker import failed", "could not finish the tracker import"),
    "tracker.response.created": EventKind("Response planned", "planned our response to {object}"),
    "tracker.response.edited": EventKind("Response changed", "changed our response to {object}"),
    "tracker.response.deleted": EventKind("Response deleted", "deleted our response to {object}"),
    "tracker.response.transitioned": EventKind(
        "Response status changed", "changed the status of our response to {object}"
    ),
    "tracker.response.reminder_sent": EventKind(
        "Response reminder sent", "reminded the owner of our response to {object}"
    ),
    "tracker.due.viewed": EventKind("What's due viewed", "viewed what's due in the tracker ({rows} responses)"),
}

OBJECTS = {
    "tracker.trackeditem": ObjectKind(
        name=lambda item: f"the tracked item {item.title}",
        url=lambda item: reverse("tracker_item:edit", args=[item.pk]),
        noun="tracked item",
    ),
    "tracker.response": ObjectKind(
        name=lambda response: f"the tracked item {response.item.title}",
        url=lambda response: reverse("tracker_response:edit", args=[response.pk]),
        noun="response",
    ),
    "tracker.importrun": ObjectKind(
        name=lambda run: f"import run no. {run.pk}",
        url=lambda run: reverse("tracker_import_run:inspect", args=[run.pk]),
        noun="import run",
    ),
}

"""Editors and campaigners run the tracker; administrators can see it but change nothing.

Who may change responses here must match ``workflow.STAFF_ROLES`` (owners and moves).
"""

from __future__ import annotations

from typing import Any

_MODELS = ["trackeditem", "stage", "submissionwindow", "sourcelink", "response"]
_MANAGE = [f"tracker.{action}_{model}" for model in _MODELS for action in ("add", "change", "delete", "view")]

# Items are drafts until published (Wagtail's DraftStateMixin adds the "publish" permission).
_PUBLISH = "tracker.publish_trackeditem"

ROLE_PERMISSIONS = {
    "Editor": [*_MANAGE, _PUBLISH, "tracker.view_importrun"],
    "Campaigner": [*_MANAGE, _PUBLISH, "tracker.view_importrun"],
    "Administrator": [*(f"tracker.view_{model}" for model in _MODELS), "tracker.view_importrun"],
}


# Seeing our responses, "Tracker: what's due" included.
VIEW_RESPONSES_PERMISSION = "tracker.view_response"


def can_see_responses(user: Any) -> bool:
    """Whether the user may see our responses, "Tracker: what's due" included."""
    return bool(user.has_perm(VIEW_RESPONSES_PERMISSION))


def can_change_responses(user: Any) -> bool:
    """Whether the user may edit our responses (and so gets links to edit them)."""
    return bool(user.has_perm("tracker.change_response"))

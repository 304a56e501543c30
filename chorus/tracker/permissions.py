"""Editors and campaigners run the tracker; administrators can see it."""

_MODELS = ["trackeditem", "stage", "submissionwindow", "sourcelink", "response"]
_MANAGE = [f"tracker.{action}_{model}" for model in _MODELS for action in ("add", "change", "delete", "view")]

ROLE_PERMISSIONS = {
    "Editor": [*_MANAGE, "tracker.view_importrun"],
    "Campaigner": [*_MANAGE, "tracker.view_importrun"],
    "Administrator": [*(f"tracker.view_{model}" for model in _MODELS), "tracker.view_importrun"],
}

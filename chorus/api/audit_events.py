"""The integration API's audit events, in words (chorus.core.audit_events). Ids and counts only."""

from __future__ import annotations

from django.urls import reverse

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "api.token.created": EventKind("API token made", "made {object}"),
    "api.token.revoked": EventKind("API token revoked", "revoked {object}"),
    "api.token.used": EventKind("API token used", "used {object} on {endpoint} ({records} records)"),
    "api.token.refused": EventKind("API token refused", "tried {object} without the {scope} scope"),
    "api.taggings.pruned": EventKind(
        "Tags removed from people no longer shared", "removed {count} tags from people no longer shared"
    ),
    "api.webhook.added": EventKind("Webhook address added", "added webhook {webhook_id} to {object}"),
    "api.webhook.removed": EventKind("Webhook address removed", "removed webhook {webhook_id} from {object}"),
    "api.tag.created": EventKind("Tag made through the API", "made {object} through the integration API"),
}

OBJECTS = {
    "api.apitoken": ObjectKind(
        name=lambda token: f"API token '{token.name}'", url=lambda token: reverse("api_tokens"), noun="API token"
    ),
    "api.tag": ObjectKind(name=lambda tag: f"tag '{tag.name}'", noun="tag"),
}

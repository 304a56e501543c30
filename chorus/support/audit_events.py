"""The support desk's audit events and records, in words (chorus.core.audit_events)."""

from __future__ import annotations

from django.urls import reverse

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "support.request.submitted": EventKind("Support request sent by a member", "received {object} from a member"),
    "support.request.email_confirmed": EventKind(
        "Support request's email address confirmed", "recorded that the member confirmed the address for {object}"
    ),
    "support.request.email_disowned": EventKind(
        "Support request's email address disowned", "recorded that the address owner disowned {object}"
    ),
    "support.request.viewed": EventKind("Support request viewed", "viewed {object}"),
    "support.queue.viewed": EventKind(
        "Support queue viewed (with summaries)", "viewed the support queue, with the summaries of {count} requests"
    ),
    "support.request.assigned": EventKind("Support request assigned", "assigned {object}"),
    "support.request.categorised": EventKind(
        "Support request's area or tags changed", "changed the area or tags of {object}"
    ),
    "support.request.linked": EventKind("Support request linked", "linked {object} to a page or tracker item"),
    "support.request.corrected": EventKind(
        "Support request's type or priority area corrected", "corrected the type or priority area of {object}"
    ),
    "support.request.transitioned": EventKind("Support request's status changed", "changed the status of {object}"),
    "support.request.anonymised": EventKind(
        "Support request anonymised", "anonymised {object} after its keeping time"
    ),
    "support.request.erased": EventKind("Support request erased", "erased {object}"),
    "support.request.unconfirmed_emails_forgotten": EventKind(
        "Unconfirmed addresses forgotten", "forgot the unconfirmed email addresses of {count} requests"
    ),
    "support.message.received": EventKind("Message from a member", "received a message from the member on {object}"),
    "support.message.sent": EventKind("Message sent to a member", "wrote to the member on {object}"),
    "support.note.added": EventKind("Internal note added", "added an internal note to {object}"),
    "support.links.requested": EventKind(
        "Lost links asked for again", "received a request to send lost request links again"
    ),
}

OBJECTS = {
    "support.supportrequest": ObjectKind(
        name=lambda r: f"request {r.reference}",
        url=lambda r: reverse("support_admin:detail", args=[r.pk]),
        noun="request",
    ),
}

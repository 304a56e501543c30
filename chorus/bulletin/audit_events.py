"""The bulletin's audit events and records, in words (chorus.core.audit_events)."""

from __future__ import annotations

from django.urls import reverse

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "bulletin.issue.assembled": EventKind("Weekly draft made", "made the weekly draft {object} from {items} items"),
    "bulletin.issue.published": EventKind(
        "Bulletin published from the sending screen", "published the latest version of {object}"
    ),
    "bulletin.issue.test_sent": EventKind("Bulletin test sent", "sent a test of {object} to themselves"),
    "bulletin.issue.scheduled": EventKind("Bulletin scheduled", "scheduled {object}"),
    "bulletin.issue.schedule_cancelled": EventKind(
        "Bulletin schedule cancelled", "cancelled the schedule of {object}"
    ),
    "bulletin.issue.schedule_failed": EventKind(
        "Scheduled bulletin not sent", "could not send {object} when scheduled"
    ),
    "bulletin.issue.schedule_failure_emailed": EventKind(
        "Staff told a scheduled bulletin was not sent", "told staff that {object} was not sent when scheduled"
    ),
    "bulletin.issue.sending": EventKind("Bulletin sending started", "started sending {object}"),
    "bulletin.issue.paused": EventKind("Bulletin sending paused", "paused sending {object}"),
    "bulletin.issue.resumed": EventKind("Bulletin sending resumed", "resumed sending {object}"),
    "bulletin.issue.sent": EventKind("Bulletin sent", "finished sending {object}"),
    "bulletin.issue.resending": EventKind(
        "Bulletin sending again", "started sending {object} again to deliveries in doubt"
    ),
    "bulletin.delivery.viewed_in_doubt": EventKind(
        "Deliveries in doubt viewed", "viewed {count} deliveries in doubt of {object}"
    ),
    "bulletin.delivery.reconciled": EventKind(
        "Deliveries in doubt resolved", "resolved {count} deliveries in doubt of {object}"
    ),
    "bulletin.delivery.recovered": EventKind(
        "Deliveries taken back after a stopped sender", "took back deliveries of {object} from a sender that stopped"
    ),
    "bulletin.subscription.requested": EventKind(
        "Bulletin sign-up asked for", "received a bulletin sign-up ({object})"
    ),
    "bulletin.subscription.confirmed": EventKind(
        "Bulletin sign-up confirmed", "recorded the confirmation of {object}"
    ),
    "bulletin.subscription.updated": EventKind("Bulletin choices changed", "recorded new topic choices for {object}"),
    "bulletin.subscription.unsubscribed": EventKind("Unsubscribed from the bulletin", "recorded that {object} ended"),
    "bulletin.subscription.reactivated": EventKind("Bulletin subscription restarted", "restarted {object}"),
    "bulletin.subscription.suspended": EventKind(
        "Bulletin subscription paused by bounces", "paused {object} after bounces"
    ),
    "bulletin.subscription.unconfirmed_removed": EventKind(
        "Unconfirmed sign-ups removed", "removed sign-ups never confirmed, after their keeping time"
    ),
    "bulletin.subscription.ended_removed": EventKind(
        "Ended subscriptions removed", "removed ended subscriptions, after their keeping time"
    ),
    "bulletin.bounce.recorded": EventKind("Bounce recorded", "recorded a bounced bulletin email"),
}

OBJECTS = {
    "bulletin.bulletinissue": ObjectKind(
        name=lambda issue: f"the bulletin {issue.title}",
        url=lambda issue: reverse("bulletin_admin:detail", args=[issue.pk]),
        noun="bulletin",
    ),
    # Never the address: a subscription is named by its number only.
    "bulletin.subscription": ObjectKind(name=lambda s: f"subscription no. {s.pk}", noun="subscription"),
    "bulletin.bounce": ObjectKind(name=lambda b: f"bounce no. {b.pk}", noun="bounce"),
}

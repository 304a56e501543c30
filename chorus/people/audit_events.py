"""The people records' audit events, in words (chorus.core.audit_events). People are never named here."""

from __future__ import annotations

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "people.person.created": EventKind("Person's record made", "made {object}"),
    "people.person.erased": EventKind("Person erased", "erased {object}"),
    "people.consent.given": EventKind("Consent given", "recorded a consent ({purpose})"),
    "people.consent.withdrawn": EventKind("Consent withdrawn", "recorded a consent withdrawn ({purpose})"),
    "people.privacy.viewed": EventKind("Own data viewed", "recorded that a person looked at their own data"),
    "people.privacy.downloaded": EventKind("Own data downloaded", "recorded that a person downloaded their own data"),
    "people.privacy_link.requested": EventKind("Privacy link asked for", "sent a link for a person to see their data"),
    "people.privacy_link.confirmed": EventKind(
        "Privacy link used", "recorded that a person opened their privacy link"
    ),
    "people.retention.applied": EventKind(
        "Keeping times applied to people", "applied the keeping times to people's records"
    ),
}

OBJECTS = {
    # A number only: the audit log must not become a list of who is in contact with the network.
    "people.person": ObjectKind(name=lambda person: f"person no. {person.pk}", noun="person"),
    "people.consentrecord": ObjectKind(name=lambda record: f"consent record no. {record.pk}", noun="consent record"),
}

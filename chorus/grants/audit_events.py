"""The funding programmes' audit events and records, in words (chorus.core.audit_events)."""

from __future__ import annotations

from django.urls import reverse

from chorus.core.audit_events import EventKind, ObjectKind

EVENTS = {
    "grants.fund.permissions_granted": EventKind(
        "Fund opened to its roles", "let the Grants officer role run {object} ({count} page permissions)"
    ),
    "grants.application.viewed": EventKind("Application read", "viewed {object}"),
    "grants.application.link_sent": EventKind("Application link sent", "emailed a link to {object}"),
    "grants.application.received": EventKind("Application sent", "received {object}, sent by its group"),
    "grants.application.withdrawn": EventKind("Application withdrawn", "withdrew {object}, as its group asked"),
    "grants.application.eligibility_check": EventKind("Eligibility check started", "started checking {object}"),
    "grants.application.under_review": EventKind("Application sent for review", "sent {object} for review"),
    "grants.application.panel": EventKind("Application shortlisted", "shortlisted {object}"),
    "grants.application.awarded": EventKind("Grant awarded", "awarded a grant to {object}"),
    "grants.application.not_awarded": EventKind("Grant not awarded", "decided not to fund {object}"),
    "grants.file.viewed": EventKind("Application file opened", "opened a recording or file of {object}"),
    "grants.report.received": EventKind(
        "Grant report received", "received the short report on {object} from its group"
    ),
    "grants.application.drafts_deleted": EventKind(
        "Unsent drafts deleted", "deleted {count} application drafts never sent, after their rounds closed"
    ),
    "grants.application.personal_data_erased": EventKind(
        "Applications' personal data erased",
        "erased the contact details, answers and files of {count} decided applications "
        "({not_funded} not funded or withdrawn, {awarded} grants; {files} files)",
    ),
    "grants.application.answers_typed": EventKind(
        "Call answers typed in", "typed in {count} answers from the call for {object}"
    ),
    "grants.round.exported": EventKind(
        "Round's applications exported", "downloaded {rows} applications of {object} as a spreadsheet"
    ),
    "grants.review.submitted": EventKind("Review sent", "sent a review of {object}"),
    "grants.conflict.declared": EventKind(
        "Conflict of interest declared", "declared a conflict of interest with {object}"
    ),
    "grants.panel.member_added": EventKind(
        "Panel member named", "named staff account number {member} on the panel of {object}"
    ),
    "grants.panel.member_removed": EventKind(
        "Panel member taken off", "took staff account number {member} off the panel of {object}"
    ),
    "grants.round.decision_reminder_sent": EventKind(
        "Decision date reminder sent",
        "reminded {officers} Grants officers that {count} applications to {object} await a decision",
    ),
}

OBJECTS = {
    "grants.fundpage": ObjectKind(name=lambda fund: f"the fund {fund.title}", noun="fund"),
    "grants.application": ObjectKind(
        name=lambda application: f"the application {application}",
        url=lambda application: reverse("grants_admin:application", kwargs={"pk": application.pk}),
        noun="application",
    ),
    "grants.roundpage": ObjectKind(name=lambda round_page: f"the round {round_page.title}", noun="round"),
}

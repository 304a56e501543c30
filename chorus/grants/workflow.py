"""The application workflow, declared as data with the one engine (``chorus.core.workflow``).

This slice (applying online) uses only two moves: the applicant submits a draft (it is
"received") and may withdraw it while it is being considered. The staff moves (eligibility
check, review, panel, decision) are declared now so the labels applicants see are settled;
the staff screens that make them come in the next slice.
"""

from __future__ import annotations

from django.db import models

from chorus.core.workflow import MEMBER, Permission, Workflow, step

# Staff moves need the permission the roles hold (chorus.grants.permissions), so the staff
# screens' guard and the engine ask the same question.
STAFF = frozenset({Permission("grants.decide_application")})


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RECEIVED = "received", "Received"
    ELIGIBILITY_CHECK = "eligibility_check", "Eligibility check"
    UNDER_REVIEW = "under_review", "Under review"
    PANEL = "panel", "At the panel"
    AWARDED = "awarded", "Awarded"
    NOT_AWARDED = "not_awarded", "Not awarded"
    WITHDRAWN = "withdrawn", "Withdrawn"


# What the applicant reads on their private page for each status.
APPLICANT_LABELS: dict[str, str] = {
    ApplicationStatus.DRAFT: "Not sent yet – you can carry on filling it in",
    ApplicationStatus.RECEIVED: "Received – we have not started reading it yet",
    ApplicationStatus.ELIGIBILITY_CHECK: "Being read – we are checking your group can apply",
    ApplicationStatus.UNDER_REVIEW: "Being read",
    ApplicationStatus.PANEL: "Shortlisted – our panel is deciding",
    ApplicationStatus.AWARDED: "Decided – you will get a grant",
    ApplicationStatus.NOT_AWARDED: "Decided – we could not fund it this time",
    ApplicationStatus.WITHDRAWN: "You withdrew this application",
}

# Being considered: the applicant may still withdraw.
CONSIDERED = frozenset(
    {
        ApplicationStatus.RECEIVED,
        ApplicationStatus.ELIGIBILITY_CHECK,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.PANEL,
    }
)

APPLICATION_WORKFLOW = Workflow(
    model="grants.Application",
    state_field="status",
    audit_action="grants.application.{target}",
    transitions=(
        step("submit", [ApplicationStatus.DRAFT], ApplicationStatus.RECEIVED, [MEMBER], "Submit", "You sent it"),
        step(
            "check_eligibility",
            [ApplicationStatus.RECEIVED],
            ApplicationStatus.ELIGIBILITY_CHECK,
            STAFF,
            "Check eligibility",
            "We started reading it",
        ),
        step(
            "review",
            [ApplicationStatus.ELIGIBILITY_CHECK],
            ApplicationStatus.UNDER_REVIEW,
            STAFF,
            "Send for review",
            "Reviewers are reading it",
        ),
        step(
            "shortlist", [ApplicationStatus.UNDER_REVIEW], ApplicationStatus.PANEL, STAFF, "Shortlist", "Shortlisted"
        ),
        step("award", [ApplicationStatus.PANEL], ApplicationStatus.AWARDED, STAFF, "Award", "We decided to fund it"),
        step(
            "decline",
            [ApplicationStatus.ELIGIBILITY_CHECK, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.PANEL],
            ApplicationStatus.NOT_AWARDED,
            STAFF,
            "Do not award",
            "We decided not to fund it",
            needs_reason=True,
        ),
        step("withdraw", CONSIDERED, ApplicationStatus.WITHDRAWN, [MEMBER], "Withdraw", "You withdrew it"),
    ),
)

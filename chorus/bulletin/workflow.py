"""The life of a bulletin issue, declared as data with the one engine (``chorus.core.workflow``).

draft → scheduled → sending ⇄ paused → sent, with a schedule cancelled or failed going
back to draft, and a sent issue sending again when staff resend deliveries in doubt.
``chorus.bulletin.services.lifecycle`` is the only code that changes an issue's status; it
passes ``ISSUE_WORKFLOW`` to ``chorus.core.workflow.transition``. Each move's name is the
last part of its audit action ("bulletin.issue.sending").

The system (a scheduled job, the sender, a script) may make every move: the sender pauses
an issue whose version has gone, and the scheduler starts and fails schedules.
"""

from __future__ import annotations

from chorus.bulletin.models import BulletinIssue, IssueStatus
from chorus.bulletin.permissions import RECONCILE_PERMISSION, SEND_PERMISSION
from chorus.core.workflow import SYSTEM, Permission, Transition, Who, Workflow, step

S = IssueStatus
SENDERS: list[Who] = [Permission(SEND_PERMISSION), SYSTEM]

ISSUE_WORKFLOW = Workflow(
    model=BulletinIssue,
    state_field="status",
    audit_action="bulletin.issue.{name}",
    transitions=(
        step(
            "scheduled",
            [S.DRAFT, S.SCHEDULED],
            S.SCHEDULED,
            SENDERS,
            "Schedule",
            "This issue will be sent soon",
            refusal="Only a draft can be scheduled.",
        ),
        step(
            "schedule_cancelled",
            [S.SCHEDULED],
            S.DRAFT,
            SENDERS,
            "Cancel the schedule",
            "This issue is not sent yet",
            refusal="Sending has already started, so there is no schedule to cancel.",
        ),
        step(
            "schedule_failed",
            [S.SCHEDULED],
            S.DRAFT,
            [SYSTEM],
            "Could not send at the set time",
            "This issue is not sent yet",
        ),
        step(
            "sending",
            [S.DRAFT, S.SCHEDULED],
            S.SENDING,
            SENDERS,
            "Send now",
            "This issue is being sent",
            refusal="This issue has already been sent or is sending.",
        ),
        step(
            "paused",
            [S.SENDING],
            S.PAUSED,
            SENDERS,
            "Pause sending",
            "Sending this issue is paused",
            refusal="Only a sending issue can be paused.",
        ),
        step(
            "resumed",
            [S.PAUSED],
            S.SENDING,
            SENDERS,
            "Resume sending",
            "This issue is being sent",
            refusal="Only a paused issue can be resumed.",
        ),
        step("sent", [S.SENDING], S.SENT, [SYSTEM], "Mark as sent", "This issue has been sent"),
        # Staff decided some deliveries in doubt were never sent: the issue sends those again.
        step(
            "resending",
            [S.SENT],
            S.SENDING,
            [Permission(RECONCILE_PERMISSION), SYSTEM],
            "Send again",
            "This issue is being sent",
        ),
    ),
)
TRANSITIONS: tuple[Transition, ...] = ISSUE_WORKFLOW.transitions

"""The support request workflow, declared as data with the one engine (``chorus.core.workflow``).

``support_request_transition`` (services/transitions.py) is the only code that changes a
status: it passes ``SUPPORT_WORKFLOW`` to ``chorus.core.workflow.transition``, which locks
the request, checks the move and the actor's role and writes the audit event.

Replies after closing: a member's reply within ``CHORUS_SUPPORT_REOPEN_DAYS`` days (30 by
default) of a request being resolved, referred, declined or closed automatically reopens it
to "in progress" (the ``member_reopen`` transition). Later replies are refused with a
message asking them to send a new request. A withdrawn request stays closed for the member.

Closing automatically: content is anonymised a set time after a request closes, so an
open request must not stay open for ever. The scheduled job
(``support_requests_close_inactive``) closes a request waiting for the member after
``CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS`` with no activity, and any other open request
after ``CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS`` with no activity. Only the ``SYSTEM`` party
may make those two transitions; no person can.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chorus.accounts.roles import ADMINISTRATOR, CASEWORKER
from chorus.core.workflow import MEMBER, SYSTEM, Transition, Workflow, step

# MEMBER is the member acting on their own request; SYSTEM the scheduled job acting for
# no one, whose changes are recorded without a staff user.
STAFF = frozenset({CASEWORKER, ADMINISTRATOR})


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_MEMBER = "waiting_on_member", "Waiting on member"
    RESOLVED = "resolved", "Resolved"
    REFERRED = "referred", "Referred"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED_UNANSWERED = "closed_unanswered", "Closed: no reply from the member"
    CLOSED_INACTIVE = "closed_inactive", "Closed: no activity"


# What the member sees on their private page for each status.
MEMBER_LABELS: dict[str, str] = {
    Status.NEW: "Received – we have not read it yet",
    Status.ACKNOWLEDGED: "We have read it and will be in touch",
    Status.IN_PROGRESS: "We are working on it",
    Status.WAITING_ON_MEMBER: "We are waiting for your reply",
    Status.RESOLVED: "Finished",
    Status.REFERRED: "Passed on to another organisation",
    Status.DECLINED: "We could not help with this",
    Status.WITHDRAWN: "You withdrew this request",
    Status.CLOSED_UNANSWERED: "Closed because we did not hear back from you",
    Status.CLOSED_INACTIVE: "Closed because nothing happened on it for a long time",
}

OPEN_STATUSES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING_ON_MEMBER})
CLOSED_STATUSES = frozenset(
    {
        Status.RESOLVED,
        Status.REFERRED,
        Status.DECLINED,
        Status.WITHDRAWN,
        Status.CLOSED_UNANSWERED,
        Status.CLOSED_INACTIVE,
    }
)
# Closed with an answer from us (or a notice saying why we closed it): the member gets an
# outcome message and may reply to reopen.
OUTCOME_STATUSES = frozenset(
    {Status.RESOLVED, Status.REFERRED, Status.DECLINED, Status.CLOSED_UNANSWERED, Status.CLOSED_INACTIVE}
)


_WORKING = frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING_ON_MEMBER})

# The staff labels are the buttons on the triage desk; the member labels the lines in the
# member's history. The model is named by label: models.py imports this module.
SUPPORT_WORKFLOW = Workflow(
    model="support.SupportRequest",
    state_field="status",
    audit_action="support.request.transitioned",
    transitions=(
        step("acknowledge", [Status.NEW], Status.ACKNOWLEDGED, STAFF, "Acknowledge", "We read your request"),
        step(
            "start",
            [Status.NEW, Status.ACKNOWLEDGED],
            Status.IN_PROGRESS,
            STAFF,
            "Start work",
            "We started working on it",
        ),
        step(
            "ask_member",
            [Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS],
            Status.WAITING_ON_MEMBER,
            STAFF,
            "Wait for the member (pauses the clock)",
            "We asked you something",
        ),
        step(
            "resume",
            [Status.WAITING_ON_MEMBER],
            Status.IN_PROGRESS,
            STAFF,
            "Resume without a reply",
            "We carried on working on it",
        ),
        step(
            "member_replied",
            [Status.WAITING_ON_MEMBER],
            Status.IN_PROGRESS,
            [MEMBER],
            "Member replied",
            "You replied",
        ),
        step("resolve", _WORKING, Status.RESOLVED, STAFF, "Resolve", "We finished"),
        step("refer", _WORKING, Status.REFERRED, STAFF, "Refer elsewhere", "We passed it on"),
        step("decline", OPEN_STATUSES, Status.DECLINED, STAFF, "Decline", "We could not help"),
        step("withdraw", OPEN_STATUSES, Status.WITHDRAWN, [MEMBER], "Withdraw", "You withdrew it"),
        step(
            "reopen",
            OUTCOME_STATUSES | {Status.WITHDRAWN},
            Status.IN_PROGRESS,
            STAFF,
            "Reopen",
            "We reopened it",
        ),
        # A member's reply within the reopen window (see the module docstring).
        step(
            "member_reopen",
            OUTCOME_STATUSES,
            Status.IN_PROGRESS,
            [MEMBER],
            "Member reopened by replying",
            "You replied, so we reopened it",
        ),
        # Made only by the scheduled job (see the module docstring).
        step(
            "close_unanswered",
            [Status.WAITING_ON_MEMBER],
            Status.CLOSED_UNANSWERED,
            [SYSTEM],
            "Closed automatically: no reply from the member",
            "We closed it because we did not hear back from you",
        ),
        step(
            "close_inactive",
            OPEN_STATUSES,
            Status.CLOSED_INACTIVE,
            [SYSTEM],
            "Closed automatically: no activity",
            "We closed it because nothing had happened on it for a long time",
        ),
    ),
)
TRANSITIONS: dict[str, Transition] = SUPPORT_WORKFLOW.by_name

# Plain-language outcome messages sent to the member when staff add none of their own.
# "{days}" is the reopen window: filled in when a message is sent (``outcome_message``),
# never at import, so the words always follow CHORUS_SUPPORT_REOPEN_DAYS.
OUTCOME_MESSAGE_TEMPLATES: dict[str, str] = {
    Status.RESOLVED: (
        "We have finished working on this. Thank you for telling us. "
        "If something is not right, reply here within {days} days and we will look again."
    ),
    Status.REFERRED: (
        "Another organisation is better placed to help with this, so we have passed it on "
        "or told you who to contact. Reply here within {days} days if you have a question."
    ),
    Status.DECLINED: (
        "We are sorry: we cannot help with this one. It may be outside what we work on, "
        "or we do not have the time to do it well. Reply here within {days} days if you have a question."
    ),
    Status.CLOSED_UNANSWERED: (
        "We asked you something here but have not heard back, so we have closed this request. "
        "If you still want our help, reply here within {days} days and we will open it again. "
        "After that, please send a new request and give this reference number."
    ),
    Status.CLOSED_INACTIVE: (
        "We are sorry: nothing has happened on this request for a long time, so we have closed it. "
        "If you still want our help, reply here within {days} days and we will open it again. "
        "After that, please send a new request and give this reference number."
    ),
}


def outcome_message(status: str) -> str:
    """The standard outcome message for a status, with the reopen window as now configured."""
    return OUTCOME_MESSAGE_TEMPLATES[status].format(days=settings.CHORUS_SUPPORT_REOPEN_DAYS)


def member_label(status: str) -> str:
    return MEMBER_LABELS.get(status, "")


def staff_transitions() -> list[Transition]:
    """Every move staff can make, in table order (the desk's legend)."""
    return [t for t in SUPPORT_WORKFLOW.transitions if t.who & STAFF]

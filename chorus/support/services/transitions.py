"""Moving a request along the workflow (``chorus.support.workflow``), with its clocks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.accounts.models import User
from chorus.core import working_days as clocks
from chorus.core.workflow import MEMBER, SYSTEM, TransitionNotAllowed
from chorus.core.workflow import transition as workflow_transition
from chorus.support import workflow
from chorus.support.models import RequestEvent, SupportRequest
from chorus.support.services.access import SupportError
from chorus.support.services.member_messages import staff_message_add
from chorus.support.workflow import Status


def local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _pause_clock(support_request: SupportRequest, now: datetime) -> None:
    if support_request.paused_at is None:
        support_request.paused_at = now


def _resume_clock(support_request: SupportRequest, now: datetime) -> None:
    if support_request.paused_at is None:
        return
    paused = clocks.working_days_between(local_date(support_request.paused_at), local_date(now))
    support_request.paused_working_days += paused
    support_request.paused_at = None
    received = local_date(support_request.received_at)
    extra = support_request.paused_working_days
    support_request.first_response_due = clocks.add_working_days(
        received, settings.CHORUS_SUPPORT_FIRST_RESPONSE_DAYS + extra
    )
    support_request.resolution_due = clocks.add_working_days(received, settings.CHORUS_SUPPORT_RESOLUTION_DAYS + extra)


# The columns a move may change besides the status: the clocks and when it closed.
CLOCK_FIELDS = (
    "paused_at",
    "paused_working_days",
    "first_response_due",
    "resolution_due",
    "closed_at",
    "first_response_at",
)


@transaction.atomic
def support_request_transition(
    *,
    support_request: SupportRequest,
    transition: str,
    actor: User | None = None,
    by_member: bool = False,
    by_system: bool = False,
    outcome_message: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> SupportRequest:
    """Move a request along the workflow if the actor's role allows it; audit the change."""
    now = now or timezone.now()
    step = workflow.TRANSITIONS.get(transition)
    if step is None:
        raise SupportError("That is not a step in the workflow.")
    mover: Any = SYSTEM if by_system else MEMBER if by_member else actor
    staff = actor if not (by_system or by_member) else None
    previous = ""

    def clocks_and_closing(locked: SupportRequest) -> dict[str, Any]:
        nonlocal previous
        previous = locked.status
        if step.target == Status.WAITING_ON_MEMBER:
            _pause_clock(locked, now)
        else:
            _resume_clock(locked, now)
        if step.target in workflow.CLOSED_STATUSES:
            locked.closed_at = now
        elif previous in workflow.CLOSED_STATUSES:
            locked.closed_at = None
            # A reopened request gets a fresh resolution target from today.
            locked.resolution_due = clocks.add_working_days(local_date(now), settings.CHORUS_SUPPORT_RESOLUTION_DAYS)
        # Only a person on staff answers; the job closing a request untouched is no response.
        if staff is not None and locked.first_response_at is None:
            locked.first_response_at = now
        return {name: getattr(locked, name) for name in CLOCK_FIELDS}

    def record_event(locked: SupportRequest) -> dict[str, Any]:
        RequestEvent.objects.create(
            support_request=locked,
            transition=step.name,
            from_status=previous,
            to_status=step.target,
            actor=staff,
            by_member=by_member,
            by_system=by_system,
            created_at=now,
        )
        return {"by_member": by_member, "by_system": by_system}

    def send_outcome(locked: SupportRequest) -> None:
        if step.target in workflow.OUTCOME_STATUSES:
            body = outcome_message.strip() or workflow.outcome_message(step.target)
            staff_message_add(support_request=locked, actor=staff, body=body, now=now, request=request)

    try:
        moved: SupportRequest = workflow_transition(
            workflow.SUPPORT_WORKFLOW,
            support_request,
            name=step.name,
            actor=mover,
            changes=clocks_and_closing,
            hooks=[record_event, send_outcome],
            request=request,
        )
    except PermissionDenied:
        raise SupportError("You are not allowed to make that change.") from None
    except TransitionNotAllowed:
        status = SupportRequest.objects.values_list("status", flat=True).get(pk=support_request.pk)
        raise SupportError(
            f"A request that is “{Status(status).label}” cannot be moved with “{step.staff_label}”."
        ) from None
    return moved

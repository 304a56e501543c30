"""Moving a request along the workflow (``chorus.support.workflow``), with its clocks."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.accounts.models import User
from chorus.core import working_days as clocks
from chorus.core.audit import log_action
from chorus.support import workflow
from chorus.support.models import RequestEvent, SupportRequest
from chorus.support.services.access import SupportError, staff_roles
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
    # Lock the row so two caseworkers acting at once cannot both move it.
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if by_system:
        roles, actor = frozenset({workflow.SYSTEM}), None
    elif by_member:
        roles, actor = frozenset({workflow.MEMBER}), None
    else:
        roles = staff_roles(actor)
    if not step.roles & roles:
        raise SupportError("You are not allowed to make that change.")
    if support_request.status not in step.sources:
        raise SupportError(
            f"A request that is “{Status(support_request.status).label}” cannot be moved with “{step.staff_label}”."
        )
    previous = support_request.status
    support_request.status = step.target
    if step.target == Status.WAITING_ON_MEMBER:
        _pause_clock(support_request, now)
    else:
        _resume_clock(support_request, now)
    if step.target in workflow.CLOSED_STATUSES:
        support_request.closed_at = now
    elif previous in workflow.CLOSED_STATUSES:
        support_request.closed_at = None
        # A reopened request gets a fresh resolution target from today.
        support_request.resolution_due = clocks.add_working_days(
            local_date(now), settings.CHORUS_SUPPORT_RESOLUTION_DAYS
        )
    # Only a person on staff answers; the job closing a request untouched is no response.
    if actor is not None and support_request.first_response_at is None:
        support_request.first_response_at = now
    support_request.save()
    RequestEvent.objects.create(
        support_request=support_request,
        transition=step.name,
        from_status=previous,
        to_status=step.target,
        actor=actor,
        by_member=by_member,
        by_system=by_system,
        created_at=now,
    )
    log_action(
        "support.request.transitioned",
        actor=actor,
        obj=support_request,
        request=request,
        data={
            "transition": step.name,
            "from": previous,
            "to": step.target,
            "by_member": by_member,
            "by_system": by_system,
        },
    )
    if step.target in workflow.OUTCOME_STATUSES:
        body = outcome_message.strip() or workflow.outcome_message(step.target)
        staff_message_add(support_request=support_request, actor=actor, body=body, now=now, request=request)
    return support_request

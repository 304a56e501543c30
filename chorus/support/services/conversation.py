"""Messages between staff and the member, internal notes, and the member withdrawing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.accounts.models import User
from chorus.core.audit import log_action
from chorus.support import workflow
from chorus.support.models import Message, MessageAuthor, MessageKind, StaffNoticeReason, SupportRequest
from chorus.support.selectors import reply_recipients
from chorus.support.services.access import SupportError, staff_roles
from chorus.support.services.member_messages import staff_message_add
from chorus.support.services.notices import staff_notices_add
from chorus.support.services.transitions import support_request_transition
from chorus.support.workflow import Status


@transaction.atomic
def support_message_send(
    *,
    support_request: SupportRequest,
    actor: User,
    body: str,
    internal: bool,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Message:
    """Staff write to the member (emailed as a notice only) or add an internal note."""
    now = now or timezone.now()
    if not staff_roles(actor):
        raise SupportError("You are not allowed to write on support requests.")
    if not body.strip():
        raise SupportError("Write a message.")
    if support_request.anonymised_at is not None:
        raise SupportError("This request has been anonymised.")
    if internal:
        note = Message.objects.create(
            support_request=support_request,
            kind=MessageKind.INTERNAL_NOTE,
            author=MessageAuthor.STAFF,
            author_user=actor,
            body=body.strip(),
            created_at=now,
        )
        log_action("support.note.added", actor=actor, obj=support_request, request=request, data={"note": note.pk})
        return note
    if support_request.first_response_at is None:
        support_request.first_response_at = now
        support_request.save(update_fields=["first_response_at"])
    return staff_message_add(support_request=support_request, actor=actor, body=body.strip(), now=now, request=request)


@transaction.atomic
def support_member_reply(*, support_request: SupportRequest, body: str, now: datetime | None = None) -> Message:
    """A member's reply through the private link; may restart the clock or reopen (see workflow.py)."""
    now = now or timezone.now()
    if not body.strip():
        raise SupportError("Write your reply.")
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    status = support_request.status
    if status == Status.WITHDRAWN:
        raise SupportError("You withdrew this request. To tell us something new, please send a new request.")
    if status in workflow.OUTCOME_STATUSES:
        closed_at = support_request.closed_at or now
        if now - closed_at > timedelta(days=settings.CHORUS_SUPPORT_REOPEN_DAYS):
            raise SupportError(
                f"This request was closed more than {settings.CHORUS_SUPPORT_REOPEN_DAYS} days ago, so we "
                "cannot reopen it. Please send a new request and mention your reference number."
            )
        support_request = support_request_transition(
            support_request=support_request, transition="member_reopen", by_member=True, now=now
        )
    elif status == Status.WAITING_ON_MEMBER:
        support_request = support_request_transition(
            support_request=support_request, transition="member_replied", by_member=True, now=now
        )
    message = Message.objects.create(
        support_request=support_request,
        kind=MessageKind.TO_MEMBER,
        author=MessageAuthor.MEMBER,
        body=body.strip(),
        created_at=now,
    )
    log_action("support.message.received", obj=support_request, data={"message": message.pk})
    staff_notices_add(
        support_request=support_request,
        recipients=reply_recipients(support_request=support_request),
        reason=StaffNoticeReason.MEMBER_REPLIED,
    )
    return message


@transaction.atomic
def support_request_withdraw(*, support_request: SupportRequest) -> SupportRequest:
    """The member withdraws their request through the private link."""
    return support_request_transition(support_request=support_request, transition="withdraw", by_member=True)

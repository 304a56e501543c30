"""A message from staff to the member, and the email that tells them it is there."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from chorus.accounts.models import User
from chorus.core.audit import log_action
from chorus.core.outbox import outbox_add
from chorus.support.models import NEW_MESSAGE_EMAIL, Message, MessageAuthor, MessageKind, SupportRequest


def staff_message_add(
    *, support_request: SupportRequest, actor: User | None, body: str, now: datetime, request: HttpRequest | None
) -> Message:
    """Store a message the member reads behind their link; email them a notice (never the
    message itself) if they have confirmed their address."""
    message = Message.objects.create(
        support_request=support_request,
        kind=MessageKind.TO_MEMBER,
        author=MessageAuthor.STAFF,
        author_user=actor,
        body=body,
        created_at=now,
    )
    log_action("support.message.sent", actor=actor, obj=support_request, request=request, data={"message": message.pk})
    if support_request.sender_id is not None:
        outbox_add(kind=NEW_MESSAGE_EMAIL, about_id=support_request.pk, dedupe_key=f"message:{message.pk}")
    return message

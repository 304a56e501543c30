"""Emails to staff that something happened on the desk: never what.

A notice carries the reference, the kind and a link to the desk, where staff sign in with
their second factor to read it. Each notice is an outbox row written with the event; the
outbox sends each person one email for all their notices waiting in a batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from chorus.accounts.models import User
from chorus.accounts.roles import CASEWORKER
from chorus.core.outbox import outbox_add_many, outbox_row
from chorus.support.models import STAFF_NOTICE_EMAIL, SupportRequest


def _can_be_emailed(users: QuerySet[User]) -> QuerySet[User]:
    return users.filter(is_active=True).exclude(email="")


def triage_staff() -> QuerySet[User]:
    """Who is told about new requests (and replies nobody is assigned): active Caseworkers with an email."""
    return _can_be_emailed(User.objects.filter(groups__name=CASEWORKER.name)).distinct().order_by("pk")


def reply_recipients(*, support_request: SupportRequest) -> list[User]:
    """Who is told that the member replied: the assignee, or the triage staff if there is
    none, or none who can be emailed (left, or no address), so that no reply goes unseen."""
    if support_request.assignee_id is not None:
        assignee = _can_be_emailed(User.objects.filter(pk=support_request.assignee_id)).first()
        if assignee is not None:
            return [assignee]
    return list(triage_staff())


def staff_notices_add(*, support_request: SupportRequest, recipients: Iterable[User], reason: str) -> int:
    """Queue a notice for each recipient who can be emailed, in the caller's transaction."""
    rows = [
        outbox_row(kind=STAFF_NOTICE_EMAIL, about_id=support_request.pk, user_id=user.pk, payload={"reason": reason})
        for user in recipients
        if user.is_active and user.email
    ]
    outbox_add_many(rows)
    return len(rows)

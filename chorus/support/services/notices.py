"""Emails to staff that something happened on the desk: never what.

A notice carries the reference, the kind and a link to the desk, where staff sign in with
their second factor to read it. Each notice is an outbox row written with the event; the
outbox sends each person one email for all their notices waiting in a batch. Who is told
is read in ``chorus.support.selectors`` (``triage_staff``, ``reply_recipients``).
"""

from __future__ import annotations

from collections.abc import Iterable

from chorus.accounts.models import User
from chorus.core.outbox import outbox_add_many, outbox_row
from chorus.support.models import STAFF_NOTICE_EMAIL, SupportRequest


def staff_notices_add(*, support_request: SupportRequest, recipients: Iterable[User], reason: str) -> int:
    """Queue a notice for each recipient who can be emailed, in the caller's transaction."""
    rows = [
        outbox_row(kind=STAFF_NOTICE_EMAIL, about_id=support_request.pk, user_id=user.pk, payload={"reason": reason})
        for user in recipients
        if user.is_active and user.email
    ]
    outbox_add_many(rows)
    return len(rows)

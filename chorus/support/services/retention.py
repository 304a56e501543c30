"""Closing requests nobody touched, anonymising closed ones, and erasure on request."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.core.crypto import token_digest
from chorus.core.models import OutboxMessage
from chorus.support import workflow
from chorus.support.models import LINK_EMAIL, NEW_MESSAGE_EMAIL, STAFF_NOTICE_EMAIL, SupportRequest
from chorus.support.services.transitions import support_request_transition


def _anonymise(support_request: SupportRequest, now: datetime) -> None:
    for field in (
        "contact_name",
        "contact_phone",
        "description",
        "where_detail",
        "links",
        "membership",
        "group_name",
        "help_other",
        "access_needs",
    ):
        setattr(support_request, field, "")
    support_request.sender = None
    support_request.unconfirmed_email = ""
    support_request.email_token_hash = ""
    support_request.email_token_sealed = ""
    support_request.deadline = None
    # A fresh random hash: the old private link stops working and nothing can match it.
    support_request.token_hash = token_digest(secrets.token_urlsafe(32))
    support_request.anonymised_at = now
    support_request.save()
    support_request.messages.all().delete()
    support_request.tags.clear()
    # Emails about it not yet sent are not sent now.
    OutboxMessage.objects.filter(
        kind__in=[LINK_EMAIL, NEW_MESSAGE_EMAIL, STAFF_NOTICE_EMAIL], about_id=support_request.pk
    ).delete()


@transaction.atomic
def support_requests_anonymise_closed(*, now: datetime | None = None) -> int:
    """Blank the content of requests closed longer than the retention period; counts survive."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CHORUS_SUPPORT_RETENTION_DAYS)
    due = SupportRequest.objects.filter(
        status__in=workflow.CLOSED_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True
    ).select_for_update()
    count = 0
    for support_request in due:
        _anonymise(support_request, now)
        count += 1
    if count:
        log_action("support.request.anonymised", object_type="support.supportrequest", data={"count": count})
    return count


@dataclass(frozen=True)
class InactiveClosures:
    """How many requests one run of the inactivity job closed, by reason."""

    unanswered: int
    inactive: int


def support_requests_close_inactive(*, now: datetime | None = None, batch_size: int = 200) -> InactiveClosures:
    """Close requests left waiting for the member, or left untouched, too long, so retention applies."""
    now = now or timezone.now()
    # Waiting requests first: one past both limits is closed for the more specific reason.
    unanswered = _close_inactive_with(
        transition="close_unanswered",
        cutoff=now - timedelta(days=settings.CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS),
        now=now,
        batch_size=batch_size,
    )
    inactive = _close_inactive_with(
        transition="close_inactive",
        cutoff=now - timedelta(days=settings.CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS),
        now=now,
        batch_size=batch_size,
    )
    return InactiveClosures(unanswered=unanswered, inactive=inactive)


def _close_inactive_with(*, transition: str, cutoff: datetime, now: datetime, batch_size: int) -> int:
    sources = workflow.TRANSITIONS[transition].sources
    closed, after_pk = 0, 0
    while True:
        # Walk by primary key so a request that is skipped is never read again in this run.
        due = (
            SupportRequest.objects.filter(status__in=sources, pk__gt=after_pk)
            .inactive_since(cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        batch = list(due[:batch_size])
        if not batch:
            return closed
        for pk in batch:
            if _close_if_still_inactive(pk=pk, transition=transition, cutoff=cutoff, now=now):
                closed += 1
        after_pk = batch[-1]


@transaction.atomic
def _close_if_still_inactive(*, pk: int, transition: str, cutoff: datetime, now: datetime) -> bool:
    # Check again under the row lock: the member may have replied since the batch was read.
    support_request = SupportRequest.objects.select_for_update().filter(pk=pk).first()
    sources = workflow.TRANSITIONS[transition].sources
    if support_request is None or support_request.status not in sources:
        return False
    if not SupportRequest.objects.filter(pk=pk).inactive_since(cutoff).exists():
        return False
    support_request_transition(support_request=support_request, transition=transition, by_system=True, now=now)
    return True


@transaction.atomic
def support_requests_erase_for_person(*, person_id: int, now: datetime | None = None) -> int:
    """Anonymise every request a person sent (their right to erasure)."""
    now = now or timezone.now()
    count = 0
    for support_request in SupportRequest.objects.filter(sender_id=person_id).select_for_update():
        _anonymise(support_request, now)
        count += 1
    log_action("support.request.erased", object_type="people.person", object_id=person_id, data={"count": count})
    return count


@transaction.atomic
def support_requests_forget_unconfirmed_emails(*, now: datetime | None = None) -> int:
    """Forget addresses whose owner never confirmed the request within the set time, and
    end their emailed links; the requests stay, reachable by the link their sender saw."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CHORUS_SUPPORT_EMAIL_CONFIRM_DAYS)
    forgotten = (
        SupportRequest.objects.filter(email_confirmed_at__isnull=True, received_at__lt=cutoff)
        .exclude(email_token_hash="")
        .update(unconfirmed_email="", email_token_hash="", email_token_sealed="")
    )
    if forgotten:
        log_action("support.request.unconfirmed_emails_forgotten", data={"count": forgotten})
    return forgotten

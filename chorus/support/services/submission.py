"""A member's alert or request arrives; the owner of the address given confirms it is theirs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from chorus.core import working_days as clocks
from chorus.core.audit import log_action
from chorus.core.crypto import token_digest
from chorus.core.outbox import outbox_add
from chorus.people.services import person_get_or_create
from chorus.support.models import (
    LINK_EMAIL,
    ContactMethod,
    ReferenceCounter,
    StaffNoticeReason,
    SupportRequest,
)
from chorus.support.selectors import triage_staff
from chorus.support.services.notices import staff_notices_add
from chorus.support.services.transitions import local_date


@dataclass(frozen=True)
class Submission:
    """What a member sent, already validated by a form."""

    kind: str
    description: str
    contact_method: str
    name: str = ""
    email: str = ""
    phone: str = ""
    where_category: str = ""
    where_detail: str = ""
    links: str = ""
    deadline: date | None = None
    priority_area_id: int | None = None
    membership: str = ""
    applicant_type: str = ""
    group_name: str = ""
    help_types: tuple[str, ...] = ()
    help_other: str = ""
    access_needs: str = ""


def _next_reference(year: int) -> tuple[int, str]:
    # The UPDATE takes a row lock, so two submissions in the same year queue up and
    # never see the same number; the first of a year creates the row.
    for _ in range(3):
        if ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1):
            number = ReferenceCounter.objects.get(year=year).last_number
            return number, f"CH-{year}-{number:04d}"
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last_number=1)
            return 1, f"CH-{year}-0001"
        except IntegrityError:
            continue  # another submission created the year's row first
    raise RuntimeError("Could not issue a reference number.")


@transaction.atomic
def support_request_submit(*, submission: Submission, now: datetime | None = None) -> tuple[SupportRequest, str]:
    """Record a member's alert or request; return it with the raw token of the link shown on screen.

    An address given is not trusted yet: the request is attached to no one's record until
    whoever reads that mailbox opens the emailed link (a different token) and confirms it.
    """
    now = now or timezone.now()
    today = local_date(now)
    number, reference = _next_reference(today.year)
    token = secrets.token_urlsafe(32)
    email_token = secrets.token_urlsafe(32) if submission.email else ""
    support_request = SupportRequest.objects.create(
        reference=reference,
        year=today.year,
        number=number,
        kind=submission.kind,
        token_hash=token_digest(token),
        email_token_hash=token_digest(email_token) if email_token else "",
        email_token_sealed=email_token,
        unconfirmed_email=submission.email,
        contact_method=submission.contact_method,
        contact_name=submission.name,
        contact_phone=submission.phone if submission.contact_method == ContactMethod.PHONE else "",
        description=submission.description,
        where_category=submission.where_category,
        where_detail=submission.where_detail,
        links=submission.links,
        deadline=submission.deadline,
        priority_area_id=submission.priority_area_id,
        membership=submission.membership,
        applicant_type=submission.applicant_type,
        group_name=submission.group_name,
        help_types=list(submission.help_types),
        help_other=submission.help_other,
        access_needs=submission.access_needs,
        created_month=today.replace(day=1),
        received_at=now,
        first_response_due=clocks.add_working_days(today, settings.CHORUS_SUPPORT_FIRST_RESPONSE_DAYS),
        resolution_due=clocks.add_working_days(today, settings.CHORUS_SUPPORT_RESOLUTION_DAYS),
    )
    log_action(
        "support.request.submitted",
        obj=support_request,
        data={"kind": support_request.kind, "anonymous": not submission.email},
    )
    if submission.email:
        outbox_add(kind=LINK_EMAIL, about_id=support_request.pk, dedupe_key=str(support_request.pk))
    staff_notices_add(support_request=support_request, recipients=triage_staff(), reason=StaffNoticeReason.NEW_REQUEST)
    return support_request, token


@transaction.atomic
def support_request_confirm_email(*, support_request: SupportRequest) -> SupportRequest:
    """The owner of the address opened the emailed link and confirmed the request is theirs:
    attach it to their record, so replies are emailed to them and it appears on their privacy page."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if not support_request.email_unconfirmed:
        return support_request
    person, _ = person_get_or_create(email=support_request.unconfirmed_email, name=support_request.contact_name)
    support_request.sender = person
    support_request.unconfirmed_email = ""
    support_request.email_confirmed_at = timezone.now()
    support_request.save(update_fields=["sender", "unconfirmed_email", "email_confirmed_at"])
    log_action("support.request.email_confirmed", obj=support_request)
    return support_request


@transaction.atomic
def support_request_disown_email(*, support_request: SupportRequest) -> SupportRequest:
    """The owner of the address says the request is not theirs: forget the address and
    end the emailed link. The request itself stays, reachable by the link its sender saw."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if not support_request.email_unconfirmed:
        return support_request
    support_request.unconfirmed_email = ""
    support_request.email_token_hash = ""
    support_request.email_token_sealed = ""
    support_request.save(update_fields=["unconfirmed_email", "email_token_hash", "email_token_sealed"])
    log_action("support.request.email_disowned", obj=support_request)
    return support_request

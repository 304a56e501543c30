"""The retention rule for sent applications: personal data erased a set time after the decision.

An application that was not funded, or was withdrawn, loses everything that names or reaches
a person, its group's name and its answers and files ``CHORUS_GRANTS_DECLINED_RETENTION_DAYS``
after the decision (or the withdrawal). A grant keeps its group (name and registration) and
its amounts, which are published, and loses the rest ``CHORUS_GRANTS_AWARDED_RETENTION_DAYS``
after the funded work was planned to end (else after the award). What the transparency page
counts stays: round, size, status, dates, the reason, "please call me", and whether any
answer was a recording (noted before the recordings are deleted).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.core.crypto import token_digest
from chorus.core.deadlines import london_day
from chorus.core.models import OutboxMessage
from chorus.grants.choices import FileKind
from chorus.grants.models import Application, ConflictOfInterest, GrantReport, Review
from chorus.grants.services.files import application_files_delete
from chorus.grants.workflow import ApplicationStatus

# Every email about one application (the link, the receipt, the decision) is of a kind named so.
APPLICATION_EMAILS = "grants.application_"


@dataclass(frozen=True)
class RetentionResult:
    """How many applications one run erased, by rule, and how many files went with them."""

    not_funded: int
    awarded: int
    files: int


def not_funded_due(*, now: datetime) -> QuerySet[Application]:
    """Not funded or withdrawn, past the retention period, not yet erased."""
    cutoff = now - timedelta(days=settings.CHORUS_GRANTS_DECLINED_RETENTION_DAYS)
    return Application.objects.filter(personal_data_erased_at__isnull=True).filter(
        Q(status=ApplicationStatus.NOT_AWARDED, decided_at__lt=cutoff)
        | Q(status=ApplicationStatus.WITHDRAWN, withdrawn_at__lt=cutoff)
    )


def awarded_due(*, now: datetime) -> QuerySet[Application]:
    """Grants whose work was planned to end (else which were awarded) longer ago than the period."""
    days = settings.CHORUS_GRANTS_AWARDED_RETENTION_DAYS
    cutoff_day = london_day(now) - timedelta(days=days)
    return Application.objects.filter(status=ApplicationStatus.AWARDED, personal_data_erased_at__isnull=True).filter(
        Q(planned_end__lt=cutoff_day)
        | Q(planned_end__isnull=True, award_date__lt=cutoff_day)
        | Q(planned_end__isnull=True, award_date__isnull=True, decided_at__lt=now - timedelta(days=days))
    )


def application_erase_personal_data(*, application: Application, now: datetime) -> int:
    """Erase one application's contact details, access needs, answers, files, the staff's comments
    on it and the decision message; a grant keeps its group's name and registration. Returns the
    number of files deleted. The caller holds the transaction."""
    kinds = set(application.files.values_list("kind", flat=True))
    application.had_audio = application.had_audio or FileKind.AUDIO in kinds
    application.had_video = application.had_video or FileKind.VIDEO in kinds
    for field in ("contact_name", "contact_email", "contact_phone", "access_other", "call_times", "token_sealed"):
        setattr(application, field, "")
    application.access_needs = []
    application.decision_message = ""
    application.email_digest = ""
    # A fresh random hash: the emailed link stops working and nothing can match it.
    application.token_hash = token_digest(secrets.token_urlsafe(32))
    if application.status != ApplicationStatus.AWARDED:
        application.group_name = ""
        application.registered_number = ""
    application.personal_data_erased_at = now
    application.save()
    application.answers.all().delete()
    files = application_files_delete(application=application)
    Review.objects.filter(application=application).update(comment="")
    ConflictOfInterest.objects.filter(application=application).update(note="")
    GrantReport.objects.filter(application=application).update(text="", call_times="")
    # An email not yet sent would be composed from what is now erased.
    OutboxMessage.objects.filter(kind__startswith=APPLICATION_EMAILS, about_id=application.pk).delete()
    return files


def _erase_each(due: QuerySet[Application], *, now: datetime) -> tuple[int, int]:
    erased = files = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # Read again under the lock: staff may have changed it since the list was read.
            application = due.select_for_update(of=("self",)).filter(pk=pk).first()
            if application is None:
                continue
            files += application_erase_personal_data(application=application, now=now)
            erased += 1
    return erased, files


def applications_retention_apply(*, now: datetime | None = None) -> RetentionResult:
    """Apply both retention rules to sent applications; one audit event with the counts."""
    now = now or timezone.now()
    not_funded, not_funded_files = _erase_each(not_funded_due(now=now), now=now)
    awarded, awarded_files = _erase_each(awarded_due(now=now), now=now)
    result = RetentionResult(not_funded=not_funded, awarded=awarded, files=not_funded_files + awarded_files)
    if not_funded or awarded:
        log_action(
            "grants.application.personal_data_erased",
            object_type="grants.application",
            data={
                "count": not_funded + awarded,
                "not_funded": not_funded,
                "awarded": awarded,
                "files": result.files,
            },
        )
    return result

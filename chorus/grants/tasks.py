"""Background work for funding applications: deleting drafts nobody sent, the retention rule for
sent ones, and reminding Grants officers of a near decision date. Tasks call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.core.periodic import periodic
from chorus.grants.services.applications import drafts_delete_unsent
from chorus.grants.services.decisions import decision_reminders_send
from chorus.grants.services.retention import applications_retention_apply


@periodic(every=timedelta(days=1), name="grants-drafts-cleanup")
@task
def delete_unsent_drafts() -> int:
    """Delete application drafts never sent, a set time after their round closed."""
    return drafts_delete_unsent()


@periodic(every=timedelta(days=1), name="grants-retention")
@task
def apply_application_retention() -> dict[str, int]:
    """Erase the personal data of applications decided (or withdrawn) longer ago than the retention periods."""
    result = applications_retention_apply()
    return {"not_funded": result.not_funded, "awarded": result.awarded, "files": result.files}


@periodic(every=timedelta(days=1), name="grants-decision-reminders")
@task
def send_decision_reminders() -> int:
    """Remind the Grants officers once when a round's decision date is a week away and some are undecided."""
    return decision_reminders_send()

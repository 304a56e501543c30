"""Background work for funding applications: deleting drafts nobody sent, and the retention rule
for sent ones. Tasks call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.core.periodic import periodic
from chorus.grants.services.applications import drafts_delete_unsent
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

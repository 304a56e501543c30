"""Background work for funding applications: deleting drafts nobody sent. Tasks call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.core.periodic import periodic
from chorus.grants.services.applications import drafts_delete_unsent


@periodic(every=timedelta(days=1), name="grants-drafts-cleanup")
@task
def delete_unsent_drafts() -> int:
    """Delete application drafts never sent, a set time after their round closed."""
    return drafts_delete_unsent()

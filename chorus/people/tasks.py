"""Background work for people and privacy. Tasks take ids and call services.

The privacy page's email goes through the outbox (chorus.people.emails)."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.core.periodic import periodic
from chorus.people.services import people_retention_apply


@periodic(every=timedelta(hours=1), name="people.retention")
@task()
def people_retention_run() -> None:
    people_retention_apply()

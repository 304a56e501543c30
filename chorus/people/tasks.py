"""Background work for people and privacy. Tasks take ids and call services."""

from __future__ import annotations

from django.tasks import task

from chorus.people.services import people_retention_apply


@task()
def people_retention_run() -> None:
    people_retention_apply()

"""Background work for staff accounts. Tasks call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.accounts.services import sign_in_records_prune
from chorus.core.periodic import periodic


@periodic(every=timedelta(hours=1), name="accounts.prune_sign_ins")
@task
def prune_sign_in_records() -> int:
    return sign_in_records_prune()

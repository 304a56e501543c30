"""Background work for staff accounts. Tasks call services."""

from __future__ import annotations

from django.tasks import task

from chorus.accounts.services import sign_in_records_prune


@task
def prune_sign_in_records() -> int:
    return sign_in_records_prune()

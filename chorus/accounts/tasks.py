"""Background work for staff accounts. Tasks call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.accounts.services import sign_in_records_prune, two_factor_reset_notice_send
from chorus.core.periodic import periodic


@periodic(every=timedelta(hours=1), name="accounts.prune_sign_ins")
@task
def prune_sign_in_records() -> int:
    return sign_in_records_prune()


@task
def send_two_factor_reset_notice(user_id: int, actor_id: int | None) -> bool:
    return two_factor_reset_notice_send(user_id=user_id, actor_id=actor_id)

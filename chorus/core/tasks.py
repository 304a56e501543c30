"""Background work for the shared machinery. Tasks call services."""

from __future__ import annotations

from django.tasks import task

from chorus.core.audit_seals import audit_log_alert_send, audit_log_check_scheduled, audit_log_seal
from chorus.core.housekeeping import task_results_prune


@task
def prune_task_results() -> int:
    return task_results_prune()


@task
def seal_audit_log() -> int:
    return audit_log_seal()


@task
def verify_audit_log() -> bool:
    return audit_log_check_scheduled()


@task
def send_audit_log_alert(check_id: int) -> int:
    return audit_log_alert_send(check_id=check_id)

"""Background work for the shared machinery. Tasks call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.core.audit_seals import audit_log_check_scheduled, audit_log_seal
from chorus.core.housekeeping import task_results_prune
from chorus.core.idempotency import submission_keys_prune
from chorus.core.leases import task_runs_requeue_lost
from chorus.core.outbox import outbox_prune, outbox_send
from chorus.core.periodic import periodic


@periodic(every=timedelta(days=1), name="core.prune_task_results")
@task
def prune_task_results() -> int:
    return task_results_prune()


@periodic(every=timedelta(minutes=1), name="core.requeue_lost_task_runs")
@task
def requeue_lost_task_runs() -> int:
    """Queue again the runs whose worker died (RUNNING past their lease)."""
    return task_runs_requeue_lost()


@periodic(every=timedelta(minutes=1), name="core.seal_audit_log")
@task
def seal_audit_log() -> int:
    return audit_log_seal()


@periodic(every=timedelta(days=1), name="core.verify_audit_log")
@task
def verify_audit_log() -> bool:
    return audit_log_check_scheduled()


# Emails are sent as they are asked for; this sends what a lost run or a retry left.
@periodic(every=timedelta(seconds=30), name="core.send_outbox")
@task
def send_outbox() -> int:
    """Send every email due in the outbox; returns how many rows were sent."""
    return outbox_send().sent


@periodic(every=timedelta(days=1), name="core.prune_outbox")
@task
def prune_outbox() -> int:
    """Delete settled outbox rows past their retention period."""
    return outbox_prune()


@periodic(every=timedelta(hours=1), name="core.prune_submission_keys")
@task
def prune_submission_keys() -> int:
    """Delete forms' one-time keys past their retention period (a day)."""
    return submission_keys_prune()

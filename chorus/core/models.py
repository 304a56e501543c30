"""Shared records: the tamper-evident staff audit log and the periodic-job schedule."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing a person or the system did that someone may later need to account for.

    Rows are append-only; each carries the hash of the row before it, so an edit or a
    deletion anywhere breaks the chain (``manage.py verify_audit_log``).
    """

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="Who acted, kept if the account goes.")
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    screen = models.CharField(max_length=200, blank=True, help_text="The page or command it came from.")
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"


class AuditChainHead(models.Model):
    """A single row holding the newest hash; locking it orders concurrent writers."""

    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash


class ScheduledJob(models.Model):
    """When a periodic task next runs. Claimed with a conditional UPDATE, so any number
    of schedulers can run without enqueueing a job twice."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    # The task backend's id for the run enqueued last: the job is not enqueued again
    # until the backend says that run has finished (chorus.core.schedule).
    last_result_id = models.CharField(max_length=255, blank=True, default="")

    def __str__(self) -> str:
        return self.name

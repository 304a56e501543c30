"""Shared records: the tamper-evident staff audit log, its seals and checks, the periodic-job
schedule, the outbox and forms' one-time keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from chorus.core.fields import EncryptedTextField


class AuditEvent(models.Model):
    """One thing a person or the system did that someone may later need to account for.

    Writers only insert rows (no lock, nothing shared). A periodic job then seals them,
    in the order it finds them, into a keyed chain whose heads are kept outside the
    database, so an edit, deletion or re-chaining is found by ``manage.py verify_audit_log``
    (chorus.core.audit_seals, docs/decisions/0014).
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
    # Set by the sealer only. The sequence is the order rows were sealed in, not their id:
    # on PostgreSQL a row with a lower id can become visible after a higher one was sealed.
    seal_sequence = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)
    seal_digest = models.CharField(max_length=64, blank=True, editable=False)
    seal_key_id = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = "audit event"
        indexes = [
            # The sealer's "what is new" query reads only this small index.
            models.Index(fields=["id"], condition=models.Q(seal_sequence__isnull=True), name="core_audit_unsealed"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"


class AuditSealState(models.Model):
    """The newest seal over the audit log. One row; only the sealer locks it, never a writer."""

    sequence = models.PositiveBigIntegerField(default=0, help_text="Entries sealed so far.")
    digest = models.CharField(max_length=64, help_text="The chain's digest after the newest sealed entry.")
    key_id = models.CharField(max_length=16, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    published_sequence = models.PositiveBigIntegerField(
        default=0, help_text="The newest head written to the seal log (and its logger)."
    )

    def __str__(self) -> str:
        return f"sealed up to {self.sequence}"


class AuditCheck(models.Model):
    """One check of the audit log against its seals: when, whether it held, what was found.

    Problems name sequence numbers and event ids, never what an entry says.
    """

    checked_at = models.DateTimeField(db_index=True)
    ok = models.BooleanField()
    entries_checked = models.PositiveBigIntegerField(default=0)
    heads_checked = models.PositiveIntegerField(default=0)
    last_head_sequence = models.PositiveBigIntegerField(default=0)
    unsealed_entries = models.PositiveBigIntegerField(default=0)
    entries_after_last_head = models.PositiveBigIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'FAILED'}"


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


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not needed any more"
    FAILED = "failed", "Could not be sent"


class OutboxMessage(models.Model):
    """One email to send, written in the same transaction as the event that calls for it.

    A sender run claims it (a lease: a run that dies leaves it to the next), builds the
    message through its kind's composer, sends it and settles it: sent, skipped (nothing
    to send any more), tried again later with a growing delay after a temporary refusal,
    or failed for good. Rows hold ids and, where there is no record to read an address
    from, the address encrypted; settled rows are deleted after a few days.
    """

    kind = models.CharField(max_length=64, help_text="Which composer builds the message.")
    about_id = models.BigIntegerField(null=True, blank=True, help_text="The record the message is about.")
    # A person's id, not a key: the row must not stop a person's record being deleted.
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    address = EncryptedTextField(blank=True, help_text="Only where no record holds the address.")
    payload = EncryptedTextField(blank=True, help_text="What the composer needs besides ids (JSON).")
    # Set where asking twice must send once (a double click, a retried task).
    dedupe_key = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)
    # What went wrong, without the address: an error class and SMTP code.
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="core_outbox_once_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="core_outbox_due"),
            models.Index(fields=["kind", "about_id"], name="core_outbox_about"),
        ]
        verbose_name = "outgoing email"

    def __str__(self) -> str:
        return f"{self.what} ({self.get_status_display().lower()})"

    @property
    def what(self) -> str:
        """What kind of email it is, in plain words (each app names its kinds where it composes them)."""
        from chorus.core.outbox import kind_label  # the outbox module imports these models

        return kind_label(self.kind)


class SubmissionKey(models.Model):
    """A form's one-time key, once a post carrying it has been acted on (chorus.core.idempotency).

    The unique ``key`` decides which of two posts with the same key acts: the other waits
    for it and answers with its stored ``result`` (where to send the person next). The
    column holds a digest of the form's key, its scope and what was posted, never the
    key itself. Results may be private links, so they are encrypted. Rows are deleted a
    day after they were made.
    """

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=100, help_text="Which form and record the key was used on.")
    created_at = models.DateTimeField(db_index=True)
    result = EncryptedTextField(blank=True, help_text="The first post's answer: the address it sent the person to.")

    class Meta:
        verbose_name = "form submission key"

    def __str__(self) -> str:
        return f"{self.scope} at {self.created_at:%Y-%m-%d %H:%M}"

"""The sending engine: claim a batch, send it over one SMTP connection, record each result.

Crash safety rests on three rules:

1. A delivery is marked ``sent`` only after the mail server accepted the message.
2. A worker sends its batch in id order, one message at a time, and records each
   result before starting the next. So in a batch whose worker died, every row
   still ``claimed`` was never started except the lowest one, which may have been
   in flight. That one is marked ``in_doubt`` for staff to reconcile; the rest go
   back to the queue. Nothing that might have been sent is sent again by itself.
3. A worker that has lost its claim (its rows were recovered as stale) stops at
   once: every "sent" update is conditional on still holding the claim.
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import mailers
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Revision

from chorus.bulletin.emails import IssueEditions, RenderedIssue, personalise, revision_editions
from chorus.bulletin.models import (
    BulletinIssue,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    SubscriptionStatus,
)
from chorus.bulletin.selectors import delivery_counts
from chorus.bulletin.services import lifecycle
from chorus.core.audit import log_action
from chorus.core.mail import MAIL_REFUSED, describe_mail_error

logger = logging.getLogger(__name__)


@dataclass
class SendOptions:
    batch_size: int = field(default_factory=lambda: int(settings.BULLETIN_BATCH_SIZE))
    concurrency: int = field(default_factory=lambda: int(settings.BULLETIN_CONCURRENCY))
    messages_per_second: float = field(default_factory=lambda: float(settings.BULLETIN_MESSAGES_PER_SECOND))
    claim_timeout: float = field(default_factory=lambda: float(settings.BULLETIN_CLAIM_TIMEOUT_SECONDS))

    @property
    def per_worker_rate(self) -> float:
        return self.messages_per_second / max(1, self.concurrency)


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    in_doubt: int = 0
    released: int = 0
    stopped: str = ""


class Pacer:
    """Spaces messages out so a worker stays under its share of the overall rate."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


def new_worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def deliveries_recover_stale(*, now: datetime | None = None, timeout: float | None = None) -> tuple[int, int]:
    """Find batches whose worker stopped sending a heartbeat; returns (in doubt, requeued)."""
    now = now or timezone.now()
    timeout = float(settings.BULLETIN_CLAIM_TIMEOUT_SECONDS) if timeout is None else timeout
    cutoff = now - timedelta(seconds=timeout)
    in_doubt = requeued = 0
    stale_claims = (
        Delivery.objects.filter(status=DeliveryStatus.CLAIMED, claimed_at__lt=cutoff)
        .values_list("claimed_by", flat=True)
        .distinct()
    )
    for claim in list(stale_claims):
        with transaction.atomic():
            rows = list(
                Delivery.objects.filter(status=DeliveryStatus.CLAIMED, claimed_by=claim, claimed_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", "issue_id")
            )
            if not rows:
                continue
            first_id, issue_id = rows[0]
            in_doubt += Delivery.objects.filter(pk=first_id, status=DeliveryStatus.CLAIMED).update(
                status=DeliveryStatus.IN_DOUBT, error="worker stopped while this message may have been in flight"
            )
            requeued += Delivery.objects.filter(
                pk__in=[pk for pk, _ in rows[1:]], status=DeliveryStatus.CLAIMED, claimed_by=claim
            ).update(status=DeliveryStatus.QUEUED, claimed_by="", claimed_at=None)
            log_action(
                "bulletin.delivery.recovered",
                object_type="bulletin.bulletinissue",
                object_id=issue_id,
                data={"in_doubt": 1, "requeued": len(rows) - 1},
                screen="sending worker",
            )
    return in_doubt, requeued


def claim_batch(*, issue_id: int, worker: str, options: SendOptions) -> list[int]:
    """Claim up to a batch of queued deliveries for this worker; [] if none or the issue is not sending."""
    with transaction.atomic():
        if not BulletinIssue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).exists():
            return []
        active = (
            Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.CLAIMED)
            .values("claimed_by")
            .distinct()
            .count()
        )
        if active >= options.concurrency:
            return []
        queued = Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.QUEUED).order_by("pk")
        if db_connection.vendor == "postgresql":
            # Concurrent workers skip each other's rows instead of waiting on them.
            queued = queued.select_for_update(skip_locked=True, of=("self",))
        ids = list(queued.values_list("pk", flat=True)[: options.batch_size])
        if not ids:
            return []
        # The status condition makes the claim safe where SKIP LOCKED does not exist.
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.CLAIMED, claimed_by=worker, claimed_at=timezone.now(), attempt=F("attempt") + 1
        )
    return list(
        Delivery.objects.filter(claimed_by=worker, status=DeliveryStatus.CLAIMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _mark(delivery_id: int, worker: str, **changes: Any) -> bool:
    return (
        Delivery.objects.filter(pk=delivery_id, claimed_by=worker, status=DeliveryStatus.CLAIMED).update(**changes)
        == 1
    )


def _mark_sent(delivery_id: int, worker: str) -> bool:
    return _mark(delivery_id, worker, status=DeliveryStatus.SENT, sent_at=timezone.now(), error="")


def _release(worker: str, from_id: int) -> int:
    """Put rows this worker never started back in the queue."""
    return Delivery.objects.filter(claimed_by=worker, status=DeliveryStatus.CLAIMED, pk__gte=from_id).update(
        status=DeliveryStatus.QUEUED, claimed_by="", claimed_at=None
    )


def _bulletin_mailer() -> Any:
    alias = settings.BULLETIN_MAILER if settings.BULLETIN_MAILER in mailers else "default"
    return mailers[alias]


def send_batch(
    *,
    issue: BulletinIssue,
    delivery_ids: list[int],
    worker: str,
    editions: IssueEditions,
    options: SendOptions,
    pacer: Pacer,
) -> BatchResult:
    """Send one claimed batch over one SMTP connection, recording each result before the next.

    Each recipient gets the edition their delivery recorded when sending started
    (chorus.bulletin.editions), rendered once for all who share it.
    """
    result = BatchResult()
    if not delivery_ids:
        return result
    rows = (
        Delivery.objects.filter(pk__in=delivery_ids, claimed_by=worker, status=DeliveryStatus.CLAIMED)
        .select_related("subscription__person")
        # Only what a message needs: every other encrypted column would be decrypted for nothing.
        .only(
            "pk",
            "chosen_topics",
            "subscription",
            "subscription__status",
            "subscription__person",
            "subscription__person__email",
            "subscription__person__name",
        )
        .order_by("pk")
    )
    heartbeat_every = max(0.2, options.claim_timeout / 3)
    last_beat = float("-inf")  # beat at once: a batch claimed just before a pause stops at its first row
    mailer = _bulletin_mailer()
    try:
        mailer.open()
    except (OSError, smtplib.SMTPException) as error:
        # Nothing was sent on a connection that never opened.
        result.released = _release(worker, 0)
        result.stopped = f"could not connect to the mail server: {error.__class__.__name__}"
        logger.warning("Bulletin batch released: %s", result.stopped)
        return result
    try:
        for row in rows.iterator(chunk_size=500):
            if time.monotonic() - last_beat > heartbeat_every:
                last_beat = time.monotonic()
                Delivery.objects.filter(claimed_by=worker, status=DeliveryStatus.CLAIMED).update(
                    claimed_at=timezone.now()
                )
                if not BulletinIssue.objects.filter(pk=issue.pk, status=IssueStatus.SENDING).exists():
                    result.released += _release(worker, row.pk)
                    result.stopped = "issue paused"
                    return result
            subscription = row.subscription
            if subscription is None or subscription.status != SubscriptionStatus.ACTIVE:
                # None: retention removed the subscription after it ended (a long pause, or a resent doubt).
                reason = f"subscription {subscription.status}" if subscription else "subscription removed"
                _mark(row.pk, worker, status=DeliveryStatus.SKIPPED, error=reason)
                result.skipped += 1
                continue
            person = subscription.person
            if not person.email:
                _mark(row.pk, worker, status=DeliveryStatus.SKIPPED, error="no address held")
                result.skipped += 1
                continue
            pacer.wait()
            try:
                _send_one(
                    mailer,
                    editions.for_recipient(row.chosen_topics),
                    to=person.email,
                    name=person.name,
                    subscription_id=subscription.pk,
                )
            except MAIL_REFUSED as error:  # the server answered: certainly not accepted
                _mark(row.pk, worker, status=DeliveryStatus.FAILED, error=describe_mail_error(error))
                result.failed += 1
                continue
            except (OSError, smtplib.SMTPException) as error:
                # The connection broke mid-conversation: the server may or may not have the message.
                _mark(row.pk, worker, status=DeliveryStatus.IN_DOUBT, error=describe_mail_error(error))
                result.in_doubt += 1
                result.released += _release(worker, row.pk + 1)
                result.stopped = "connection lost"
                return result
            if not _mark_sent(row.pk, worker):
                # Our claim was recovered as stale: someone else owns these rows now.
                result.stopped = "claim lost"
                logger.error("Bulletin worker %s lost its claim; stopping the batch.", worker)
                return result
            result.sent += 1
    finally:
        try:
            mailer.close()
        except (OSError, smtplib.SMTPException):
            logger.debug("closing the SMTP connection failed", exc_info=True)
    return result


def _send_one(mailer: Any, rendered: RenderedIssue, *, to: str, name: str, subscription_id: int) -> None:
    mailer.send_messages([personalise(rendered, to=to, name=name, subscription_id=subscription_id)])


def check_error_threshold(*, issue_id: int) -> bool:
    """Pause the send by itself when too many messages are refused; True if it paused."""
    counts = delivery_counts(issue_id=issue_id)
    attempts = counts["sent"] + counts["failed"] + counts["in_doubt"]
    failures = counts["failed"] + counts["in_doubt"]
    if attempts < settings.BULLETIN_ERROR_MIN_ATTEMPTS:
        return False
    if failures * 100 < settings.BULLETIN_ERROR_THRESHOLD_PERCENT * attempts:
        return False
    issue = BulletinIssue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).first()
    if issue is None:
        return False
    try:
        lifecycle.issue_pause(
            issue=issue, reason=f"Paused automatically: {failures} of {attempts} messages were not delivered"
        )
    except lifecycle.IssueStateError:
        return False
    return True


def rendered_for_send(issue: BulletinIssue, cache: dict[int, IssueEditions]) -> IssueEditions | None:
    """The version fixed when sending started, each edition rendered once per worker; None if it is gone.

    Never the live page: an editor may publish again while the issue is sending, and
    every recipient must get what the first one got.
    """
    revision_id = issue.sending_revision_id
    if revision_id is None:
        return None
    if revision_id not in cache:
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is None:
            return None
        cache[revision_id] = revision_editions(revision)
    return cache[revision_id]


def _pause_without_version(issue: BulletinIssue) -> None:
    # Paused or finished by someone else a moment ago: nothing to do.
    with contextlib.suppress(lifecycle.IssueStateError):
        lifecycle.issue_pause(issue=issue, reason=lifecycle.VERSION_GONE_REASON)
    logger.error("Bulletin issue %s has no version on record to send; paused it.", issue.pk)


def run_worker(
    *,
    issue_id: int | None = None,
    options: SendOptions | None = None,
    until_idle: bool = True,
    poll_seconds: float = 2.0,
    max_seconds: float | None = None,
) -> dict[str, int]:
    """Claim and send batches until nothing is left (or forever, for a dedicated worker)."""
    options = options or SendOptions()
    totals = {"batches": 0, "sent": 0, "failed": 0, "skipped": 0, "in_doubt": 0}
    base = new_worker_name()
    started = time.monotonic()
    pacer = Pacer(options.per_worker_rate)
    # Keyed by revision: a dedicated worker outlives one send, and a resume may fix another version.
    rendered_cache: dict[int, IssueEditions] = {}
    batch_number = 0
    while True:
        deliveries_recover_stale(timeout=options.claim_timeout)
        sending = BulletinIssue.objects.filter(status=IssueStatus.SENDING)
        if issue_id is not None:
            sending = sending.filter(pk=issue_id)
        worked = False
        for issue in sending:
            # Before claiming, so a send with nothing to render claims no rows.
            editions = rendered_for_send(issue, rendered_cache)
            if editions is None:
                _pause_without_version(issue)
                continue
            batch_number += 1
            worker = f"{base}:{batch_number}"
            ids = claim_batch(issue_id=issue.pk, worker=worker, options=options)
            if not ids:
                lifecycle.issue_finish_if_done(issue_id=issue.pk)
                continue
            worked = True
            result = send_batch(
                issue=issue,
                delivery_ids=ids,
                worker=worker,
                editions=editions,
                options=options,
                pacer=pacer,
            )
            totals["batches"] += 1
            for key in ("sent", "failed", "skipped", "in_doubt"):
                totals[key] += getattr(result, key)
            check_error_threshold(issue_id=issue.pk)
            lifecycle.issue_finish_if_done(issue_id=issue.pk)
            if result.stopped.startswith("could not connect"):
                time.sleep(poll_seconds)  # the mail server is down: back off rather than spin
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            break
        if not worked:
            open_rows = Delivery.objects.filter(
                issue__status=IssueStatus.SENDING, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.CLAIMED]
            )
            if issue_id is not None:
                open_rows = open_rows.filter(issue_id=issue_id)
            # Rows claimed by another worker either finish or go stale; wait for either.
            if until_idle and not open_rows.exists():
                break
            time.sleep(poll_seconds)
    return totals

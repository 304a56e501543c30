"""The outbox: every email Chorus sends is a row first, then claimed, sent and settled.

An event (a signature filed, a support request, a staff reply) adds its outbox rows in
its own transaction with ``outbox_add``, so a crash can lose neither the event nor its
email, and asks for a sender run after commit. A run (``outbox_send``, the task
``chorus.core.tasks.send_outbox``) claims due rows with a lease, hands each kind's rows
to the composer that kind registered, sends what comes back over one mail connection,
and settles every row:

- sent: the mail server accepted it;
- skipped: the composer found nothing to send any more (a signature confirmed meanwhile,
  an address erased);
- waiting again, with a growing delay, when the server refused for now (4xx) or the
  connection failed;
- failed: refused for good (5xx), or still refused after the last try.

A run that dies leaves its rows claimed; once the lease runs out the next run takes them
again, so an email may (rarely) go twice but is never lost. Errors kept on rows and in
logs name the error class and SMTP code, never an address.

Apps register a composer per kind in their ``emails.py`` (imported by their AppConfig):

    @outbox.composer("support.link", label="Support request: private link")
    def compose_link(messages: list[OutboxMessage]) -> Iterator[Envelope]: ...
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from chorus.core.mail import (
    MAIL_ERRORS,
    MAIL_REFUSED,
    build_email,
    describe_mail_error,
    refused_for_good,
)
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.core.queueing import coalesced_enqueue

logger = logging.getLogger(__name__)

# A run that has not settled its batch in this time is taken to have died.
LEASE = timedelta(minutes=5)
# Waits before each further try after a temporary refusal or a broken connection; the
# try after the last wait is the last one.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Set in the cache while a sender run is queued; the run clears it before it reads rows.
RUN_QUEUED_FLAG = "core:outbox-run-queued"
# A queued run waits this long first, so that in a surge it takes a whole batch.
GATHER = timedelta(seconds=1)
# A run stops taking new batches after this long and queues the next run instead,
# so one busy kind cannot hold a worker for ever.
RUN_BUDGET_SECONDS = 60.0


@dataclass(frozen=True)
class Envelope:
    """One message to send, and the outbox rows it settles (a digest settles several).

    Most envelopes carry an email. One that is not an email (a webhook's HTTP POST) carries
    ``deliver`` instead: the run calls it, outside the mail connection, and settles its rows
    the same way: returned, sent; ``DeliveryRefused``, failed (``for_good``) or tried again
    later; any other exception (a timeout, a refused connection), tried again later.
    """

    message: EmailMessage | None
    rows: tuple[int, ...]
    deliver: Callable[[], None] | None = None


class DeliveryRefused(Exception):
    """An envelope's ``deliver`` was answered with a refusal; ``reason`` names no one."""

    def __init__(self, reason: str, *, for_good: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:200]
        self.for_good = for_good


Composer = Callable[[list[OutboxMessage]], Iterable[Envelope]]
_composers: dict[str, Composer] = {}
_labels: dict[str, str] = {}


def composer(kind: str, *, label: str) -> Callable[[Composer], Composer]:
    """Register the function that builds the messages for one kind of outbox row.

    ``label`` names the kind in plain words for the staff screens ("Signing: confirmation
    link"); the kind itself is a code for the program.

    It is given the claimed rows of its kind and yields an envelope for each message to
    send; rows that no envelope names are settled as skipped. It may read and write its
    own app's records (issue a fresh link, file what the row stands for), and must be
    safe to run again for the same rows: a broken connection means they come back.
    """

    def register(function: Composer) -> Composer:
        if kind in _composers and _composers[kind] is not function:
            raise ValueError(f"Two composers for outbox kind {kind!r}.")
        _composers[kind] = function
        _labels[kind] = label
        return function

    return register


def registered_kinds() -> frozenset[str]:
    return frozenset(_composers)


def kind_label(kind: str) -> str:
    """A kind's name for people; a kind no app registers any more is called what it is."""
    return _labels.get(kind, "An email of a kind this version no longer sends")


# --- adding rows ----------------------------------------------------------------------


def outbox_add(
    *,
    kind: str,
    about_id: int | None = None,
    person_id: int | None = None,
    user_id: int | None = None,
    address: str = "",
    payload: dict[str, Any] | None = None,
    dedupe_key: str = "",
) -> OutboxMessage | None:
    """Queue one email; a sender run is asked for once the caller's transaction commits.

    With a ``dedupe_key``, a second row of the same kind and key is not added (None is
    returned): asking twice sends once.
    """
    rows = outbox_add_many(
        [
            outbox_row(
                kind=kind,
                about_id=about_id,
                person_id=person_id,
                user_id=user_id,
                address=address,
                payload=payload,
                dedupe_key=dedupe_key,
            )
        ]
    )
    return rows[0] if rows else None


def outbox_row(
    *,
    kind: str,
    about_id: int | None = None,
    person_id: int | None = None,
    user_id: int | None = None,
    address: str = "",
    payload: dict[str, Any] | None = None,
    dedupe_key: str = "",
) -> OutboxMessage:
    """An unsaved row, for ``outbox_add_many``."""
    if kind not in _composers:
        raise ValueError(f"No composer is registered for outbox kind {kind!r}.")
    return OutboxMessage(
        kind=kind,
        about_id=about_id,
        person_id=person_id,
        user_id=user_id,
        address=address,
        payload=json.dumps(payload, sort_keys=True) if payload else "",
        dedupe_key=dedupe_key[:100],
    )


def outbox_add_many(rows: Iterable[OutboxMessage]) -> list[OutboxMessage]:
    """Queue many emails in one write; rows whose dedupe key was used before are left out."""
    rows = list(rows)
    if not rows:
        return []
    keyed = [row for row in rows if row.dedupe_key]
    if keyed:
        taken = set(
            OutboxMessage.objects.filter(
                kind__in={row.kind for row in keyed}, dedupe_key__in={row.dedupe_key for row in keyed}
            ).values_list("kind", "dedupe_key")
        )
        seen: set[tuple[str, str]] = set()
        fresh = []
        for row in rows:
            key = (row.kind, row.dedupe_key)
            if row.dedupe_key and (key in taken or key in seen):
                continue
            seen.add(key)
            fresh.append(row)
        rows = fresh
    if len(rows) == 1 and rows[0].dedupe_key:
        # A concurrent request may add the same key between the check and the insert:
        # the unique constraint decides, inside a savepoint so the caller's work stands.
        try:
            with transaction.atomic():
                rows[0].save()
        except IntegrityError:
            return []
    else:
        # Keyed rows a concurrent request added meanwhile are left out by the constraint.
        OutboxMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=bool(keyed))
    if rows:
        # Robust: the rows are stored whatever happens; the periodic run sends them.
        transaction.on_commit(outbox_request_run, robust=True)
    return rows


def payload_of(row: OutboxMessage) -> dict[str, Any]:
    data = json.loads(row.payload) if row.payload else {}
    return data if isinstance(data, dict) else {}


def outbox_request_run() -> None:
    """See that a sender run happens soon: one queued run serves every row added before it
    starts. If the cache is unavailable, the periodic run (every half minute) sends them."""
    from chorus.core.tasks import send_outbox

    coalesced_enqueue(send_outbox, flag=RUN_QUEUED_FLAG, gather=GATHER)


# --- the sender run -------------------------------------------------------------------


@dataclass
class OutboxRun:
    """What one sender run did: outbox rows by outcome, and emails the server accepted
    (a digest settles several rows with one email)."""

    emails: int = 0
    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    batches: int = 0
    connection_failed: bool = False
    more_due: bool = False


def outbox_send(*, batch_size: int = 200, budget_seconds: float = RUN_BUDGET_SECONDS) -> OutboxRun:
    """Send every due row, batch by batch over one mail connection each."""
    cache.delete(RUN_QUEUED_FLAG)
    run = OutboxRun()
    started = time.monotonic()
    while True:
        batch = _claim(batch_size, now=timezone.now())
        if not batch:
            break
        run.batches += 1
        _send_batch(batch, run)
        if run.connection_failed:
            break  # the server is unwell: the rows wait out their delay
        if time.monotonic() - started > budget_seconds:
            run.more_due = True
            outbox_request_run()
            break
    if run.sent or run.failed:
        logger.debug("Outbox run: %d sent, %d skipped, %d to retry, %d failed.", *_figures(run))
    return run


def _figures(run: OutboxRun) -> tuple[int, int, int, int]:
    return run.sent, run.skipped, run.retrying, run.failed


def _claim(batch_size: int, *, now: datetime) -> list[OutboxMessage]:
    """Take up to ``batch_size`` due rows for this run, each counted as one more attempt."""
    due = OutboxMessage.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.SENDING, claimed_at__lt=now - LEASE)
    )
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:batch_size])
    if not ids:
        return []
    claim = secrets.token_hex(16)
    # Re-checked under the row lock: of two runs, only one takes each row.
    due.filter(pk__in=ids).update(status=OutboxStatus.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1)
    return list(OutboxMessage.objects.filter(claim=claim, status=OutboxStatus.SENDING).order_by("pk"))


@dataclass
class _Settlement:
    """Outcomes of one batch, applied in one transaction at the end."""

    claim: str
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    retry: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _send_batch(batch: list[OutboxMessage], run: OutboxRun) -> None:
    settlement = _Settlement(claim=batch[0].claim)
    attempts = {row.pk: row.attempts for row in batch}
    envelopes: list[Envelope] = []
    covered: set[int] = set()
    by_kind: dict[str, list[OutboxMessage]] = defaultdict(list)
    for row in batch:
        if row.attempts > MAX_ATTEMPTS:
            # Claimed and lost this many times (a worker that dies on this row, say).
            settlement.failed["gave up after repeated tries"].append(row.pk)
            covered.add(row.pk)
        else:
            by_kind[row.kind].append(row)
    for kind, rows in by_kind.items():
        try:
            composed = list(_compose(kind, rows))
        except Exception as error:  # a fault in one kind must not hold up the others
            logger.exception("The outbox composer for %s failed.", kind)
            settlement.failed[f"could not be composed: {error.__class__.__name__}"] += [row.pk for row in rows]
            covered.update(row.pk for row in rows)
            continue
        for envelope in composed:
            mine = tuple(pk for pk in envelope.rows if pk not in covered and pk in attempts)
            if mine:
                envelopes.append(Envelope(message=envelope.message, rows=mine, deliver=envelope.deliver))
                covered.update(mine)
    settlement.skipped = [row.pk for row in batch if row.pk not in covered]
    try:
        _deliver(envelopes, settlement, attempts, run)
    finally:
        _settle(settlement, attempts, run)


def _compose(kind: str, rows: list[OutboxMessage]) -> Iterable[Envelope]:
    compose = _composers.get(kind)
    if compose is None:
        raise LookupError(f"No composer is registered for outbox kind {kind!r}.")
    return compose(rows)


def _deliver(envelopes: list[Envelope], settlement: _Settlement, attempts: dict[int, int], run: OutboxRun) -> None:
    _deliver_direct([e for e in envelopes if e.deliver is not None], settlement, run)
    envelopes = [e for e in envelopes if e.deliver is None and e.message is not None]
    if not envelopes:
        return
    mailer = mailers["default"]
    try:
        mailer.open()
    except MAIL_ERRORS as error:
        # Nothing was sent on a connection that never opened: every row waits and tries again.
        _retry_all(envelopes, settlement, describe_mail_error(error))
        run.connection_failed = True
        logger.warning("Outbox: could not reach the mail server (%s).", describe_mail_error(error))
        return
    try:
        for index, envelope in enumerate(envelopes):
            try:
                mailer.send_messages([envelope.message])  # type: ignore[list-item]  # mail only (see above)
            except MAIL_REFUSED as error:
                # The server answered about this message; the connection takes the next.
                reason = describe_mail_error(error)
                if refused_for_good(error):
                    settlement.failed[reason] += envelope.rows
                else:
                    settlement.retry[reason] += envelope.rows
            except MAIL_ERRORS as error:
                # The connection broke: this message may or may not have gone (it goes
                # again: at least once), and the rest never started.
                _retry_all(envelopes[index:], settlement, describe_mail_error(error))
                run.connection_failed = True
                logger.warning("Outbox: the mail connection broke (%s).", describe_mail_error(error))
                return
            else:
                settlement.sent += envelope.rows
                run.emails += 1
    finally:
        try:
            mailer.close()
        except MAIL_ERRORS:
            logger.debug("Closing the mail connection failed.", exc_info=True)


def _deliver_direct(envelopes: list[Envelope], settlement: _Settlement, run: OutboxRun) -> None:
    """Envelopes that deliver themselves (not email): each on its own, one failure holds up no other."""
    for envelope in envelopes:
        assert envelope.deliver is not None
        try:
            envelope.deliver()
        except DeliveryRefused as error:
            (settlement.failed if error.for_good else settlement.retry)[error.reason] += envelope.rows
        except Exception as error:  # a timeout, a refused connection: try again later
            settlement.retry[f"could not deliver: {error.__class__.__name__}"] += envelope.rows
        else:
            settlement.sent += envelope.rows


def _retry_all(envelopes: list[Envelope], settlement: _Settlement, reason: str) -> None:
    for envelope in envelopes:
        settlement.retry[reason] += envelope.rows


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th try before the next one."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


@transaction.atomic
def _settle(settlement: _Settlement, attempts: dict[int, int], run: OutboxRun) -> None:
    now = timezone.now()
    mine = OutboxMessage.objects.filter(claim=settlement.claim, status=OutboxStatus.SENDING)
    run.sent += mine.filter(pk__in=settlement.sent).update(status=OutboxStatus.SENT, settled_at=now, error="")
    run.skipped += mine.filter(pk__in=settlement.skipped).update(status=OutboxStatus.SKIPPED, settled_at=now)
    for reason, ids in settlement.failed.items():
        run.failed += mine.filter(pk__in=ids).update(status=OutboxStatus.FAILED, settled_at=now, error=reason)
    for reason, ids in settlement.retry.items():
        last_try = [pk for pk in ids if attempts[pk] >= MAX_ATTEMPTS]
        run.failed += mine.filter(pk__in=last_try).update(
            status=OutboxStatus.FAILED, settled_at=now, error=f"{reason}; gave up after {MAX_ATTEMPTS} tries"
        )
        by_attempts: dict[int, list[int]] = defaultdict(list)
        for pk in ids:
            if attempts[pk] < MAX_ATTEMPTS:
                by_attempts[attempts[pk]].append(pk)
        for count, pks in by_attempts.items():
            run.retrying += mine.filter(pk__in=pks).update(
                status=OutboxStatus.PENDING, claim="", next_attempt_at=now + retry_delay(count), error=reason
            )


# --- upkeep -----------------------------------------------------------------------------


def outbox_prune(*, now: datetime | None = None) -> int:
    """Delete settled rows after the retention period; failed ones are kept longer for staff."""
    now = now or timezone.now()
    settled = OutboxMessage.objects.filter(
        status__in=[OutboxStatus.SENT, OutboxStatus.SKIPPED],
        settled_at__lt=now - timedelta(days=settings.CHORUS_RETENTION_OUTBOX_DAYS),
    )
    failed = OutboxMessage.objects.filter(
        status=OutboxStatus.FAILED,
        settled_at__lt=now - timedelta(days=settings.CHORUS_RETENTION_OUTBOX_FAILED_DAYS),
    )
    removed = settled.delete()[0] + failed.delete()[0]
    return removed


def outbox_forget_person(*, person_id: int) -> int:
    """A person's erasure: their waiting emails are dropped, their sent ones forgotten."""
    return OutboxMessage.objects.filter(person_id=person_id).delete()[0]


# --- the one kind every app can use: a three-part template to a member of staff or an address


TEMPLATED = "core.templated"


def email_staff(*, user_id: int, template: str, context: dict[str, Any], dedupe_key: str = "") -> None:
    """Queue a templated email to a member of staff (their current address is read when it goes).

    ``context`` must be plain JSON data (it is stored, encrypted, until the email goes).
    """
    outbox_add(
        kind=TEMPLATED,
        user_id=user_id,
        payload={"template": template, "context": context},
        dedupe_key=dedupe_key,
    )


@composer(TEMPLATED, label="Notice to staff")
def compose_templated(rows: list[OutboxMessage]) -> Iterator[Envelope]:
    from django.contrib.auth import get_user_model

    user_ids = {row.user_id for row in rows if row.user_id}
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True)}
    for row in rows:
        to = row.address
        if row.user_id is not None:
            user = users.get(row.user_id)
            to = getattr(user, "email", "") if user is not None else ""
        if not to:
            continue  # left, or no address: nothing to send
        data = payload_of(row)
        yield Envelope(
            message=build_email(to=to, template=str(data["template"]), context=dict(data.get("context", {}))),
            rows=(row.pk,),
        )

"""Seal the audit log into a keyed chain, publish each head outside the database, and
check the log against those heads (docs/decisions/0014).

- Writers only insert rows (``chorus.core.audit``). Every minute ``audit_log_seal`` takes
  the rows not sealed yet, ordered by id, gives each the next sequence number and chains
  it: ``digest[n] = HMAC-SHA256(key, digest[n-1] + entry n)``. Only the sealer locks
  anything (the one ``AuditSealState`` row), so only sealers wait for one another.
- After each run the newest head (sequence number, digest, time) is appended to
  ``CHORUS_AUDIT_SEAL_LOG`` and logged on the ``chorus.audit.seals`` logger, for
  operators to ship off the machine.
- ``audit_log_verify`` recomputes every entry's seal with the key and compares the chain
  with every head in the seal log. Without the key nobody can re-chain rows they changed,
  and with it they still cannot change the heads already shipped elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chorus.core import outbox
from chorus.core.audit import log_action
from chorus.core.mail import build_email
from chorus.core.models import AuditCheck, AuditEvent, AuditSealState, OutboxMessage
from chorus.core.outbox import outbox_add_many, outbox_row

GENESIS_DIGEST = "0" * 64
# What a seal covers. Not the actor link: it is emptied when a staff account is deleted
# (a legitimate change), while actor_label keeps who acted and is sealed.
SEALED_FIELDS = ("id", "created_at", "actor_label", "action", "object_type", "object_id", "screen", "data")
SEAL_FIELDS = ("seal_sequence", "seal_digest", "seal_key_id")
# Rows sealed per transaction: a backlog (the first run after upgrading) commits as it goes.
SEAL_BATCH_SIZE = 2000
# Problems kept in full on a check; the count covers the rest.
PROBLEMS_KEPT = 100

seal_logger = logging.getLogger("chorus.audit.seals")


# --- keys ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealKeys:
    current_id: str
    keys: dict[str, bytes]


def seal_key_id(key: bytes) -> str:
    """A short name for a key, recorded with each seal; it reveals nothing of the key."""
    return hmac.new(key, b"chorus audit seal key id", hashlib.sha256).hexdigest()[:16]


@lru_cache(maxsize=4)
def _seal_keys(current: str, fallbacks: tuple[str, ...]) -> SealKeys:
    keys = {seal_key_id(raw.encode()): raw.encode() for raw in (current, *fallbacks)}
    return SealKeys(current_id=seal_key_id(current.encode()), keys=keys)


def seal_keys() -> SealKeys:
    """The key new seals use, and every key old seals may have used (by key id)."""
    return _seal_keys(settings.CHORUS_AUDIT_SEAL_KEY, tuple(settings.CHORUS_AUDIT_SEAL_KEY_FALLBACKS))


def entry_digest(*, key: bytes, key_id: str, previous: str, sequence: int, entry: Mapping[str, Any]) -> str:
    """The chain's digest after ``entry``, sealed as number ``sequence`` after ``previous``."""
    payload = json.dumps(
        {
            "sequence": sequence,
            "key_id": key_id,
            "id": entry["id"],
            "created_at": entry["created_at"].astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_label": entry["actor_label"],
            "action": entry["action"],
            "object_type": entry["object_type"],
            "object_id": entry["object_id"],
            "screen": entry["screen"],
            "data": entry["data"],
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hmac.new(key, f"{previous}\n{payload}".encode(), hashlib.sha256).hexdigest()


# --- heads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SealHead:
    """Where the chain stood after a sealing run."""

    sequence: int
    digest: str
    key_id: str
    sealed_at: datetime

    def as_json(self) -> str:
        return json.dumps(
            {
                "sequence": self.sequence,
                "digest": self.digest,
                "key_id": self.key_id,
                "sealed_at": self.sealed_at.astimezone(UTC).isoformat(),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> SealHead:
        value = json.loads(text)
        return cls(
            sequence=int(value["sequence"]),
            digest=str(value["digest"]),
            key_id=str(value["key_id"]),
            sealed_at=datetime.fromisoformat(str(value["sealed_at"])),
        )


def seal_head_publish(*, head: SealHead) -> None:
    """Append the head to the seal log and log it, so it exists outside the database."""
    line = head.as_json()
    # The logger first: if the file cannot be written, the line still reaches the pipeline.
    seal_logger.info("audit seal %s", line)
    path = Path(settings.CHORUS_AUDIT_SEAL_LOG)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: one short write lands whole at the end, also beside another sealer, and
    # works on a file made append-only (chattr +a).
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class HeadsRead:
    heads: list[SealHead] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def seal_heads_read(*, paths: Sequence[Path]) -> HeadsRead:
    """Every head in the seal logs. A line may carry a prefix (a shipped log line): the
    head is the JSON from its first ``{``."""
    read = HeadsRead()
    for path in paths:
        try:
            handle = path.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            # Not yet written (nothing sealed yet) is fine; sealed entries with no heads
            # at all are reported by the check itself.
            continue
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                start = line.find("{")
                try:
                    if start < 0:
                        raise ValueError("no JSON on the line")
                    read.heads.append(SealHead.from_json(line[start:]))
                except (ValueError, KeyError, TypeError):
                    read.problems.append(f"Line {number} of {path.name} is not a seal head.")
    return read


# --- sealing ---------------------------------------------------------------------------


def _seal_batch(*, batch_size: int) -> int:
    """Seal up to ``batch_size`` rows after the current head; return how many."""
    with transaction.atomic():
        # Sealers queue here; writers never touch this row.
        state = AuditSealState.objects.select_for_update().get(pk=1)
        rows = list(
            AuditEvent.objects.filter(seal_sequence__isnull=True).order_by("id").values(*SEALED_FIELDS)[:batch_size]
        )
        if not rows:
            return 0
        keys = seal_keys()
        key = keys.keys[keys.current_id]
        digest, sequence = state.digest, state.sequence
        sealed = []
        for row in rows:
            sequence += 1
            digest = entry_digest(key=key, key_id=keys.current_id, previous=digest, sequence=sequence, entry=row)
            sealed.append(
                AuditEvent(id=row["id"], seal_sequence=sequence, seal_digest=digest, seal_key_id=keys.current_id)
            )
        AuditEvent.objects.bulk_update(sealed, list(SEAL_FIELDS), batch_size=500)
        state.sequence, state.digest, state.key_id, state.sealed_at = sequence, digest, keys.current_id, timezone.now()
        state.save(update_fields=["sequence", "digest", "key_id", "sealed_at"])
        return len(rows)


def _publish_pending_head() -> None:
    state = AuditSealState.objects.filter(pk=1).first()
    if state is None or state.sealed_at is None or state.sequence <= state.published_sequence:
        return
    seal_head_publish(
        head=SealHead(sequence=state.sequence, digest=state.digest, key_id=state.key_id, sealed_at=state.sealed_at)
    )
    # Marked only once written: a run that stops in between publishes the head again next
    # time, and a repeated line is harmless, while a head never written would be lost.
    AuditSealState.objects.filter(pk=1, published_sequence__lt=state.sequence).update(
        published_sequence=state.sequence
    )


def audit_log_seal(*, batch_size: int = SEAL_BATCH_SIZE) -> int:
    """Seal every entry not sealed yet, in the order found, and publish the new head; return how many."""
    AuditSealState.objects.get_or_create(pk=1, defaults={"digest": GENESIS_DIGEST})
    total = 0
    while count := _seal_batch(batch_size=batch_size):
        total += count
    # After commit: a head must never name entries that were rolled back. Outside a
    # transaction (a task run) this is at once.
    transaction.on_commit(_publish_pending_head)
    return total


# --- verifying -------------------------------------------------------------------------


@dataclass
class VerificationReport:
    checked_at: datetime
    entries_checked: int = 0
    heads_checked: int = 0
    last_head_sequence: int = 0
    unsealed_entries: int = 0
    entries_after_last_head: int = 0
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(text)


def _heads_by_sequence(heads: Iterable[SealHead], report: VerificationReport) -> dict[int, SealHead]:
    by_sequence: dict[int, SealHead] = {}
    for head in heads:
        known = by_sequence.setdefault(head.sequence, head)
        if known.digest != head.digest:
            report.problem(f"Two seal heads for entry {head.sequence} disagree: the seal log was altered.")
    return by_sequence


def audit_log_verify(*, seal_logs: Sequence[Path] | None = None) -> VerificationReport:
    """Check every sealed entry against its seal and the chain against every head."""
    report = VerificationReport(checked_at=timezone.now())
    # Heads and the seal state are read before the rows, so every entry they name is
    # already committed when the rows are read.
    read = seal_heads_read(paths=seal_logs or [Path(settings.CHORUS_AUDIT_SEAL_LOG)])
    for path in seal_logs or []:
        if not path.exists():
            report.problem(f"The seal log {path} does not exist.")
    for text in read.problems:
        report.problem(text)
    heads = _heads_by_sequence(read.heads, report)
    state = AuditSealState.objects.filter(pk=1).first()
    keys = seal_keys()

    expected, previous, last_sequence = 1, GENESIS_DIGEST, 0
    rows = (
        AuditEvent.objects.filter(seal_sequence__isnull=False)
        .order_by("seal_sequence")
        .values(*SEALED_FIELDS, *SEAL_FIELDS)
        .iterator(chunk_size=2000)
    )
    for row in rows:
        sequence: int = row["seal_sequence"]
        report.entries_checked += 1
        gap = sequence != expected
        if gap:
            if sequence == expected + 1:
                report.problem(f"Sealed entry {expected} is missing: a row was deleted.")
            else:
                report.problem(f"Sealed entries {expected} to {sequence - 1} are missing: rows were deleted.")
        key = keys.keys.get(row["seal_key_id"])
        if key is None:
            report.problem(
                f"Entry {sequence} (event {row['id']}) names a seal key that is not configured: "
                "add the old key to CHORUS_AUDIT_SEAL_KEY_FALLBACKS, or the seal was forged."
            )
        elif not gap:
            # After a gap this entry was chained from a row that is gone: already reported.
            digest = entry_digest(key=key, key_id=row["seal_key_id"], previous=previous, sequence=sequence, entry=row)
            if not hmac.compare_digest(digest, row["seal_digest"]):
                report.problem(
                    f"Entry {sequence} (event {row['id']}) does not match its seal: "
                    "it was edited, or inserted or re-chained without the key."
                )
        head = heads.get(sequence)
        if head is not None:
            report.heads_checked += 1
            if not hmac.compare_digest(head.digest, row["seal_digest"]):
                report.problem(
                    f"The seal head for entry {sequence} (sealed {head.sealed_at:%Y-%m-%d %H:%M:%S %Z}) does not "
                    "match the log: entries up to it were changed, removed or re-chained."
                )
        previous, expected, last_sequence = row["seal_digest"], sequence + 1, sequence

    report.last_head_sequence = max(heads, default=0)
    if report.last_head_sequence > last_sequence:
        report.problem(
            f"The seal log names entries up to {report.last_head_sequence}, but the sealed log ends at "
            f"{last_sequence}: the newest entries were removed."
        )
    if state is not None and state.sequence > last_sequence:
        report.problem(
            f"The seal state names entries up to {state.sequence}, but the sealed log ends at {last_sequence}: "
            "the newest entries were removed."
        )
    if last_sequence and not heads:
        report.problem(f"{last_sequence} entries are sealed but the seal log holds no heads: it was lost or replaced.")
    report.entries_after_last_head = max(0, last_sequence - report.last_head_sequence)
    report.unsealed_entries = AuditEvent.objects.filter(seal_sequence__isnull=True).count()
    return report


def audit_log_check(*, seal_logs: Sequence[Path] | None = None, screen: str) -> AuditCheck:
    """Verify the log against its seals, keep the result for staff screens, and audit a mismatch."""
    # Read outside a transaction: checking a long log must not hold one open for minutes.
    report = audit_log_verify(seal_logs=seal_logs)
    with transaction.atomic():
        return _check_record(report=report, screen=screen)


def _check_record(*, report: VerificationReport, screen: str) -> AuditCheck:
    check = AuditCheck.objects.create(
        checked_at=report.checked_at,
        ok=report.ok,
        entries_checked=report.entries_checked,
        heads_checked=report.heads_checked,
        last_head_sequence=report.last_head_sequence,
        unsealed_entries=report.unsealed_entries,
        entries_after_last_head=report.entries_after_last_head,
        problem_count=report.problem_count,
        problems=report.problems,
    )
    if not report.ok:
        log_action("core.audit_log.mismatch_found", obj=check, data={"problems": report.problem_count}, screen=screen)
    return check


# --- the daily check and its alert -----------------------------------------------------


def audit_log_check_scheduled() -> bool:
    """The daily check against the seals; on a mismatch the administrators are emailed."""
    check = audit_log_check(screen="scheduled job")
    if not check.ok:
        audit_log_alert_queue(check=check)
    return check.ok


def audit_log_alert_recipients() -> QuerySet[AbstractBaseUser]:
    """Active staff with an email address who may read the audit log: the Administrator
    role (it holds ``core.view_auditevent``) and superusers."""
    may_read = (
        Q(is_superuser=True)
        | Q(groups__permissions__content_type__app_label="core", groups__permissions__codename="view_auditevent")
        | Q(user_permissions__content_type__app_label="core", user_permissions__codename="view_auditevent")
    )
    return get_user_model().objects.filter(may_read, is_active=True).exclude(email="").distinct().order_by("pk")


AUDIT_ALERT_EMAIL = "core.audit_log_mismatch"


def audit_log_alert_queue(*, check: AuditCheck) -> int:
    """Queue an email to each administrator that a check found the log does not match its seals."""
    recipients = list(audit_log_alert_recipients())
    outbox_add_many(
        outbox_row(kind=AUDIT_ALERT_EMAIL, about_id=check.pk, user_id=user.pk, dedupe_key=f"{check.pk}:{user.pk}")
        for user in recipients
    )
    return len(recipients)


@outbox.composer(AUDIT_ALERT_EMAIL, label="Audit log check: a problem was found")
def compose_audit_alerts(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    checks = {check.pk: check for check in AuditCheck.objects.filter(pk__in={row.about_id for row in rows})}
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in={row.user_id for row in rows})}
    for row in rows:
        check, user = checks.get(row.about_id or 0), users.get(row.user_id or 0)
        if check is None or user is None or not user.is_active or not user.email:
            continue
        context = {
            "name": user.get_full_name() or user.get_username(),
            "check": check,
            "problems": check.problems[:10],
            "audit_log_path": "/admin/audit-log/",
        }
        message = build_email(to=user.email, template="core/email/audit_log_mismatch", context=context)
        yield outbox.Envelope(message=message, rows=(row.pk,))

"""The audit log: written without a lock, sealed into a keyed chain, checked against seal
heads kept outside the database (docs/decisions/0014)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chorus.accounts.models import User
from chorus.core import audit_seals
from chorus.core.audit import log_action, log_actions
from chorus.core.audit_seals import (
    GENESIS_DIGEST,
    audit_log_check_scheduled,
    audit_log_seal,
    audit_log_verify,
    entry_digest,
    seal_keys,
)
from chorus.core.models import AuditCheck, AuditEvent, AuditSealState
from chorus.core.periodic import periodic_jobs
from chorus.core.tests.sealing import seal_now, sealed_and_verified

pytestmark = pytest.mark.django_db


def _events(count: int = 3, start: int = 0) -> list[AuditEvent]:
    return [
        log_action(f"core.test.event{n}", object_type="test", object_id=n, data={"n": n})
        for n in range(start, start + count)
    ]


def _seal_log_lines() -> list[dict[str, Any]]:
    path = Path(settings.CHORUS_AUDIT_SEAL_LOG)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _sealed(event: AuditEvent) -> AuditEvent:
    return AuditEvent.objects.get(pk=event.pk)


def _problems() -> str:
    report = audit_log_verify()
    assert not report.ok
    return "\n".join(report.problems)


# --- writing: no lock, nothing shared ---------------------------------------------------


def test_writing_an_entry_is_one_insert_with_no_lock_or_shared_row() -> None:
    with CaptureQueriesContext(connection) as queries:
        log_action("core.test.event", object_type="test", object_id=1)
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 1, statements
    assert statements[0].startswith('INSERT INTO "core_auditevent"')
    assert not any("FOR UPDATE" in sql.upper() for sql in statements)


def test_a_batch_of_entries_is_one_insert_with_no_lock(administrator: User, editor: User) -> None:
    with CaptureQueriesContext(connection) as queries:
        events = log_actions("core.test.batch", objs=[administrator, editor], screen="a job")
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 1 and statements[0].startswith('INSERT INTO "core_auditevent"')
    assert [event.object_id for event in events] == [str(administrator.pk), str(editor.pk)]
    assert all(event.pk for event in events)


def test_request_and_object_details_are_recorded(rf: pytest.FixtureRequest, administrator: User) -> None:
    request = rf.get("/admin/people/")  # type: ignore[attr-defined]
    request.user = administrator
    event = log_action("core.test.viewed", obj=administrator, request=request, data={"count": 2})
    assert event.actor == administrator
    assert event.actor_label == "ada-administrator"
    assert event.object_type == "accounts.user"
    assert event.screen == "/admin/people/"
    assert event.data == {"count": 2}
    assert event.seal_sequence is None  # sealed later, by the sealer alone


# --- sealing --------------------------------------------------------------------------


def test_sealing_numbers_entries_in_order_and_publishes_the_head(caplog: pytest.LogCaptureFixture) -> None:
    events = _events(3)
    with caplog.at_level(logging.INFO, logger="chorus.audit.seals"):
        assert seal_now() == 3
    sealed = [_sealed(event) for event in events]
    assert [event.seal_sequence for event in sealed] == [1, 2, 3]
    keys = seal_keys()
    previous = GENESIS_DIGEST
    for number, event in enumerate(sealed, start=1):
        row = AuditEvent.objects.values(*audit_seals.SEALED_FIELDS).get(pk=event.pk)
        previous = entry_digest(
            key=keys.keys[keys.current_id], key_id=keys.current_id, previous=previous, sequence=number, entry=row
        )
        assert event.seal_digest == previous and event.seal_key_id == keys.current_id
    [head] = _seal_log_lines()
    assert head["sequence"] == 3 and head["digest"] == previous and head["key_id"] == keys.current_id
    assert set(head) == {"sequence", "digest", "key_id", "sealed_at"}  # nothing from the entries themselves
    [record] = [r for r in caplog.records if r.name == "chorus.audit.seals"]
    assert json.loads(record.getMessage().partition(" seal ")[2]) == head
    state = AuditSealState.objects.get(pk=1)
    assert (state.sequence, state.digest, state.published_sequence) == (3, previous, 3)


def test_sealing_is_idempotent() -> None:
    events = _events(3)
    assert seal_now() == 3
    digests = [_sealed(event).seal_digest for event in events]
    assert seal_now() == 0
    assert seal_now() == 0
    assert [_sealed(event).seal_digest for event in events] == digests
    assert len(_seal_log_lines()) == 1  # a run with nothing new writes no head
    _events(1, start=3)
    assert seal_now() == 1
    assert [head["sequence"] for head in _seal_log_lines()] == [3, 4]
    assert sealed_and_verified().ok


def test_sealing_a_backlog_commits_in_batches_and_publishes_one_head() -> None:
    _events(5)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert audit_log_seal(batch_size=2) == 5
    assert [head["sequence"] for head in _seal_log_lines()] == [5]
    assert audit_log_verify().ok


def test_an_entry_with_a_lower_id_that_appears_after_a_seal_is_sealed_next() -> None:
    """On PostgreSQL ids are taken when a row is inserted but seen when it commits, so a
    lower id can appear after a higher one was sealed. Here the late row is made directly."""
    placeholder = log_action("core.test.placeholder")
    lower_id = placeholder.pk
    placeholder.delete()  # unsealed yet: frees a lower id for the late row below
    sealed_first = log_action("core.test.first")
    seal_now()
    late = AuditEvent.objects.create(
        id=lower_id, created_at=timezone.now(), action="core.test.late", object_type="test", data={}
    )
    assert late.pk < sealed_first.pk
    assert seal_now() == 1
    assert _sealed(sealed_first).seal_sequence == 1
    assert _sealed(late).seal_sequence == 2
    report = audit_log_verify()
    assert report.ok, report.problems
    assert report.entries_checked == 2 and report.heads_checked == 2


def test_a_head_the_sealer_could_not_write_is_written_by_its_next_run(monkeypatch: pytest.MonkeyPatch) -> None:
    _events(2)

    def disk_full(*, head: Any) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(audit_seals, "seal_head_publish", disk_full)
    with pytest.raises(OSError):
        seal_now()
    assert AuditSealState.objects.get(pk=1).published_sequence == 0
    assert "the seal log holds no heads" in _problems()
    monkeypatch.undo()
    assert seal_now() == 0  # nothing new, but the head still owed is written
    assert [head["sequence"] for head in _seal_log_lines()] == [2]
    assert audit_log_verify().ok


def test_sealed_entries_after_the_last_head_pass_and_are_reported() -> None:
    _events(2)
    seal_now()
    _events(1, start=2)
    with TestCase.captureOnCommitCallbacks(execute=False):  # sealed; the head not written yet
        audit_log_seal()
    log_action("core.test.unsealed")
    report = audit_log_verify()
    assert report.ok, report.problems
    assert (report.entries_checked, report.last_head_sequence) == (3, 2)
    assert report.entries_after_last_head == 1
    assert report.unsealed_entries == 1


# --- verifying: every kind of tampering is found ---------------------------------------


def test_an_intact_log_passes_and_the_command_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    _events(3)
    seal_now()
    call_command("verify_audit_log")
    out = capsys.readouterr().out
    assert "Checked 3 sealed entries against 1 seal head (the newest names entry 3)" in out
    assert "matches its seals" in out
    check = AuditCheck.objects.get()
    assert check.ok and check.entries_checked == 3 and check.problems == []


@pytest.mark.parametrize(
    "change",
    [
        {"data": {"n": 99}},
        {"actor_label": "someone-else"},
        {"action": "core.test.harmless"},
        {"object_id": "77"},
        {"screen": "/elsewhere/"},
        {"created_at": timezone.now()},
    ],
)
def test_an_edited_entry_is_found(change: dict[str, Any]) -> None:
    _, second, _ = _events(3)
    seal_now()
    AuditEvent.objects.filter(pk=second.pk).update(**change)
    report = audit_log_verify()
    assert report.problems == [
        f"Entry 2 (event {second.pk}) does not match its seal: "
        "it was edited, or inserted or re-chained without the key."
    ]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit_log")


def test_a_deleted_entry_is_found() -> None:
    _, second, _ = _events(3)
    seal_now()
    AuditEvent.objects.filter(pk=second.pk).delete()
    assert audit_log_verify().problems == ["Sealed entry 2 is missing: a row was deleted."]


def test_several_deleted_entries_are_found() -> None:
    events = _events(5)
    seal_now()
    AuditEvent.objects.filter(pk__in=[events[0].pk, events[2].pk, events[3].pk]).delete()
    assert audit_log_verify().problems == [
        "Sealed entry 1 is missing: a row was deleted.",
        "Sealed entries 3 to 4 are missing: rows were deleted.",
    ]


def test_a_truncated_tail_is_found() -> None:
    events = _events(4)
    seal_now()
    AuditEvent.objects.filter(pk__in=[events[2].pk, events[3].pk]).delete()
    problems = _problems()
    assert "The seal log names entries up to 4, but the sealed log ends at 2" in problems
    assert "The seal state names entries up to 4" in problems


def test_an_entry_inserted_among_sealed_ones_is_found() -> None:
    _, second, third = _events(3)
    seal_now()
    # Room is made at number 3 and a made-up entry put there with a made-up seal.
    AuditEvent.objects.filter(pk=third.pk).update(seal_sequence=4)
    forged = AuditEvent.objects.create(
        created_at=second.created_at,
        action="core.test.forged",
        object_type="test",
        data={},
        seal_sequence=3,
        seal_digest=hashlib.sha256(b"made up").hexdigest(),
        seal_key_id=seal_keys().current_id,
    )
    problems = _problems()
    assert f"Entry 3 (event {forged.pk}) does not match its seal" in problems
    assert "The seal head for entry 3" in problems


def test_re_chaining_with_plain_sha256_after_a_deletion_is_found() -> None:
    """What the old log allowed: delete a row and rebuild every hash after it. Without the
    key, the rebuilt seals are wrong, and the heads outside the database disagree."""
    events = _events(4)
    seal_now()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    previous = GENESIS_DIGEST
    rows = AuditEvent.objects.order_by("seal_sequence").values(*audit_seals.SEALED_FIELDS)
    for number, row in enumerate(list(rows), start=1):
        payload = json.dumps({**row, "sequence": number}, sort_keys=True, default=str)
        previous = hashlib.sha256(f"{previous}\n{payload}".encode()).hexdigest()
        AuditEvent.objects.filter(pk=row["id"]).update(seal_sequence=number, seal_digest=previous)
    AuditSealState.objects.filter(pk=1).update(sequence=3, digest=previous, published_sequence=3)
    report = audit_log_verify()
    assert sum("does not match its seal" in problem for problem in report.problems) == 3
    assert any("The seal log names entries up to 4, but the sealed log ends at 3" in p for p in report.problems)


def test_re_chaining_with_the_key_is_found_by_the_heads_kept_outside_the_database() -> None:
    """Someone who has the key as well (an insider) can re-seal rows consistently, but
    cannot change the heads already written outside the database."""
    events = _events(3)
    seal_now()
    _events(2, start=3)
    seal_now()  # heads at 3 and 5
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    keys = seal_keys()
    previous = GENESIS_DIGEST
    rows = AuditEvent.objects.order_by("seal_sequence").values(*audit_seals.SEALED_FIELDS)
    for number, row in enumerate(list(rows), start=1):
        previous = entry_digest(
            key=keys.keys[keys.current_id], key_id=keys.current_id, previous=previous, sequence=number, entry=row
        )
        AuditEvent.objects.filter(pk=row["id"]).update(seal_sequence=number, seal_digest=previous)
    AuditSealState.objects.filter(pk=1).update(sequence=4, digest=previous, published_sequence=4)
    report = audit_log_verify()
    assert not any("does not match its seal" in problem for problem in report.problems)  # consistent re-seal…
    assert any("The seal head for entry 3" in problem for problem in report.problems)  # …but the heads disagree
    assert any("The seal log names entries up to 5, but the sealed log ends at 4" in p for p in report.problems)


def test_a_seal_made_with_another_key_is_found(settings: Any) -> None:
    _events(2)
    settings.CHORUS_AUDIT_SEAL_KEY = "an-attackers-own-seal-key-0000000000000000000"
    seal_now()
    settings.CHORUS_AUDIT_SEAL_KEY = "test-only-audit-seal-key-222222222222222222222"
    problems = _problems()
    assert "names a seal key that is not configured" in problems


def test_a_lost_or_edited_seal_log_is_found() -> None:
    _events(2)
    seal_now()
    path = Path(settings.CHORUS_AUDIT_SEAL_LOG)
    [head] = _seal_log_lines()
    path.write_text(json.dumps({**head, "digest": "f" * 64}) + "\n" + "not a head\n")
    problems = _problems()
    assert "The seal head for entry 2" in problems
    assert f"Line 2 of {path.name} is not a seal head." in problems
    with path.open("a") as handle:
        handle.write(json.dumps(head) + "\n")
    assert "Two seal heads for entry 2 disagree" in _problems()
    path.unlink()
    assert "2 entries are sealed but the seal log holds no heads" in _problems()


def test_heads_shipped_elsewhere_are_read_with_their_log_prefix(tmp_path: Path) -> None:
    _events(2)
    seal_now()
    [line] = Path(settings.CHORUS_AUDIT_SEAL_LOG).read_text().splitlines()
    shipped = tmp_path / "collected.log"
    shipped.write_text(f"Dec  7 10:00:01 worker-2 chorus[123]: audit seal {line}\n")
    report = audit_log_verify(seal_logs=[shipped])
    assert report.ok and report.heads_checked == 1
    call_command("verify_audit_log", "--seal-log", str(shipped))
    mistyped = tmp_path / "colected.log"
    assert f"The seal log {mistyped} does not exist." in audit_log_verify(seal_logs=[mistyped]).problems


def test_a_rotated_key_keeps_old_seals_checkable_while_it_is_a_fallback(settings: Any) -> None:
    old_key = settings.CHORUS_AUDIT_SEAL_KEY
    old = _events(2)
    seal_now()
    settings.CHORUS_AUDIT_SEAL_KEY = "a-new-seal-key-after-rotation-99999999999999999"
    settings.CHORUS_AUDIT_SEAL_KEY_FALLBACKS = [old_key]
    new = _events(1, start=2)
    seal_now()
    assert _sealed(old[0]).seal_key_id != _sealed(new[0]).seal_key_id
    assert audit_log_verify().ok
    settings.CHORUS_AUDIT_SEAL_KEY_FALLBACKS = []
    report = audit_log_verify()
    assert report.problem_count == 2
    assert all("names a seal key that is not configured" in problem for problem in report.problems)


# --- the daily check: recorded, audited, administrators emailed -----------------------


def test_the_seal_and_check_jobs_are_scheduled() -> None:
    jobs = {job.name: job.every for job in periodic_jobs()}
    assert jobs["core.seal_audit_log"] == timedelta(minutes=1)
    assert jobs["core.verify_audit_log"] == timedelta(days=1)


def test_a_passing_daily_check_is_recorded_and_emails_no_one(
    administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    _events(2)
    seal_now()
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_log_check_scheduled() is True
    check = AuditCheck.objects.get()
    assert check.ok and check.entries_checked == AuditEvent.objects.count() and check.heads_checked == 1
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="core.audit_log.mismatch_found").exists()


def test_a_failing_daily_check_is_recorded_audited_and_emailed_to_administrators(
    administrator: User, editor: User, caseworker: User, django_capture_on_commit_callbacks: Any
) -> None:
    inactive = User.objects.create_superuser(username="gone", email="gone@chorus.test", password="x" * 20)
    inactive.is_active = False
    inactive.save()
    User.objects.create_superuser(username="root-no-mail", email="", password="x" * 20)
    root = User.objects.create_superuser(username="root", email="root@chorus.test", password="x" * 20)
    _, second, _ = _events(3)
    seal_now()
    missing = _sealed(second).seal_sequence
    AuditEvent.objects.filter(pk=second.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_log_check_scheduled() is False
    check = AuditCheck.objects.get()
    assert not check.ok and check.problem_count == 1
    assert check.problems == [f"Sealed entry {missing} is missing: a row was deleted."]
    event = AuditEvent.objects.get(action="core.audit_log.mismatch_found")
    assert (event.object_type, event.object_id, event.data) == ("core.auditcheck", str(check.pk), {"problems": 1})
    assert sorted(message.to[0] for message in mail.outbox) == sorted([administrator.email, root.email])
    message = mail.outbox[0]
    assert "audit log check failed" in message.subject
    assert f"Sealed entry {missing} is missing" in message.body
    assert "manage.py verify_audit_log" in message.body
    html = message.alternatives[0].content  # type: ignore[attr-defined]
    # A list item (styled by the attribute the email layout's inliner writes in).
    assert re.search(rf"<li[^>]*>Sealed entry {missing} is missing: a row was deleted.</li>", html)

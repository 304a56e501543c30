"""Audit writers never wait for one another or for the sealer, and a row that commits
late is sealed late (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from chorus.core.audit import log_action
from chorus.core.audit_seals import GENESIS_DIGEST, audit_log_seal, audit_log_verify
from chorus.core.models import AuditEvent, AuditSealState

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs real concurrent transactions (PostgreSQL)")


@contextmanager
def held_open(work: Callable[[], object]) -> Iterator[list[object]]:
    """Run ``work`` in a transaction on another connection and keep that transaction
    open (holding whatever it locked) until the block ends; then commit it."""
    done_work, finish = threading.Event(), threading.Event()
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with transaction.atomic():
                results.append(work())
                done_work.set()
                finish.wait(20)
        except BaseException as error:
            errors.append(error)
            done_work.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert done_work.wait(20)
    try:
        yield results
    finally:
        finish.set()
        thread.join(20)
    assert errors == []


@contextmanager
def refuse_to_wait_for_locks() -> Iterator[None]:
    """Make this connection fail at once instead of waiting on a lock another holds."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '500ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_a_writer_does_not_wait_for_another_writers_open_transaction() -> None:
    with held_open(lambda: log_action("core.test.slow")) as slow, refuse_to_wait_for_locks():
        quick = log_action("core.test.quick")  # would raise LockNotAvailable behind a shared row
    assert AuditEvent.objects.filter(pk__in=[quick.pk, slow[0].pk]).count() == 2  # type: ignore[attr-defined]


def test_a_writer_does_not_wait_for_the_sealer() -> None:
    log_action("core.test.before")
    AuditSealState.objects.get_or_create(pk=1, defaults={"digest": GENESIS_DIGEST})

    def seal_and_hold() -> object:
        # A sealer in the middle of its run: the seal state is locked and rows are being updated.
        state = AuditSealState.objects.select_for_update().get(pk=1)
        AuditEvent.objects.filter(seal_sequence__isnull=True).update(seal_digest="")
        return state

    with held_open(seal_and_hold), refuse_to_wait_for_locks():
        log_action("core.test.during")
    assert audit_log_seal() == 2


def test_a_lower_id_committed_after_a_seal_is_sealed_by_the_next_run_and_verifies() -> None:
    with held_open(lambda: log_action("core.test.committed_late")) as late:
        early = log_action("core.test.committed_early")
        assert audit_log_seal() == 1  # the open transaction's row is not visible yet
    late_event = late[0]
    assert isinstance(late_event, AuditEvent) and late_event.pk < early.pk
    assert audit_log_seal() == 1
    sequences = dict(AuditEvent.objects.values_list("pk", "seal_sequence"))
    assert sequences == {early.pk: 1, late_event.pk: 2}
    report = audit_log_verify()
    assert report.ok, report.problems
    assert report.heads_checked == 2


def test_two_sealers_at_once_seal_each_entry_once() -> None:
    for number in range(50):
        log_action(f"core.test.event{number}")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def seal() -> None:
        try:
            barrier.wait()
            audit_log_seal(batch_size=7)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=seal) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(AuditEvent.objects.values_list("seal_sequence", flat=True)) == list(range(1, 51))
    report = audit_log_verify()
    assert report.ok, report.problems

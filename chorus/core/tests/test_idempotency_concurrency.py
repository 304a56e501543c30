"""Two posts with one key at the same moment (PostgreSQL: real concurrent transactions).

The second insert of the key waits on the unique index for the first transaction to end:
after a commit it finds the key taken and answers with the first result; after a rollback
it takes the key and acts itself.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from chorus.core.idempotency import Submitted, submission_key_new, submission_once
from chorus.core.models import AuditEvent, SubmissionKey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HOLD = 0.5  # how long the first post holds its transaction open after claiming the key


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row-level concurrency is tested on PostgreSQL (SQLite serialises writes).")


def _race(*, first_fails: bool) -> tuple[list[Submitted | BaseException], list[Submitted | BaseException], float]:
    """Post twice with one key: the second starts while the first is inside its action."""
    key = submission_key_new()
    inside = threading.Event()
    firsts: list[Submitted | BaseException] = []
    seconds: list[Submitted | BaseException] = []
    waited: list[float] = []

    def first_action() -> str:
        AuditEvent.objects.create(created_at=timezone.now(), action="core.test.first")
        inside.set()
        time.sleep(HOLD)
        if first_fails:
            raise RuntimeError("the first post failed")
        return "/first/"

    def second_action() -> str:
        AuditEvent.objects.create(created_at=timezone.now(), action="core.test.second")
        return "/second/"

    def post(action: object, into: list[Submitted | BaseException]) -> None:
        try:
            into.append(submission_once(key=key, scope="tests.race", action=action))  # type: ignore[arg-type]
        except BaseException as error:
            into.append(error)
        finally:
            connections.close_all()

    def second() -> None:
        assert inside.wait(10)
        started = time.monotonic()
        post(second_action, seconds)
        waited.append(time.monotonic() - started)

    threads = [threading.Thread(target=post, args=(first_action, firsts)), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return firsts, seconds, waited[0]


def test_the_second_of_two_simultaneous_posts_waits_and_gets_the_first_result() -> None:
    firsts, seconds, waited = _race(first_fails=False)
    assert firsts == [Submitted(result="/first/", repeated=False)]
    assert seconds == [Submitted(result="/first/", repeated=True)]
    assert waited > HOLD / 2  # it waited on the key, not on a check that could miss it
    assert AuditEvent.objects.filter(action="core.test.first").count() == 1
    assert not AuditEvent.objects.filter(action="core.test.second").exists()
    assert SubmissionKey.objects.count() == 1


def test_if_the_first_post_fails_the_waiting_one_acts() -> None:
    firsts, seconds, _ = _race(first_fails=True)
    assert len(firsts) == 1 and isinstance(firsts[0], RuntimeError)
    assert seconds == [Submitted(result="/second/", repeated=False)]
    assert not AuditEvent.objects.filter(action="core.test.first").exists()
    assert AuditEvent.objects.filter(action="core.test.second").count() == 1
    assert SubmissionKey.objects.get().result == "/second/"

"""Two people moving the same record at once take turns, and the second is refused
once the first has moved it (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.core.workflow import SYSTEM, TransitionNotAllowed, Workflow, step, transition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = OutboxStatus
FLOW = Workflow(
    model=OutboxMessage,
    state_field="status",
    audit_action="test.message.{name}",
    transitions=(step("start", [S.PENDING], S.SENDING, [SYSTEM], "Start", "Being sent"),),
)


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs real concurrent transactions (PostgreSQL)")


def test_the_second_of_two_simultaneous_moves_waits_and_is_refused() -> None:
    row = OutboxMessage.objects.create(kind="test.note")
    first_moved, let_first_commit = threading.Event(), threading.Event()
    second_outcome: list[BaseException | None] = []
    second_done = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                transition(FLOW, row, name="start", actor=SYSTEM)
                first_moved.set()
                let_first_commit.wait(20)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            # The same starting view of the row as the first person had.
            transition(FLOW, OutboxMessage(pk=row.pk, status=S.PENDING), name="start", actor=SYSTEM)
            second_outcome.append(None)
        except BaseException as error:
            second_outcome.append(error)
        finally:
            second_done.set()
            connections.close_all()

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    assert first_moved.wait(20)
    two.start()
    # The second waits on the first one's lock rather than reading the old state.
    assert not second_done.wait(0.5)
    let_first_commit.set()
    one.join(20)
    two.join(20)
    assert len(second_outcome) == 1 and isinstance(second_outcome[0], TransitionNotAllowed)
    assert OutboxMessage.objects.get(pk=row.pk).status == S.SENDING

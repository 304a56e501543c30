"""The one workflow engine: declared moves only, by the right people, with reasons, audited, all or nothing.

The engine is model-agnostic; these tests drive it over the outbox's status column with a
table made up for the test, so they need no domain app.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from chorus.accounts.roles import CAMPAIGNER, CASEWORKER
from chorus.core import workflow as engine
from chorus.core.models import AuditEvent, OutboxMessage, OutboxStatus
from chorus.core.workflow import (
    MEMBER,
    SYSTEM,
    Permission,
    ReasonRequired,
    TransitionNotAllowed,
    Workflow,
    available_transitions,
    step,
    transition,
)

pytestmark = pytest.mark.django_db

S = OutboxStatus

FLOW = Workflow(
    model=OutboxMessage,
    state_field="status",
    audit_action="test.message.{name}",
    transitions=(
        step("start", [S.PENDING], S.SENDING, [CASEWORKER], "Start", "Being sent"),
        step("finish", [S.SENDING], S.SENT, [CASEWORKER, SYSTEM], "Finish", "Sent"),
        step("skip", [S.PENDING, S.SENDING], S.SKIPPED, [CAMPAIGNER], "Skip", "Not needed", needs_reason=True),
        step("give_up", [S.SENDING], S.FAILED, [Permission("bulletin.send_bulletin")], "Give up", "Failed"),
        step("withdraw", [S.PENDING], S.SKIPPED, [MEMBER], "Withdraw", "You withdrew it", refusal="Too late."),
    ),
)


def message(status: str = S.PENDING) -> OutboxMessage:
    return OutboxMessage.objects.create(kind="test.note", status=status)


def audited() -> bool:
    return AuditEvent.objects.filter(action__startswith="test.").exists()


def status_of(row: OutboxMessage) -> str:
    return OutboxMessage.objects.values_list("status", flat=True).get(pk=row.pk)


def test_an_allowed_move_writes_the_state_and_its_columns_and_audits_it(caseworker: Any) -> None:
    row = message()
    moved = transition(FLOW, row, name="start", actor=caseworker, changes={"attempts": 1})
    assert status_of(row) == S.SENDING and moved.status == row.status == S.SENDING
    assert OutboxMessage.objects.get(pk=row.pk).attempts == 1
    event = AuditEvent.objects.get(action="test.message.start")
    assert event.actor == caseworker and event.object_id == str(row.pk)
    assert event.data == {"transition": "start", "from": S.PENDING, "to": S.SENDING}


def test_a_move_can_be_named_by_its_target(caseworker: Any) -> None:
    row = message()
    transition(FLOW, row, target=S.SENDING, actor=caseworker)
    assert status_of(row) == S.SENDING


def test_a_move_not_declared_from_the_current_state_is_refused(caseworker: Any) -> None:
    row = message(S.SENT)
    with pytest.raises(TransitionNotAllowed):
        transition(FLOW, row, name="finish", actor=caseworker)
    with pytest.raises(TransitionNotAllowed):
        transition(FLOW, row, target=S.PENDING, actor=caseworker)
    with pytest.raises(TransitionNotAllowed, match="Too late"):
        transition(FLOW, row, name="withdraw", actor=MEMBER)
    assert status_of(row) == S.SENT and not audited()


def test_an_unknown_step_is_refused(caseworker: Any) -> None:
    with pytest.raises(TransitionNotAllowed):
        transition(FLOW, message(), name="explode", actor=caseworker)


def test_the_wrong_role_no_one_and_the_wrong_party_are_refused(editor: Any, campaigner: Any) -> None:
    row = message()
    for actor in (editor, campaigner, None, SYSTEM, MEMBER):
        with pytest.raises(PermissionDenied):
            transition(FLOW, row, name="start", actor=actor)
    assert status_of(row) == S.PENDING and not audited()


def test_a_permission_allows_a_move(caseworker: Any, editor: Any) -> None:
    row = message(S.SENDING)
    with pytest.raises(PermissionDenied):
        transition(FLOW, row, name="give_up", actor=caseworker)
    transition(FLOW, row, name="give_up", actor=editor)  # editors hold the permission through their role
    assert status_of(row) == S.FAILED


def test_parties_move_only_where_the_table_names_them() -> None:
    row = message()
    transition(FLOW, row, name="withdraw", actor=MEMBER)
    assert status_of(row) == S.SKIPPED
    event = AuditEvent.objects.get(action="test.message.withdraw")
    assert event.actor is None

    sending = message(S.SENDING)
    transition(FLOW, sending, name="finish", actor=SYSTEM, screen="scheduled job")
    assert status_of(sending) == S.SENT
    assert AuditEvent.objects.get(action="test.message.finish").screen == "scheduled job"


def test_a_move_that_needs_a_reason_is_refused_without_one(campaigner: Any) -> None:
    row = message()
    for reason in ("", "   "):
        with pytest.raises(ReasonRequired):
            transition(FLOW, row, name="skip", actor=campaigner, reason=reason)
    assert status_of(row) == S.PENDING
    transition(FLOW, row, name="skip", actor=campaigner, reason="Sent by hand", changes={"error": "by hand"})
    assert status_of(row) == S.SKIPPED
    # The reason is free text: it goes where the caller keeps it, never into the audit log.
    assert "Sent by hand" not in str(AuditEvent.objects.get(action="test.message.skip").data)


def test_a_second_move_from_a_stale_state_is_refused(caseworker: Any) -> None:
    first = message()
    stale = OutboxMessage.objects.get(pk=first.pk)  # read by a second person before the first acted
    transition(FLOW, first, name="start", actor=caseworker)
    assert stale.status == S.PENDING
    # The engine re-reads the row under its lock: the second person's view is out of date.
    with pytest.raises(TransitionNotAllowed):
        transition(FLOW, stale, name="start", actor=caseworker)
    assert AuditEvent.objects.filter(action="test.message.start").count() == 1


def test_the_row_is_locked_while_it_is_checked(caseworker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    locked_reads: list[bool] = []
    real = OutboxMessage._default_manager.select_for_update

    def spy(*args: Any, **kwargs: Any) -> Any:
        locked_reads.append(transaction.get_connection().in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(OutboxMessage._default_manager, "select_for_update", spy)
    transition(FLOW, message(), name="start", actor=caseworker)
    assert locked_reads == [True]


def test_hooks_run_after_the_write_and_add_to_the_audit(caseworker: Any) -> None:
    row = message()
    seen: list[str] = []

    def hook(locked: OutboxMessage) -> dict[str, Any]:
        seen.append(status_of(locked))
        return {"count": 3}

    transition(FLOW, row, name="start", actor=caseworker, hooks=[hook], audit_data={"kind": "note"})
    assert seen == [S.SENDING]
    assert AuditEvent.objects.get(action="test.message.start").data["count"] == 3


def test_nothing_is_written_when_a_hook_fails(caseworker: Any) -> None:
    row = message()

    def enqueue(locked: OutboxMessage) -> None:
        OutboxMessage.objects.create(kind="test.follow_up")
        raise RuntimeError("queue unavailable")

    with pytest.raises(RuntimeError):
        transition(FLOW, row, name="start", actor=caseworker, hooks=[enqueue])
    assert status_of(row) == S.PENDING
    assert not OutboxMessage.objects.filter(kind="test.follow_up").exists()
    assert not audited()


def test_the_audit_is_written_in_the_same_transaction(caseworker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    row = message()

    def failing_log(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(engine, "log_action", failing_log)
    with pytest.raises(RuntimeError):
        transition(FLOW, row, name="start", actor=caseworker)
    assert status_of(row) == S.PENDING


def test_a_callers_own_check_can_refuse(caseworker: Any) -> None:
    def not_today(locked: OutboxMessage, chosen: engine.Transition) -> None:
        raise TransitionNotAllowed(f"{chosen.staff_label} is closed today.")

    row = message()
    with pytest.raises(TransitionNotAllowed, match="Start is closed today"):
        transition(FLOW, row, name="start", actor=caseworker, check=not_today)
    assert status_of(row) == S.PENDING


def test_available_transitions_are_the_ones_this_person_may_make_now(caseworker: Any, campaigner: Any) -> None:
    row = message()
    assert [t.name for t in available_transitions(FLOW, row, caseworker)] == ["start"]
    assert [t.name for t in available_transitions(FLOW, row, campaigner)] == ["skip"]
    assert [t.name for t in available_transitions(FLOW, row, MEMBER)] == ["withdraw"]
    assert available_transitions(FLOW, row, None) == []


def test_a_bare_role_name_is_not_accepted() -> None:
    with pytest.raises(TypeError):
        step("start", [S.PENDING], S.SENDING, ["Caseworker"], "Start", "Being sent")  # type: ignore[list-item]


def test_two_steps_may_not_share_a_name() -> None:
    with pytest.raises(ValueError):
        Workflow(
            model=OutboxMessage,
            state_field="status",
            audit_action="test.{name}",
            transitions=(
                step("start", [S.PENDING], S.SENDING, [SYSTEM], "Start", "Sending"),
                step("start", [S.SENDING], S.SENT, [SYSTEM], "Start", "Sent"),
            ),
        )

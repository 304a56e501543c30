"""The audit log is append-only and tamper-evident."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chorus.core.audit import log_action, verify_chain
from chorus.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    return [log_action(f"core.test.event{n}", object_type="test", object_id=n, data={"n": n}) for n in range(3)]


def test_each_entry_carries_the_hash_of_the_one_before() -> None:
    first, second, third = _three_events()
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert list(verify_chain()) == []


def test_the_command_reports_an_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _three_events()
    call_command("verify_audit_log")
    assert "intact" in capsys.readouterr().out


def test_an_edited_row_is_detected() -> None:
    _, second, _ = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(data={"n": 99})
    breaks = list(verify_chain())
    assert [(b.event_id, "edited" in b.reason) for b in breaks] == [(second.pk, True)]
    with pytest.raises(CommandError, match="broken in 1 place"):
        call_command("verify_audit_log")


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link() -> None:
    _, second, third = _three_events()
    second.actor_label = "someone else"
    from chorus.core.audit import _entry_hash

    AuditEvent.objects.filter(pk=second.pk).update(actor_label="someone else", entry_hash=_entry_hash(second))
    breaks = list(verify_chain())
    assert [b.event_id for b in breaks] == [third.pk]


def test_a_deleted_row_is_detected() -> None:
    _, second, third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).delete()
    breaks = list(verify_chain())
    assert [b.event_id for b in breaks] == [third.pk]
    assert "removed" in breaks[0].reason
    with pytest.raises(CommandError):
        call_command("verify_audit_log")


def test_deleting_the_newest_row_is_detected_by_the_chain_head() -> None:
    *_, third = _three_events()
    AuditEvent.objects.filter(pk=third.pk).delete()
    breaks = list(verify_chain())
    assert [b.event_id for b in breaks] == [0]


def test_request_and_object_details_are_recorded(rf: pytest.FixtureRequest, administrator: object) -> None:
    request = rf.get("/admin/people/")  # type: ignore[attr-defined]
    request.user = administrator
    event = log_action("core.test.viewed", obj=administrator, request=request, data={"count": 2})  # type: ignore[arg-type]
    assert event.actor == administrator
    assert event.actor_label == "ada-administrator"
    assert event.object_type == "accounts.user"
    assert event.screen == "/admin/people/"
    assert event.data == {"count": 2}

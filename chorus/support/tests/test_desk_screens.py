"""The desk's screens for triage (issue 23): summaries in the queue, the two composer buttons,
the "are you sure" step for bulk actions, correcting area and type, canned replies."""

from __future__ import annotations

from typing import Any

import pytest

from chorus.core.models import AuditEvent, OutboxMessage
from chorus.core.tests.keys import keys_on
from chorus.support.models import NEW_MESSAGE_EMAIL, Message, MessageKind, SupportRequest
from chorus.support.selectors import SUMMARY_LENGTH, support_request_summary
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status
from conftest import client_for

pytestmark = pytest.mark.django_db

LONG = "Cameras were put in every bedroom on the ward last week. " * 5


# --- the queue's one-line summaries ---


def test_queue_shows_a_one_line_summary_of_each_request(caseworker: Any) -> None:
    support_request, _ = make_request(email="", description=LONG)
    content = client_for(caseworker).get("/admin/support/").content.decode()
    assert "Cameras were put in every bedroom on the ward" in content
    # Only the start: the whole description stays on the request's own page.
    assert LONG.strip() not in content
    summary = support_request_summary(support_request)
    assert len(summary) <= SUMMARY_LENGTH
    assert summary.endswith("…")


def test_summary_is_one_line_even_when_the_member_wrote_several() -> None:
    support_request, _ = make_request(email="", description="First line.\n\nSecond   line.")
    assert support_request_summary(support_request) == "First line. Second line."


def test_viewing_the_queue_is_audited_by_ids_only(caseworker: Any) -> None:
    first, _ = make_request(email="")
    second, _ = make_request(email="")
    client_for(caseworker).get("/admin/support/")
    event = AuditEvent.objects.get(action="support.queue.viewed")
    assert event.actor == caseworker
    assert event.data == {"count": 2, "requests": sorted([first.pk, second.pk])}
    assert "filming" not in str(event.data)


def test_an_empty_queue_is_not_audited(caseworker: Any) -> None:
    client_for(caseworker).get("/admin/support/")
    assert not AuditEvent.objects.filter(action="support.queue.viewed").exists()


# --- the composer's two buttons ---


def test_composer_has_two_labelled_buttons_and_no_save(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    content = client_for(caseworker).get(f"/admin/support/{support_request.pk}/").content.decode()
    assert '<button type="submit" name="internal" value="message" class="button">Send to member</button>' in content
    assert 'name="internal" value="note"' in content and "Add internal note</button>" in content
    assert ">Save</button>" not in content


def test_a_message_without_a_button_choice_is_not_sent(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    response = client_for(caseworker).post(
        f"/admin/support/{support_request.pk}/", {"action": "message", "body": "Hello"}
    )
    assert response.status_code == 200
    assert "Choose" in response.content.decode() and "Add internal note" in response.content.decode()
    assert not Message.objects.filter(support_request=support_request, author="staff").exists()


def test_add_internal_note_button_keeps_it_from_the_member(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    client_for(caseworker).post(
        f"/admin/support/{support_request.pk}/", {"action": "message", "internal": "note", "body": "Check policy"}
    )
    assert Message.objects.get(support_request=support_request, author="staff").kind == MessageKind.INTERNAL_NOTE


# --- bulk actions are confirmed first ---


def _bulk(client: Any, requests: list[SupportRequest], action: str, **extra: str) -> Any:
    return client.post("/admin/support/", {"ids": [r.pk for r in requests], "bulk_action": action, **extra})


def test_bulk_action_asks_first_and_changes_nothing(caseworker: Any) -> None:
    chosen = [make_request(email="")[0] for _ in range(3)]
    client = client_for(caseworker)
    response = _bulk(client, chosen, "transition:decline")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Are you sure?" in content
    assert "3 requests will move to “Declined”" in content
    assert "Yes, apply to 3 requests" in content
    assert 'name="confirmed" value="1"' in content
    assert 'href="/admin/support/">Cancel</a>' in content
    for support_request in chosen:
        assert support_request.reference in content
        support_request.refresh_from_db()
        assert support_request.status == Status.NEW
    assert not AuditEvent.objects.filter(action="support.request.transitioned").exists()


def test_bulk_confirmation_says_how_many_members_are_emailed(caseworker: Any) -> None:
    emailed, _ = make_request()
    anonymous, _ = make_request(email="")
    content = _bulk(client_for(caseworker), [emailed, anonymous], "transition:decline").content.decode()
    assert "Members are told." in content
    assert "1 person is emailed" in content


def test_confirmed_bulk_action_applies_once_with_the_same_key(caseworker: Any) -> None:
    chosen = [make_request()[0] for _ in range(2)]
    client = client_for(caseworker)
    [key] = keys_on(client.get("/admin/support/").content)
    confirm_page = _bulk(client, chosen, "transition:decline", submission_key=key)
    # The confirmation carries the same one-time key on to the confirmed post.
    assert keys_on(confirm_page.content) == [key]
    _bulk(client, chosen, "transition:decline", submission_key=key, confirmed="1")
    _bulk(client, chosen, "transition:decline", submission_key=key, confirmed="1")
    for support_request in chosen:
        support_request.refresh_from_db()
        assert support_request.status == Status.DECLINED
    assert AuditEvent.objects.filter(action="support.request.transitioned").count() == 2
    # One "new message" notice per member, not two each.
    assert OutboxMessage.objects.filter(kind=NEW_MESSAGE_EMAIL).count() == 2


def test_bulk_assign_confirmation_names_the_assignee(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    content = _bulk(client_for(caseworker), [support_request], f"assign:{caseworker.pk}").content.decode()
    assert f"1 request will be assigned to {caseworker.get_username()}" in content
    support_request.refresh_from_db()
    assert support_request.assignee is None


def test_bulk_action_not_offered_is_refused_without_a_confirmation(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    response = _bulk(client_for(caseworker), [support_request], "transition:no-such-step", follow="1")
    assert response.status_code == 302

"""The desk's screens for triage (issue 23): summaries in the queue, the two composer buttons,
the "are you sure" step for bulk actions, correcting area and type, canned replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client, override_settings

from chorus.core.models import AuditEvent, OutboxMessage
from chorus.core.tests.keys import keys_on
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.support.models import (
    CORRECTION,
    NEW_MESSAGE_EMAIL,
    CannedReply,
    Message,
    MessageKind,
    RequestEvent,
    RequestKind,
    SupportRequest,
)
from chorus.support.selectors import SUMMARY_LENGTH, support_request_summary
from chorus.support.services.access import SupportError
from chorus.support.services.retention import support_requests_close_inactive
from chorus.support.services.triage import support_request_correct
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


# --- correcting the type and priority area ---


def _areas() -> tuple[Any, Any]:
    areas = PriorityAreaIndexPageFactory(parent=make_site())
    return (
        PriorityAreaPageFactory(parent=areas, title="Benefits"),
        PriorityAreaPageFactory(parent=areas, title="Surveillance"),
    )


def test_staff_correct_the_type_and_area_and_it_is_recorded_in_words(caseworker: Any) -> None:
    benefits, surveillance = _areas()
    support_request, token = make_request(email="", priority_area_id=benefits.pk)
    client = client_for(caseworker)
    url = f"/admin/support/{support_request.pk}/"
    response = client.post(
        url, {"action": "correct", "kind": RequestKind.CAMPAIGN, "priority_area": surveillance.pk}, follow=True
    )
    support_request.refresh_from_db()
    assert support_request.kind == RequestKind.CAMPAIGN
    assert support_request.priority_area == surveillance
    words = "Type: Policy issue → Campaign support; Priority area: Benefits → Surveillance"
    assert words in response.content.decode()  # the message and the history
    event = RequestEvent.objects.get(support_request=support_request, transition=CORRECTION)
    assert event.detail == words and event.actor == caseworker
    assert event.from_status == event.to_status == Status.NEW
    audit = AuditEvent.objects.get(action="support.request.corrected")
    assert audit.data == {
        "type_from": "Policy issue",
        "type_to": "Campaign support",
        "priority_area_from": "Benefits",
        "priority_area_to": "Surveillance",
    }
    # The member's own page does not list staff corrections.
    member_page = Client().get(f"/support/request/{token}/")
    assert member_page.status_code == 200
    assert not [e for e in member_page.context["events"] if e.is_correction]


def test_correcting_only_the_area_to_none_records_just_that(caseworker: Any) -> None:
    benefits, _ = _areas()
    support_request, _ = make_request(email="", priority_area_id=benefits.pk)
    support_request_correct(
        support_request=support_request, actor=caseworker, kind=RequestKind.ALERT, priority_area=None
    )
    event = RequestEvent.objects.get(transition=CORRECTION)
    assert event.detail == "Priority area: Benefits → none"


def test_a_correction_that_changes_nothing_records_nothing(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    words = support_request_correct(
        support_request=support_request, actor=caseworker, kind=support_request.kind, priority_area=None
    )
    assert words == []
    assert not RequestEvent.objects.filter(transition=CORRECTION).exists()
    assert not AuditEvent.objects.filter(action="support.request.corrected").exists()


def test_a_correction_to_a_type_not_offered_is_refused(caseworker: Any) -> None:
    support_request, _ = make_request(email="")
    response = client_for(caseworker).post(f"/admin/support/{support_request.pk}/", {"action": "correct", "kind": "x"})
    assert response.status_code == 200
    support_request.refresh_from_db()
    assert support_request.kind == RequestKind.ALERT


def test_other_staff_cannot_correct(editor: Any) -> None:
    support_request, _ = make_request(email="")
    with pytest.raises(SupportError):
        support_request_correct(
            support_request=support_request, actor=editor, kind=RequestKind.CAMPAIGN, priority_area=None
        )


# --- canned replies ---

CANNED_LIST = "/admin/snippets/support/cannedreply/"


def test_a_canned_reply_fills_the_message_box_to_edit(caseworker: Any) -> None:
    reply = CannedReply.objects.create(title="Passed on", text="We have passed your concern to our policy team.")
    support_request, _ = make_request(email="")
    client = client_for(caseworker)
    page = client.get(f"/admin/support/{support_request.pk}/").content.decode()
    # The text rides on the option for the script that inserts it without a page load.
    assert (
        f'<option value="{reply.pk}" data-text="We have passed your concern to our policy team.">Passed on</option>'
        in page
    )
    assert "Insert into the message</button>" in page
    filled = client.get(f"/admin/support/{support_request.pk}/?reply={reply.pk}").content.decode()
    assert ">\nWe have passed your concern to our policy team.</textarea>" in filled
    assert "is in the message box below" in filled
    # Nothing is sent until the caseworker presses "Send to member".
    assert not Message.objects.filter(author="staff").exists()


@pytest.mark.parametrize("bad", ["x", "0", "99999", "²"])
def test_a_reply_link_naming_no_canned_reply_leaves_the_box_empty(caseworker: Any, bad: str) -> None:
    support_request, _ = make_request(email="")
    response = client_for(caseworker).get(f"/admin/support/{support_request.pk}/", {"reply": bad})
    assert response.status_code == 200
    assert "is in the message box below" not in response.content.decode()


def test_canned_replies_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get(CANNED_LIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_canned_replies_are_not_for_editors(editor: Any) -> None:
    # Wagtail's snippet screens answer a missing permission by sending staff back to the
    # dashboard with a message (its own behaviour, not the project's 403 page).
    client = client_for(editor)
    for url in (CANNED_LIST, CANNED_LIST + "add/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/admin/", url
    client.post(CANNED_LIST + "add/", {"title": "Thanks", "text": "Thank you for telling us."})
    assert not CannedReply.objects.exists()


def test_caseworkers_keep_canned_replies(caseworker: Any) -> None:
    client = client_for(caseworker)
    assert client.get(CANNED_LIST).status_code == 200
    response = client.post(CANNED_LIST + "add/", {"title": "Thanks", "text": "Thank you for telling us."})
    assert response.status_code == 302
    assert CannedReply.objects.get().title == "Thanks"


@override_settings(CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS=365, CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS=60)
def test_a_correction_does_not_keep_an_untouched_request_open(caseworker: Any) -> None:
    start = datetime(2026, 3, 2, 10, tzinfo=UTC)
    support_request, _ = make_request(now=start, email="")
    support_request_correct(
        support_request=support_request,
        actor=caseworker,
        kind=RequestKind.CAMPAIGN,
        priority_area=None,
        now=start + timedelta(days=300),
    )
    support_requests_close_inactive(now=start + timedelta(days=366))
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED_INACTIVE

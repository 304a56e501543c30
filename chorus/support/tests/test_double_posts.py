"""Double clicks and resubmitted pages store once and email once (issue 20): the public
form's Send, the member's reply, and every desk action that emails someone.

Each test posts the same form twice, as a double click or the browser's Back and Send
again would, and runs the outbox after each post, so a second email would be sent.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client

from chorus.core.antibot import _SALT
from chorus.core.models import AuditEvent, OutboxMessage
from chorus.core.outbox import outbox_send
from chorus.core.tests.keys import key_after, keys_on
from chorus.support.models import (
    LINK_EMAIL,
    NEW_MESSAGE_EMAIL,
    STAFF_NOTICE_EMAIL,
    Message,
    MessageAuthor,
    RequestEvent,
    SupportRequest,
)
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status
from conftest import client_for

pytestmark = pytest.mark.django_db

ALERT = {
    "description": "Our local trust now asks for immigration papers before therapy.",
    "where_category": "local",
    "where_detail": "Bristol",
    "links": "",
    "deadline": "",
    "priority_area": "",
    "contact_method": "email",
    "name": "Ali",
    "email": "ali@example.org",
    "phone": "",
    "website": "",
}


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def _started() -> str:
    return signing.dumps(time.time() - 30, salt=_SALT)


def _emails_of(kind: str) -> int:
    return OutboxMessage.objects.filter(kind=kind).count()


def _mail_cleared() -> None:
    """Send what earlier steps queued (the new request's emails) and forget it."""
    outbox_send()
    mail.outbox.clear()


def _twice(client: Client, url: str, data: dict[str, Any]) -> tuple[Any, Any]:
    """Post the same form twice, sending whatever email is due after each post."""
    first = client.post(url, data)
    outbox_send()
    second = client.post(url, data)
    outbox_send()
    return first, second


# --- the public form: the key travels sealed with the answers ----------------------------


def _checked_answers(client: Client) -> str:
    """Fill in the form as shown and press Continue; returns the sealed answers to send."""
    form_page = client.get("/support/policy-issue/")
    [key] = keys_on(form_page.content)
    check = client.post("/support/policy-issue/", {**ALERT, "submission_key": key, "form_started": _started()})
    assert "Check your answers" in check.content.decode()
    sealed = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert sealed is not None
    return sealed.group(1)


def test_send_pressed_twice_stores_one_request_and_sends_one_link() -> None:
    client = Client()
    answers = _checked_answers(client)
    first, second = _twice(client, "/support/policy-issue/", {"action": "send", "answers": answers})
    assert first.status_code == second.status_code == 302
    # The second press lands on the same private page as the first.
    assert second["Location"] == first["Location"]
    assert "/support/request/" in first["Location"]
    assert SupportRequest.objects.count() == 1
    assert _emails_of(LINK_EMAIL) == 1
    assert [message.to for message in mail.outbox] == [["ali@example.org"]]


def test_the_repeat_is_not_counted_against_the_senders_limit(settings: Any) -> None:
    client = Client()
    answers = _checked_answers(client)
    for _ in range(6):  # the limit is five an hour from one address
        assert client.post("/support/policy-issue/", {"action": "send", "answers": answers}).status_code == 302
    assert SupportRequest.objects.count() == 1


def test_changed_answers_sent_with_the_same_key_are_a_new_request() -> None:
    # Sent, then Back to the form (its key unchanged), the text changed, checked and sent again.
    client = Client()
    [key] = keys_on(client.get("/support/policy-issue/").content)

    def check_and_send(description: str) -> Any:
        check = client.post(
            "/support/policy-issue/",
            {**ALERT, "description": description, "submission_key": key, "form_started": _started()},
        )
        sealed = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
        assert sealed is not None
        return client.post("/support/policy-issue/", {"action": "send", "answers": sealed.group(1)})

    first = check_and_send("Our local trust now asks for immigration papers before therapy.")
    second = check_and_send("The trust also shares therapy notes with the Home Office.")
    assert first.status_code == second.status_code == 302
    assert second["Location"] != first["Location"]
    assert SupportRequest.objects.count() == 2


def test_the_key_is_kept_when_the_form_comes_back_with_errors_and_on_change() -> None:
    client = Client()
    [key] = keys_on(client.get("/support/policy-issue/").content)
    with_errors = client.post(
        "/support/policy-issue/", {**ALERT, "email": "", "submission_key": key, "form_started": _started()}
    )
    assert "Enter your email address" in with_errors.content.decode()
    assert keys_on(with_errors.content) == [key]
    check = client.post("/support/policy-issue/", {**ALERT, "submission_key": key, "form_started": _started()})
    sealed = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert sealed is not None
    assert key not in check.content.decode().split('name="answers"')[0]  # not shown among the answers
    change = client.post("/support/policy-issue/", {"action": "change", "answers": sealed.group(1)})
    assert keys_on(change.content) == [key]


def test_answers_sealed_before_keys_existed_still_send(django_capture_on_commit_callbacks: Any) -> None:
    # A check-your-answers page rendered before this change has no key in its answers.
    answers = {name: [value] for name, value in ALERT.items()}
    answers["form_started"] = [_started()]
    sealed = signing.dumps(answers, salt="chorus.support.answers", compress=True)
    client = Client()
    for _ in range(2):
        assert client.post("/support/policy-issue/", {"action": "send", "answers": sealed}).status_code == 302
    assert SupportRequest.objects.count() == 2  # as before: without a key there is nothing to match


# --- the member's reply ----------------------------------------------------------------


def test_a_double_clicked_reply_is_stored_once_and_staff_are_told_once(caseworker: Any) -> None:
    support_request, token = make_request()
    client = Client()
    url = f"/support/request/{token}/"
    key = key_after(client.get(url).content, 'aria-labelledby="reply-heading"')
    first, second = _twice(client, url, {"body": "Here is the letter they sent me.", "submission_key": key})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Message.objects.filter(support_request=support_request, author=MessageAuthor.MEMBER).count() == 1
    assert _emails_of(STAFF_NOTICE_EMAIL) == 2  # the new request, then the reply: once each
    assert [message.to for message in mail.outbox] == [[caseworker.email]]


# --- the desk ----------------------------------------------------------------------------


def _desk_key(client: Client, support_request: SupportRequest, action: str) -> str:
    page = client.get(f"/admin/support/{support_request.pk}/").content
    return key_after(page, f'<input type="hidden" name="action" value="{action}">')


def test_a_message_to_the_member_sent_twice_is_stored_and_emailed_once(caseworker: Any) -> None:
    support_request, _ = make_request()
    client = client_for(caseworker)
    url = f"/admin/support/{support_request.pk}/"
    data = {
        "action": "message",
        "internal": "message",
        "body": "Thank you, we are looking into it.",
        "submission_key": _desk_key(client, support_request, "message"),
    }
    _mail_cleared()
    first, second = _twice(client, url, data)
    assert first.status_code == second.status_code == 302
    assert Message.objects.filter(support_request=support_request, author=MessageAuthor.STAFF).count() == 1
    assert _emails_of(NEW_MESSAGE_EMAIL) == 1
    assert [message.to for message in mail.outbox] == [["member@example.org"]]


def test_an_outcome_sent_twice_changes_the_status_and_emails_the_member_once(caseworker: Any) -> None:
    support_request, _ = make_request()
    client = client_for(caseworker)
    url = f"/admin/support/{support_request.pk}/"
    client.post(url, {"action": "transition", "transition": "start"})
    data = {
        "action": "transition",
        "transition": "resolve",
        "outcome_message": "We wrote to the trust and it has changed its form.",
        "submission_key": _desk_key(client, support_request, "transition"),
    }
    _mail_cleared()
    first, second = _twice(client, url, data)
    # The second press is answered as the first was, not with "cannot be moved".
    assert first.status_code == second.status_code == 302
    assert "cannot be moved" not in client.get(second["Location"]).content.decode()
    support_request.refresh_from_db()
    assert support_request.status == Status.RESOLVED
    assert RequestEvent.objects.filter(support_request=support_request, transition="resolve").count() == 1
    assert Message.objects.filter(support_request=support_request, author=MessageAuthor.STAFF).count() == 1
    assert _emails_of(NEW_MESSAGE_EMAIL) == 1
    assert len(mail.outbox) == 1


def test_an_assignment_saved_twice_tells_the_assignee_once(caseworker: Any, administrator: Any) -> None:
    support_request, _ = make_request(email="")
    client = client_for(administrator)
    url = f"/admin/support/{support_request.pk}/"
    data = {
        "action": "assign",
        "assignee": caseworker.pk,
        "submission_key": _desk_key(client, support_request, "assign"),
    }
    _mail_cleared()
    before = _emails_of(STAFF_NOTICE_EMAIL)
    first, second = _twice(client, url, data)
    assert first.status_code == second.status_code == 302
    assert _emails_of(STAFF_NOTICE_EMAIL) == before + 1
    assert [message.to for message in mail.outbox] == [[caseworker.email]]


def test_a_bulk_action_applied_twice_acts_once(caseworker: Any, administrator: Any) -> None:
    first_request, _ = make_request(email="")
    second_request, _ = make_request(email="")
    client = client_for(administrator)
    [key] = keys_on(client.get("/admin/support/").content)
    _mail_cleared()
    data = {
        "ids": [first_request.pk, second_request.pk],
        "bulk_action": f"assign:{caseworker.pk}",
        "submission_key": key,
        "confirmed": "1",
    }
    first, second = _twice(client, "/admin/support/", data)
    assert first.status_code == second.status_code == 302
    assert len(mail.outbox) == 1  # one notice, naming both requests
    assert "Nothing was done twice" in client.get("/admin/support/").content.decode()
    assert AuditEvent.objects.filter(action="support.request.assigned").count() == 2

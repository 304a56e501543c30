"""The two public forms, check-your-answers, and the member's private page."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client, override_settings

from chorus.core.antibot import _SALT
from chorus.pages.tests.factories import make_site
from chorus.support.models import Message, MessageAuthor, RequestKind, SupportPage, SupportRequest
from chorus.support.services.conversation import support_message_send
from chorus.support.services.transitions import support_request_transition
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def _started() -> str:
    return signing.dumps(time.time() - 30, salt=_SALT)


ALERT = {
    "description": "Our local trust now asks for immigration papers before therapy.",
    "where_category": "local",
    "where_detail": "Bristol",
    "links": "https://example.org/policy",
    "deadline": "",
    "priority_area": "",
    "membership": ["lived_experience"],
    "contact_method": "email",
    "name": "Ali",
    "email": "ali@example.org",
    "phone": "",
    "website": "",
}


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, {**data, "form_started": _started()})


def test_support_page_links_both_forms() -> None:
    home = make_site()
    page = SupportPage(title="Get support", slug="get-support", intro="i", alert_text="a", campaign_text="c")
    home.add_child(instance=page)
    page.save_revision().publish()
    response = Client().get("/get-support/")
    assert response.status_code == 200
    assert b'href="/support/policy-issue/"' in response.content
    assert b'href="/support/campaign/"' in response.content


def test_form_page_is_never_cached_and_labelled() -> None:
    response = Client().get("/support/policy-issue/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert b'<label for="id_description">' in response.content
    assert b'aria-describedby="id_description_helptext"' in response.content
    assert b'<p class="hint" id="id_description_helptext">' in response.content


def test_errors_are_summarised_and_answers_kept() -> None:
    response = _post(Client(), "/support/policy-issue/", {**ALERT, "email": "", "where_category": ""})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in content
    assert 'href="#id_email"' in content
    assert "Enter your email address" in content
    assert "immigration papers before therapy" in content  # kept
    assert "<title>Error:" in content
    local_without_place = _post(Client(), "/support/policy-issue/", {**ALERT, "where_detail": ""})
    assert "Tell us which nation or area." in local_without_place.content.decode()


def test_check_answers_then_send_creates_request_and_shows_private_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    check = _post(client, "/support/policy-issue/", ALERT)
    assert check.status_code == 200
    content = check.content.decode()
    assert "Check your answers" in content
    assert "Bristol" in content
    assert SupportRequest.objects.count() == 0
    answers = re.search(r'name="answers" value="([^"]+)"', content)
    assert answers is not None

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/support/policy-issue/", {"action": "send", "answers": answers.group(1)})
    assert sent.status_code == 302
    support_request = SupportRequest.objects.get()
    assert support_request.kind == RequestKind.ALERT
    assert support_request.where_detail == "Bristol"
    assert support_request.membership.startswith("I have lived experience")
    assert support_request.sender is None and support_request.email_unconfirmed  # until its owner confirms
    landing = client.get(sent["Location"])
    assert landing.status_code == 200
    body = landing.content.decode()
    assert support_request.reference in body
    token = sent["Location"].split("/")[3]
    assert f"/support/request/{token}/" in body
    assert len(mail.outbox) == 1
    # The email carries a link of its own: whoever typed the address never sees that one.
    assert token not in mail.outbox[0].body
    assert support_request.email_token_sealed in mail.outbox[0].body
    assert "immigration" not in mail.outbox[0].body


def test_change_answers_returns_to_the_filled_form() -> None:
    client = Client()
    check = _post(client, "/support/policy-issue/", ALERT)
    answers = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert answers is not None
    response = client.post("/support/policy-issue/", {"action": "change", "answers": answers.group(1)})
    assert "immigration papers before therapy" in response.content.decode()
    assert "Continue" in response.content.decode()


def test_tampered_answers_are_refused() -> None:
    response = Client().post("/support/policy-issue/", {"action": "send", "answers": "forged"})
    assert response.status_code == 200
    assert SupportRequest.objects.count() == 0
    assert b"expired" in response.content


def test_anonymous_alert_without_contact() -> None:
    client = Client()
    data = {**ALERT, "contact_method": "none", "email": "", "name": ""}
    check = _post(client, "/support/policy-issue/", data)
    answers = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert answers is not None
    sent = client.post("/support/policy-issue/", {"action": "send", "answers": answers.group(1)})
    assert sent.status_code == 302
    assert SupportRequest.objects.get().sender is None


def test_campaign_form_requires_group_name_and_help() -> None:
    data = {
        "applicant_type": "group",
        "group_name": "",
        "description": "We want the council to fund peer support.",
        "contact_method": "phone",
        "phone": "",
        "website": "",
    }
    response = _post(Client(), "/support/campaign/", data)
    content = response.content.decode()
    assert "Enter the name of your group." in content
    assert '<a href="#id_help_types_0">Choose at least one kind of help.</a>' in content
    assert "Enter your phone number" in content


def test_campaign_request_is_stored_encrypted_with_access_needs() -> None:
    client = Client()
    data = {
        "applicant_type": "group",
        "group_name": "Northern Voices",
        "description": "We want the council to fund peer support.",
        "help_types": ["briefing", "media"],
        "contact_method": "phone",
        "phone": "0113 496 0000",
        "name": "Jo",
        "access_needs": ["bsl", "named_time"],
        "access_detail": "Tuesday mornings",
        "website": "",
    }
    check = _post(client, "/support/campaign/", data)
    answers = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert answers is not None
    client.post("/support/campaign/", {"action": "send", "answers": answers.group(1)})
    support_request = SupportRequest.objects.get()
    assert support_request.kind == RequestKind.CAMPAIGN
    assert support_request.help_types == ["briefing", "media"]
    assert support_request.group_name == "Northern Voices"
    assert "British Sign Language" in support_request.access_needs
    assert "Tuesday mornings" in support_request.access_needs
    assert support_request.contact_phone == "0113 496 0000"


def test_bot_is_thanked_and_nothing_is_stored() -> None:
    client = Client()
    check = _post(client, "/support/policy-issue/", {**ALERT, "website": "http://spam.example"})
    answers = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert answers is not None
    response = client.post("/support/policy-issue/", {"action": "send", "answers": answers.group(1)})
    assert response.status_code == 200
    assert b"Thank you" in response.content
    assert SupportRequest.objects.count() == 0


@override_settings(CHORUS_MIN_FORM_FILL_SECONDS=1)
def test_sending_is_rate_limited_by_address() -> None:
    client = Client()
    check = _post(client, "/support/policy-issue/", {**ALERT, "contact_method": "none", "email": ""})
    answers = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert answers is not None
    codes = [
        client.post("/support/policy-issue/", {"action": "send", "answers": answers.group(1)}).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [302] * 5
    assert codes[5] == 429
    assert SupportRequest.objects.count() == 5


def test_wrong_token_is_404() -> None:
    make_request(email="")
    assert Client().get("/support/request/not-a-real-token-at-all/").status_code == 404


def test_private_page_shows_status_and_conversation_without_notes(caseworker: Any) -> None:
    support_request, token = make_request(email="")
    support_message_send(support_request=support_request, actor=caseworker, body="Which ward was it?", internal=False)
    support_message_send(support_request=support_request, actor=caseworker, body="SECRET NOTE", internal=True)
    response = Client().get(f"/support/request/{token}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "Which ward was it?" in content
    assert "From Chorus staff" in content
    assert "SECRET NOTE" not in content
    assert "We have read it" not in content  # still "new" until a transition
    assert "Received" in content


def test_member_replies_through_private_link(caseworker: Any) -> None:
    support_request, token = make_request(email="")
    support_request_transition(support_request=support_request, transition="ask_member", actor=caseworker)
    client = Client()
    empty = client.post(f"/support/request/{token}/", {"body": ""})
    assert "Write your reply." in empty.content.decode()
    response = client.post(f"/support/request/{token}/", {"body": "It was the acute ward."})
    assert response.status_code == 302
    assert Message.objects.get(author=MessageAuthor.MEMBER).body == "It was the acute ward."
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_PROGRESS


def test_member_withdraws_through_private_link() -> None:
    support_request, token = make_request(email="")
    client = Client()
    confirm = client.get(f"/support/request/{token}/withdraw/")
    assert confirm.status_code == 200
    client.post(f"/support/request/{token}/withdraw/")
    support_request.refresh_from_db()
    assert support_request.status == Status.WITHDRAWN
    page = client.get(f"/support/request/{token}/").content.decode()
    assert "You withdrew this request" in page
    assert "Send reply" not in page
    refused = client.post(f"/support/request/{token}/", {"body": "Please help after all."})
    assert refused.status_code == 200
    assert "withdrew" in refused.content.decode()
    assert not Message.objects.exists()


def test_checkbox_groups_are_fieldsets_with_a_legend() -> None:
    content = Client().get("/support/campaign/").content.decode()
    assert "<legend>What help would you like?</legend>" in content
    assert '<legend>Access needs <span class="optional">(optional)</span></legend>' in content


def test_the_emailed_link_asks_its_reader_whether_the_request_is_theirs_before_showing_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    support_request, screen_token = make_request(confirmed=False, description="Cameras on the ward at night.")
    url = f"/support/request/{support_request.email_token_sealed}/"
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Is request" in content and "Yes, this is my request" in content and "No, this was not me" in content
    assert "Cameras on the ward" not in content  # nothing of the request before they say it is theirs
    support_request.refresh_from_db()
    assert support_request.sender is None  # a GET (a link scanner) confirms nothing
    confirmed = client.post(url, {"action": "confirm"})
    assert confirmed.status_code == 302 and confirmed["Location"].endswith("?confirmed=1")
    shown = client.get(confirmed["Location"]).content.decode()
    assert "Cameras on the ward" in shown and "Thank you for confirming" in shown
    support_request.refresh_from_db()
    assert support_request.sender is not None and support_request.sender.email == "member@example.org"
    # The sender's own link shows the request as before.
    assert "Cameras on the ward" in client.get(f"/support/request/{screen_token}/").content.decode()


def test_this_was_not_me_forgets_the_address_and_ends_the_emailed_link() -> None:
    support_request, screen_token = make_request(confirmed=False)
    url = f"/support/request/{support_request.email_token_sealed}/"
    response = Client().post(url, {"action": "disown"})
    assert response.status_code == 200 and "Thank you for telling us" in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.sender is None and not support_request.email_unconfirmed
    assert Client().get(url).status_code == 404
    assert Client().get(f"/support/request/{screen_token}/").status_code == 200


def test_the_sender_is_told_the_email_must_be_confirmed(django_capture_on_commit_callbacks: Any) -> None:
    _, token = make_request(confirmed=False)
    content = Client().get(f"/support/request/{token}/?sent=1").content.decode()
    assert "confirm the request is yours" in content
    # The link can be emailed again now (/support/lost-link/), once the address is confirmed.
    assert "once you have confirmed your email address we can" in content
    assert 'href="/support/lost-link/"' in content
    _, anonymous_token = make_request(email="")
    anonymous = Client().get(f"/support/request/{anonymous_token}/?sent=1").content.decode()
    assert "You did not give us an email address, so we cannot send this link to you again." in anonymous

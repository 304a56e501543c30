"""After a letter went: "Did your MP reply?", asked once, answered by POST buttons on a token page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from chorus.campaigns.letter_selectors import letters_summary
from chorus.campaigns.models import (
    LETTER_REPLY_QUESTION_EMAIL,
    ConstituentLetter,
    LetterStatus,
    ReplyReport,
    SharedReply,
)
from chorus.campaigns.services.letter_replies import REPLY_TEXT_LONGEST, letter_replies_ask
from chorus.campaigns.tests.letter_factories import confirmed_letter, letter_action, seats_with_postcodes
from chorus.core.models import AuditEvent, OutboxMessage
from chorus.core.outbox import outbox_send
from chorus.tracker.tests.factories import TrackedItemFactory

pytestmark = pytest.mark.django_db

REPLY_LINK = re.compile(r"/campaigns/letters/reply/([A-Za-z0-9_-]+)/")


@pytest.fixture
def sent_letter(index: Any) -> ConstituentLetter:
    seats_with_postcodes()
    action = letter_action(index, title="Fair detention reviews")
    letter = confirmed_letter(action, email="sam@example.org")
    ConstituentLetter.objects.filter(pk=letter.pk).update(
        status=LetterStatus.SENT, released_at=timezone.now(), sent_at=timezone.now() - timedelta(days=15)
    )
    letter.refresh_from_db()
    return letter


def asked_link(letter: ConstituentLetter) -> str:
    """Ask, send the email, and return the link's path from it."""
    mail.outbox.clear()
    assert letter_replies_ask() == 1
    outbox_send()
    [message] = mail.outbox
    match = REPLY_LINK.search(str(message.body))
    assert match, "no reply link in the email"
    return match.group(0)


def test_writers_are_asked_once_two_weeks_after_their_letter_went(sent_letter: ConstituentLetter) -> None:
    ConstituentLetter.objects.filter(pk=sent_letter.pk).update(sent_at=timezone.now() - timedelta(days=13))
    assert letter_replies_ask() == 0
    ConstituentLetter.objects.filter(pk=sent_letter.pk).update(sent_at=timezone.now() - timedelta(days=14, minutes=1))
    mail.outbox.clear()
    assert letter_replies_ask() == 1
    assert letter_replies_ask() == 0  # once
    outbox_send()
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "Did your MP reply? Fair detention reviews"
    assert "Example MP for Holborn, MP for Holborn and St Pancras" in message.body
    assert REPLY_LINK.search(str(message.body))
    # Only the link's hash is kept.
    token = REPLY_LINK.search(str(message.body)).group(1)  # type: ignore[union-attr]
    sent_letter.refresh_from_db()
    assert sent_letter.reply_token_hash and token not in sent_letter.reply_token_hash
    assert OutboxMessage.objects.filter(kind=LETTER_REPLY_QUESTION_EMAIL).count() == 1


def test_unsent_and_erased_letters_are_not_asked(index: Any) -> None:
    seats_with_postcodes()
    action = letter_action(index)
    waiting = confirmed_letter(action, email="waiting@example.org")
    erased = confirmed_letter(action, email="erased@example.org")
    long_ago = timezone.now() - timedelta(days=30)
    ConstituentLetter.objects.filter(pk=waiting.pk).update(confirmed_at=long_ago)
    ConstituentLetter.objects.filter(pk=erased.pk).update(
        status=LetterStatus.SENT, sent_at=long_ago, erased_at=long_ago
    )
    assert letter_replies_ask() == 0


def test_opening_the_link_shows_three_buttons_and_changes_nothing(sent_letter: ConstituentLetter) -> None:
    path = asked_link(sent_letter)
    client = Client()
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert not response.cookies
    html = response.content.decode()
    for value in ("yes", "not_yet", "no"):
        assert f'name="answer" value="{value}"' in html
    assert "Have they replied to your letter?" in html
    # A link scanner opening it twice answers nothing.
    client.get(path)
    sent_letter.refresh_from_db()
    assert sent_letter.reply_report == "" and sent_letter.reply_reported_at is None


@pytest.mark.parametrize("answer", [ReplyReport.YES, ReplyReport.NOT_YET, ReplyReport.NO])
def test_each_answer_is_recorded(sent_letter: ConstituentLetter, answer: ReplyReport) -> None:
    path = asked_link(sent_letter)
    response = Client().post(path, {"answer": answer.value})
    assert response.status_code == 302 and response["Location"] == path
    sent_letter.refresh_from_db()
    assert sent_letter.reply_report == answer and sent_letter.reply_reported_at is not None
    event = AuditEvent.objects.get(action="campaigns.letter.reply_reported")
    assert event.object_id == str(sent_letter.pk) and event.data["answer"] == answer.value
    page = Client().get(path).content.decode()
    assert f"You told us: {answer.label}" in page
    # Only "yes" offers the box for the reply's words.
    assert ('name="text"' in page) == (answer == ReplyReport.YES)
    assert letters_summary(action_id=sent_letter.action_id).replies == (1 if answer == ReplyReport.YES else 0)


def test_answering_twice_keeps_the_last_answer(sent_letter: ConstituentLetter) -> None:
    path = asked_link(sent_letter)
    client = Client()
    client.post(path, {"answer": "yes"})
    client.post(path, {"step": "reply", "text": "Thank you for your letter. I will raise it.", "may_share": "on"})
    sent_letter.refresh_from_db()
    assert sent_letter.reply_text and sent_letter.reply_may_share
    client.post(path, {"answer": "no"})
    sent_letter.refresh_from_db()
    assert sent_letter.reply_report == ReplyReport.NO
    # A "no" keeps no reply text, and no permission to share one.
    assert sent_letter.reply_text == "" and not sent_letter.reply_may_share


def test_the_reply_and_the_permission_to_share_it(sent_letter: ConstituentLetter) -> None:
    path = asked_link(sent_letter)
    client = Client()
    client.post(path, {"answer": "yes"})
    response = client.post(path, {"step": "reply", "text": "  They said they would write to the minister.  "})
    assert response.status_code == 302 and response["Location"] == path + "?kept=1"
    sent_letter.refresh_from_db()
    assert sent_letter.reply_text == "They said they would write to the minister."
    assert not sent_letter.reply_may_share
    assert "We have kept the reply you gave us." in client.get(path + "?kept=1").content.decode()
    assert AuditEvent.objects.filter(action="campaigns.letter.reply_kept", object_id=str(sent_letter.pk)).exists()


def test_taking_back_the_permission_removes_the_shared_copy(sent_letter: ConstituentLetter) -> None:
    path = asked_link(sent_letter)
    client = Client()
    client.post(path, {"answer": "yes"})
    client.post(path, {"step": "reply", "text": "A reply.", "may_share": "on"})
    SharedReply.objects.create(
        item=TrackedItemFactory(), action_id=sent_letter.action_id, letter=sent_letter, text="A reply."
    )
    client.post(path, {"step": "reply", "text": "A reply."})
    assert not SharedReply.objects.exists()


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"text": "Hello\x1b[31mthere"}, "characters in it that are not text"),
        ({"text": "x" * (REPLY_TEXT_LONGEST + 1)}, "characters or fewer"),
        ({"text": "", "may_share": "on"}, "Paste the reply first"),
    ],
)
def test_a_bad_reply_is_refused_with_the_answers_kept(
    sent_letter: ConstituentLetter, posted: dict[str, str], error: str
) -> None:
    path = asked_link(sent_letter)
    client = Client()
    client.post(path, {"answer": "yes"})
    response = client.post(path, {"step": "reply", **posted})
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html and "There is a problem" in html
    if posted["text"] and "\x1b" not in posted["text"]:
        assert posted["text"][:50] in html
    sent_letter.refresh_from_db()
    assert sent_letter.reply_text == ""


def test_the_reply_box_needs_a_yes_first(sent_letter: ConstituentLetter) -> None:
    path = asked_link(sent_letter)
    response = Client().post(path, {"step": "reply", "text": "A reply."})
    assert response.status_code == 400
    sent_letter.refresh_from_db()
    assert sent_letter.reply_text == ""


def test_a_wrong_answer_or_a_wrong_link_is_a_clean_refusal(sent_letter: ConstituentLetter) -> None:
    path = asked_link(sent_letter)
    response = Client().post(path, {"answer": "maybe"})
    assert response.status_code == 400 and "That answer was not one of ours" in response.content.decode()
    response = Client().get("/campaigns/letters/reply/" + "x" * 43 + "/")
    assert response.status_code == 404 and "This link does not work" in response.content.decode()
    assert Client().post("/campaigns/letters/reply/" + "x" * 43 + "/", {"answer": "yes"}).status_code == 404
    assert Client().get("/campaigns/letters/reply/short/").status_code == 404
    sent_letter.refresh_from_db()
    assert sent_letter.reply_report == ""


def test_a_post_from_another_site_is_refused(sent_letter: ConstituentLetter) -> None:
    path = asked_link(sent_letter)
    response = Client().post(path, {"answer": "yes"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    sent_letter.refresh_from_db()
    assert sent_letter.reply_report == ""


def test_the_link_stops_working_once_the_letter_is_erased(sent_letter: ConstituentLetter) -> None:
    path = asked_link(sent_letter)
    ConstituentLetter.objects.filter(pk=sent_letter.pk).update(erased_at=timezone.now(), reply_token_hash="")
    assert Client().get(path).status_code == 404

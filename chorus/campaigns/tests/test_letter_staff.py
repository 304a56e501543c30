"""Staff screens of letters to MPs: who sees what, what is audited, the CSV, bundles sent early, shared replies."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import User
from chorus.campaigns.dashboard import campaigner_panel
from chorus.campaigns.models import (
    LETTER_BUNDLE_EMAIL,
    ConstituentLetter,
    LetterBundle,
    LetterDelivery,
    LetterStatus,
    ReplyReport,
    SharedReply,
)
from chorus.campaigns.tests.letter_factories import (
    CARDIFF,
    HOLBORN,
    confirmed_letter,
    letter_action,
    seats_with_postcodes,
)
from chorus.core.idempotency import submission_key_new
from chorus.core.models import AuditEvent, OutboxMessage
from chorus.tracker.tests.factories import TrackedItemFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

WRITER = {"name": "Priya Lakeside", "postal_address": "17 Quayside Walk\nCardiff", "postcode": "CF24 0AA"}
WORDS = "My neighbour was held on a ward for eleven weeks without a review."


@pytest.fixture
def action(index: Any) -> Any:
    seats_with_postcodes()
    return letter_action(index, delivery=LetterDelivery.WEEKLY, title="Fair detention reviews")


@pytest.fixture
def letter(action: Any) -> ConstituentLetter:
    written = confirmed_letter(action, email="priya@example.org", target_key=CARDIFF, body=WORDS, **WRITER)
    confirmed_letter(action, email="sam@example.org")
    ConstituentLetter.objects.filter(pk=written.pk).update(
        status=LetterStatus.SENT,
        sent_at=timezone.now(),
        reply_report=ReplyReport.YES,
        reply_text="Dear Priya, I have written to the minister about this. Example MP",
        reply_may_share=True,
    )
    written.refresh_from_db()
    return written


def screens(action: Any, letter: ConstituentLetter) -> dict[str, str]:
    return {
        "letters": reverse("campaigns_admin_letters", args=[action.pk]),
        "csv": reverse("campaigns_admin_letters_csv", args=[action.pk]),
        "letter": reverse("campaigns_admin_letter", args=[action.pk, letter.pk]),
        "attach": reverse("campaigns_admin_letter_attach", args=[action.pk, letter.pk]),
    }


# --- the three permission checks, screen by screen -------------------------------------------------

SCREENS = ["letters", "csv", "letter", "attach"]


@pytest.mark.parametrize("screen", SCREENS)
def test_signed_out_goes_to_sign_in(action: Any, letter: ConstituentLetter, screen: str) -> None:
    response = Client().get(screens(action, letter)[screen])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize("screen", SCREENS)
def test_the_wrong_role_is_refused(action: Any, letter: ConstituentLetter, screen: str, editor: User) -> None:
    assert client_for(editor).get(screens(action, letter)[screen]).status_code == 403


@pytest.mark.parametrize("screen", SCREENS)
def test_campaigners_see_every_screen(action: Any, letter: ConstituentLetter, screen: str, campaigner: User) -> None:
    assert client_for(campaigner).get(screens(action, letter)[screen]).status_code == 200


@pytest.mark.parametrize(("screen", "status"), [("letters", 200), ("csv", 200), ("letter", 403), ("attach", 403)])
def test_administrators_see_counts_but_not_letters(
    action: Any, letter: ConstituentLetter, screen: str, status: int, administrator: User
) -> None:
    assert client_for(administrator).get(screens(action, letter)[screen]).status_code == status


def test_sending_a_bundle_needs_the_change_permission(action: Any, letter: ConstituentLetter, editor: User) -> None:
    url = reverse("campaigns_admin_letters_bundle", args=[action.pk])
    assert Client().post(url, {"office": HOLBORN}).status_code == 302
    assert client_for(editor).post(url, {"office": HOLBORN}).status_code == 403
    assert client_for(editor).get(url).status_code in {403, 405}


# --- what the screens show, and what they record ------------------------------------------------


def test_the_letters_screen_shows_counts_and_scores_never_writers(
    action: Any, letter: ConstituentLetter, campaigner: User
) -> None:
    ConstituentLetter.objects.filter(pk=letter.pk).update(similarity=0.42)
    html = client_for(campaigner).get(screens(action, letter)["letters"]).content.decode()
    assert "Cardiff East" in html and "Holborn and St Pancras" in html
    assert "42%" in html
    assert f"Letter no. {letter.pk}" in html
    for private in (*WRITER.values(), "17 Quayside Walk", WORDS, "priya@example.org", "Sam Rivers", "Dear Priya"):
        assert private not in html
    # Only counts: looking at it is not a reading of anyone's letter.
    assert not AuditEvent.objects.filter(action="campaigns.letter.viewed").exists()


def test_the_csv_has_counts_by_constituency_and_no_one_in_it(
    action: Any, letter: ConstituentLetter, campaigner: User
) -> None:
    response = client_for(campaigner).get(screens(action, letter)["csv"])
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][0] == "Constituency or person written to"
    by_office = {row[0]: row[1:] for row in rows[1:]}
    assert by_office["Cardiff East"] == ["0", "0", "0", "1", "0", "1", "0", "0", "0"]
    assert by_office["Holborn and St Pancras"] == ["0", "1", "0", "0", "0", "0", "0", "0", "0"]
    for private in ("Priya", "Quayside", "CF24", "priya@example.org", "Sam Rivers", "WC1X", "neighbour"):
        assert private not in content
    event = AuditEvent.objects.get(action="campaigns.letters.exported")
    assert event.object_id == str(action.pk) and event.data["rows"] == 2


def test_reading_a_letter_is_audited(action: Any, letter: ConstituentLetter, campaigner: User) -> None:
    response = client_for(campaigner).get(screens(action, letter)["letter"])
    html = response.content.decode()
    assert "Priya Lakeside" in html and "17 Quayside Walk" in html and WORDS in html
    assert "Dear Priya" in html  # the reply the writer pasted
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(action="campaigns.letter.viewed")
    assert event.object_id == str(letter.pk) and event.actor == campaigner
    # No name, address or words in what the audit log keeps.
    assert "Priya" not in str(event.data) and "Quayside" not in str(event.data)


def test_a_letter_of_another_action_is_not_found(action: Any, letter: ConstituentLetter, campaigner: User) -> None:
    other = letter_action(action.get_parent().specific)
    url = reverse("campaigns_admin_letter", args=[other.pk, letter.pk])
    assert client_for(campaigner).get(url).status_code == 404


# --- sending an office's bundle early ------------------------------------------------------------


def test_staff_send_a_bundle_now_and_a_double_click_sends_once(
    action: Any, letter: ConstituentLetter, campaigner: User
) -> None:
    client = client_for(campaigner)
    url = reverse("campaigns_admin_letters_bundle", args=[action.pk])
    # The first press asks "are you sure?" and changes nothing.
    response = client.post(url, {"office": HOLBORN})
    assert response.status_code == 200
    assert "Send the 1 waiting letter to the MP for Holborn and St Pancras now?" in response.content.decode()
    assert not LetterBundle.objects.exists()
    key = submission_key_new()
    confirmed = {"office": HOLBORN, "confirmed": "1", "submission_key": key}
    first = client.post(url, confirmed)
    second = client.post(url, confirmed)
    assert first.status_code == second.status_code == 302
    bundle = LetterBundle.objects.get()
    assert (
        bundle.target_key == HOLBORN and bundle.week is None and bundle.created_by == campaigner and bundle.size == 1
    )
    assert OutboxMessage.objects.filter(kind=LETTER_BUNDLE_EMAIL).count() == 1
    event = AuditEvent.objects.get(action="campaigns.letters.bundled")
    assert event.actor == campaigner and event.data == {"action": action.pk, "letters": 1, "early": True}
    messages = [
        str(message)
        for message in client.get(reverse("campaigns_admin_letters", args=[action.pk])).context["messages"]
    ]
    assert "already sent" in " ".join(messages)


def test_nothing_waiting_sends_nothing(action: Any, letter: ConstituentLetter, campaigner: User) -> None:
    url = reverse("campaigns_admin_letters_bundle", args=[action.pk])
    response = client_for(campaigner).post(url, {"office": CARDIFF})
    assert response.status_code == 302
    assert not LetterBundle.objects.exists()


def test_an_action_that_sends_each_letter_has_no_bundle_button(index: Any, campaigner: User) -> None:
    seats_with_postcodes()
    each = letter_action(index)
    confirmed_letter(each)
    html = client_for(campaigner).get(reverse("campaigns_admin_letters", args=[each.pk])).content.decode()
    assert "campaigns_admin_letters_bundle" not in html and "/send-bundle/" not in html
    client_for(campaigner).post(
        reverse("campaigns_admin_letters_bundle", args=[each.pk]),
        {"office": HOLBORN, "confirmed": "1", "submission_key": submission_key_new()},
    )
    assert not LetterBundle.objects.exists()


# --- attaching a shared reply to the tracker -------------------------------------------------------


def test_a_shared_reply_is_attached_to_a_tracker_item_as_staff_edit_it(
    action: Any, letter: ConstituentLetter, campaigner: User
) -> None:
    item = TrackedItemFactory(title="Mental Health Bill")
    url = screens(action, letter)["attach"]
    client = client_for(campaigner)
    page = client.get(url).content.decode()
    assert "Dear Priya, I have written to the minister" in page  # the writer's paste, for staff to edit
    edited = "I have written to the minister about this."
    response = client.post(url, {"item": item.pk, "text": edited, "submission_key": submission_key_new()})
    assert response.status_code == 302
    shared = SharedReply.objects.get()
    assert shared.item == item and shared.text == edited and shared.letter == letter
    assert shared.replied_by == "Example MP for Cardiff" and shared.constituency_name == "Cardiff East"
    event = AuditEvent.objects.get(action="campaigns.letter_reply.attached")
    assert event.actor == campaigner and event.data["tracker_item"] == item.pk
    overview = client.get(screens(action, letter)["letters"]).content.decode()
    assert "Mental Health Bill" in overview and edited not in overview


def test_a_reply_without_the_writers_permission_cannot_be_attached(
    action: Any, letter: ConstituentLetter, campaigner: User
) -> None:
    ConstituentLetter.objects.filter(pk=letter.pk).update(reply_may_share=False)
    item = TrackedItemFactory()
    url = screens(action, letter)["attach"]
    response = client_for(campaigner).post(
        url, {"item": item.pk, "text": "Words", "submission_key": submission_key_new()}
    )
    assert response.status_code == 302
    assert not SharedReply.objects.exists()


def test_attaching_asks_for_an_item_and_keeps_the_words_on_error(
    action: Any, letter: ConstituentLetter, campaigner: User
) -> None:
    response = client_for(campaigner).post(
        screens(action, letter)["attach"], {"item": "", "text": "Kept words", "submission_key": submission_key_new()}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Kept words" in html
    assert not SharedReply.objects.exists()


def test_a_campaigner_without_tracker_rights_cannot_attach(
    action: Any, letter: ConstituentLetter, campaigner: User
) -> None:
    # A narrower group: letters may be read, the tracker not changed.
    reader = User.objects.create_user(username="letter-reader", password="correct-horse-battery")
    group = Group.objects.create(name="Letters only")
    group.permissions.set(Group.objects.get(name="Campaigner").permissions.exclude(content_type__app_label="tracker"))
    reader.groups.add(group)
    assert client_for(reader).get(screens(action, letter)["letter"]).status_code == 200
    assert client_for(reader).get(screens(action, letter)["attach"]).status_code == 403


def test_the_dashboard_of_a_letter_action_shows_its_letters_not_signatures(
    action: Any, letter: ConstituentLetter, campaigner: User
) -> None:
    html = client_for(campaigner).get(reverse("campaigns_admin_dashboard", args=[action.pk])).content.decode()
    assert reverse("campaigns_admin_letters", args=[action.pk]) in html
    # One letter sent (with a reply), one waiting its turn.
    assert "<dt>Sent</dt><dd>1, to 1 office</dd>" in html
    assert "<dt>Waiting their turn</dt><dd>1</dd>" in html
    assert "Yes: 1 · Not yet: 0 · No: 0" in html
    for signing in ("Public count", "Signatures over time", "signatories", "delivery pack", "Invalidate signatures"):
        assert signing not in html
    # Its state can still be moved on from here.
    assert reverse("campaigns_admin_transition", args=[action.pk]) in html


def test_the_campaigners_panel_counts_letters_for_a_letter_action(action: Any, letter: ConstituentLetter) -> None:
    letters_url = reverse("campaigns_admin_letters", args=[action.pk])
    # Its letters, and no line of signatures confirmed in the last 24 hours.
    lines = [line for line in campaigner_panel().lines if action.title in line.label]
    assert [(line.label, line.count, line.url) for line in lines] == [
        ("letter sent on Fair detention reviews", 1, letters_url)
    ]
    assert lines[0].detail == "1 waiting their turn, 0 on their way, 0 waiting for their writers to confirm."
    ConstituentLetter.objects.filter(pk=letter.pk).update(status=LetterStatus.REFUSED, refused_at=timezone.now())
    refused = [line for line in campaigner_panel().lines if line.attention and action.title in line.label]
    assert [(line.label, line.count, line.url) for line in refused] == [
        ("letter refused by the office on Fair detention reviews", 1, letters_url)
    ]


def test_the_list_of_actions_counts_letters_sent_and_signatures_each_in_its_own_terms(
    action: Any, letter: ConstituentLetter, index: Any, campaigner: User
) -> None:
    from chorus.campaigns.tests.factories import petition

    petition(index, title="Keep the wards open")
    page = client_for(campaigner).get(reverse("campaigns_admin_list")).content.decode()
    row_of_letters = page[page.index("Fair detention reviews") :].split("</tr>")[0]
    row_of_petition = page[page.index("Keep the wards open") :].split("</tr>")[0]
    assert "1 letters sent" in row_of_letters and "Open for letters" in row_of_letters
    assert "signatures" not in row_of_letters
    assert "0 signatures" in row_of_petition

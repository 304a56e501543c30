"""Writing a letter over HTTP: every lookup answer, the three steps, duplicates, confirming, hostile input."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from chorus.campaigns.letter_forms import WriterDetails, seal_details
from chorus.campaigns.models import ConstituentLetter, LetterStatus
from chorus.campaigns.tests.letter_factories import (
    CARDIFF,
    HOLBORN,
    confirmed_letter,
    letter_action,
    named_letter_action,
    seats_with_postcodes,
)
from chorus.campaigns.workflow import ActionState
from chorus.core.outbox import outbox_send
from chorus.representatives.tests.factories import make_seat

pytestmark = pytest.mark.django_db

OWN_WORDS = (
    "When my brother was sectioned last winter nobody told him what his rights were, and it took our family "
    "three weeks to find an advocate who would listen to him at all."
)
LETTER_CONFIRM_LINK = re.compile(r"/campaigns/letters/confirm/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def filled_slowly(settings: Any) -> None:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 0


@pytest.fixture
def seats(db: Any) -> None:
    seats_with_postcodes()


@pytest.fixture
def action(index: Any, seats: None) -> Any:
    return letter_action(index, title="Reform detention", slug="reform-detention")


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} on the page"
    return html.unescape(found.group(1))


def details_step(client: Client, action: Any, **answers: str) -> Any:
    page = client.get(action.url + "letter/").content.decode()
    data = {
        "step": "details",
        "form_started": hidden(page, "form_started"),
        "website": "",
        "name": "Sam Rivers",
        "email": "sam@example.org",
        "postal_address": "1 Example Street\nLondon",
        "postcode": "WC1X 8HP",
        **answers,
    }
    return client.post(f"/campaigns/{action.pk}/letter/", data)


def write_step(client: Client, action: Any, response: Any, *, body: str = OWN_WORDS, step: str = "check") -> Any:
    page = response.content.decode()
    data = {
        "step": step,
        "details": hidden(page, "details"),
        "submission_key": hidden(page, "submission_key"),
        "body": body,
    }
    return client.post(f"/campaigns/{action.pk}/letter/", data)


def send_step(client: Client, action: Any, checked: Any, *, step: str = "send") -> Any:
    page = checked.content.decode()
    data = {
        "step": step,
        "details": hidden(page, "details"),
        "submission_key": hidden(page, "submission_key"),
        "body": hidden(page, "body"),
    }
    return client.post(f"/campaigns/{action.pk}/letter/", data)


def write_a_letter(client: Client, action: Any, *, body: str = OWN_WORDS, **answers: str) -> Any:
    written = details_step(client, action, **answers)
    assert written.status_code == 200, written.content.decode()
    checked = write_step(client, action, written, body=body)
    assert checked.status_code == 200, checked.content.decode()
    return send_step(client, action, checked)


def error_text(response: Any) -> str:
    return " ".join(
        html.unescape(m) for m in re.findall(r'class="field-error"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    )


# --- the action's page ----------------------------------------------------------------------------


def test_the_action_page_shows_the_ask_briefing_target_and_summary(client: Client, action: Any) -> None:
    response = client.get(action.url)
    assert response.status_code == 200
    assert not response.cookies
    body = response.content.decode()
    assert "Vote for the change." in body and "Do not copy the whole suggested letter." in body
    assert "your own MP" in body
    assert f'href="{action.url}letter/"' in body
    assert "0 letters sent" in body and "0 MPs written to" in body
    assert 'href="/campaigns/reform-detention/sign/"' not in body


def test_the_summary_counts_sent_letters(client: Client, action: Any) -> None:
    letter = confirmed_letter(action)
    ConstituentLetter.objects.filter(pk=letter.pk).update(status=LetterStatus.SENT, sent_at=timezone.now())
    body = client.get(action.url).content.decode()
    assert "1 letter sent" in body and "1 MP written to" in body


def test_a_named_target_is_shown_on_the_page(client: Client, index: Any) -> None:
    action = named_letter_action(index)
    body = client.get(action.url).content.decode()
    assert "Example Minister, Minister for Mental Health" in body
    assert "Letter to a decision-maker" in body


@pytest.mark.parametrize(
    "path", ["sign/", "sign/check-your-email/", "sign/confirmed/", "signatories/", "easy-read/sign/"]
)
def test_a_letter_action_has_no_signing_pages(client: Client, action: Any, path: str) -> None:
    assert client.get(action.url + path).status_code == 404


def test_the_direct_signing_address_refuses_a_letter_action(client: Client, action: Any) -> None:
    assert client.get(f"/campaigns/{action.pk}/sign/").status_code == 404
    assert client.post(f"/campaigns/{action.pk}/sign/", {"name": "A", "email": "a@example.org"}).status_code == 404


@pytest.mark.parametrize(
    "address", ["/campaigns/{pk}/count.json", "/campaigns/reform-detention/count.json", "/campaigns/{pk}/share.png"]
)
def test_a_letter_action_has_no_signature_count_or_share_image(client: Client, action: Any, address: str) -> None:
    # Nobody signs a letter action: a count of nought signatures would be false, so there is none.
    url = address.format(pk=action.pk)
    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404


# --- step 1: finding the MP ---------------------------------------------------------------------------


def test_the_blank_form_sets_no_cookie_and_posts_to_the_cookie_free_address(client: Client, action: Any) -> None:
    for url in (action.url + "letter/", f"/campaigns/{action.pk}/letter/"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies
        assert "max-age=1," in response["Cache-Control"]
        body = response.content.decode()
        assert f'action="/campaigns/{action.pk}/letter/"' in body
        assert "csrfmiddlewaretoken" not in body
        assert 'name="seat"' not in body  # postcodes can be looked up: no list


def test_a_postcode_finds_the_mp(client: Client, action: Any) -> None:
    response = details_step(client, action, postcode="wc1x8hp")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your MP is Example MP for Holborn" in body
    assert "Example Party, MP for Holborn and St Pancras" in body
    assert "How does this affect you or people you know?" in body
    assert "I am writing to ask you to support the change in Parliament." in body  # to quote from
    assert "<details>" in body
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    # The letter starts from the prompts, never from the suggested letter.
    assert re.search(r"<textarea[^>]*>\s*</textarea>", body)
    assert "maxlength" not in body.split("<textarea")[1].split(">")[0]


def test_the_speaker_is_shown_as_the_speaker(client: Client, action: Any) -> None:
    body = details_step(client, action, postcode="PR7 1AA").content.decode()
    assert "Your MP is Example Speaker" in body
    assert "Speaker of the House of Commons, MP for Chorley" in body


def test_a_split_postcode_asks_which_seat(client: Client, action: Any) -> None:
    response = details_step(client, action, postcode="CF10 9ZZ")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'type="radio" name="seat" value="W07000081"' in body
    assert 'type="radio" name="seat" value="E14001063"' in body
    # Why the question appeared, in the error summary too; and the choice is not "(optional)".
    assert "Your postcode is split between constituencies. Choose the one" in error_text(response)
    legend = body[body.index("<legend>Your constituency") :].split("</legend>")[0]
    assert "(optional)" not in legend
    assert 'value="Sam Rivers"' in body  # answers kept
    chosen = details_step(client, action, postcode="CF10 9ZZ", seat=CARDIFF)
    assert chosen.status_code == 200
    assert "Your MP is Example MP for Cardiff" in chosen.content.decode()
    # A seat the postcode does not cover is not taken.
    assert details_step(client, action, postcode="CF10 9ZZ", seat="E14001172").status_code == 400


@pytest.mark.parametrize(
    ("postcode", "words"),
    [
        ("EC1A 9ZZ", "no longer in use"),
        ("WC1X 9ZZ", "We could not find WC1X 9ZZ"),
        ("not a postcode", "Enter a full UK postcode"),
        ("JE2 3AB", "no MP at Westminster"),
        ("IM1 1AA", "no MP at Westminster"),
    ],
)
def test_postcodes_that_find_no_mp_say_why_and_keep_the_answers(
    client: Client, action: Any, postcode: str, words: str
) -> None:
    response = details_step(client, action, postcode=postcode)
    assert response.status_code == 400
    assert words in error_text(response)
    body = response.content.decode()
    assert 'value="Sam Rivers"' in body and "1 Example Street\nLondon" in body
    assert 'href="#id_postcode"' in body  # the summary links to the field


def test_a_postcode_not_in_the_data_offers_the_list(client: Client, action: Any) -> None:
    response = details_step(client, action, postcode="WC1X 9ZZ")
    body = response.content.decode()
    assert '<select name="seat"' in body and "Holborn and St Pancras: Example MP for Holborn" in body
    chosen = details_step(client, action, postcode="WC1X 9ZZ", seat=HOLBORN)
    assert chosen.status_code == 200
    assert "Your MP is Example MP for Holborn" in chosen.content.decode()


def test_a_vacant_seat_takes_no_letter(client: Client, action: Any) -> None:
    response = details_step(client, action, postcode="WA7 1AA")
    assert response.status_code == 400
    assert "Runcorn and Helsby has no MP at the moment" in error_text(response)


def test_without_postcode_data_the_writer_picks_from_every_seat(client: Client, index: Any) -> None:
    make_seat(HOLBORN, "Holborn and St Pancras", mp="Example MP for Holborn")
    make_seat(CARDIFF, "Cardiff East", mp="Example MP for Cardiff")
    action = letter_action(index)
    blank = client.get(action.url + "letter/").content.decode()
    assert '<select name="seat"' in blank and "Cardiff East: Example MP for Cardiff" in blank
    unchosen = details_step(client, action)
    assert unchosen.status_code == 400
    assert "Choose your constituency from the list." in error_text(unchosen)
    chosen = details_step(client, action, seat=CARDIFF)
    assert "Your MP is Example MP for Cardiff" in chosen.content.decode()
    assert details_step(client, action, seat="E99999999").status_code == 400


def test_a_named_decision_maker_needs_no_lookup(client: Client, index: Any) -> None:
    action = named_letter_action(index)
    blank = client.get(action.url + "letter/").content.decode()
    assert "Your letter goes to Example Minister, Minister for Mental Health." in blank
    response = details_step(client, action, postcode="JE2 3AB")
    assert response.status_code == 200
    assert "Your letter goes to Example Minister" in response.content.decode()
    assert details_step(client, action, postcode="nonsense").status_code == 400


# --- hostile input ----------------------------------------------------------------------------------


def test_a_line_break_in_the_name_is_refused(client: Client, action: Any) -> None:
    response = details_step(client, action, name="Sam\r\nBcc: everyone@example.org")
    assert response.status_code == 400
    assert "Write your name on one line." in error_text(response)
    assert not ConstituentLetter.objects.exists()


def test_control_characters_in_the_address_are_refused(client: Client, action: Any) -> None:
    response = details_step(client, action, postal_address="1 Example Street\x07\x1b\nLondon")
    assert response.status_code == 400
    assert "Your address contains characters we cannot store." in error_text(response)
    nul = details_step(client, action, postal_address="1 Example Street\x00\nLondon")
    assert nul.status_code == 400 and "Null characters are not allowed." in error_text(nul)
    assert not ConstituentLetter.objects.exists()


def test_an_oversized_letter_gets_a_clear_error_and_is_kept(client: Client, action: Any) -> None:
    written = details_step(client, action)
    huge = "word " * 10_240  # 50 KB
    response = write_step(client, action, written, body=huge)
    assert response.status_code == 400
    assert "Letters can be up to 10,000 characters" in error_text(response)
    assert "word word word" in response.content.decode()
    assert not ConstituentLetter.objects.exists()


def test_control_characters_in_the_letter_are_refused_but_pasted_invisibles_are_dropped(
    client: Client, action: Any
) -> None:
    written = details_step(client, action)
    assert write_step(client, action, written, body=f"{OWN_WORDS}\x1b[31m").status_code == 400
    checked = write_step(client, action, written, body=f"{OWN_WORDS}\u00ad\u2028Thank you.")
    assert checked.status_code == 200
    assert hidden(checked.content.decode(), "body") == f"{OWN_WORDS}\nThank you."


def test_html_in_a_letter_is_stored_as_written_and_never_rendered(client: Client, action: Any) -> None:
    script = '<script>alert("x")</script> <b>bold</b> ' + OWN_WORDS
    written = details_step(client, action)
    checked = write_step(client, action, written, body=script)
    page = checked.content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    send_step(client, action, checked)
    letter = ConstituentLetter.objects.get()
    assert letter.body == script
    outbox_send()
    token = LETTER_CONFIRM_LINK.search(mail.outbox[-1].body)
    assert token
    confirm_page = client.get(f"/campaigns/letters/confirm/{token.group(1)}/").content.decode()
    assert "<script>alert" not in confirm_page and "&lt;script&gt;alert" in confirm_page


def test_altered_step_details_start_again(client: Client, action: Any) -> None:
    sealed = seal_details(
        WriterDetails(
            name="A", email="a@example.org", postal_address="1 Road", postcode="WC1X 8HP", target_key=HOLBORN
        )
    )
    response = client.post(
        f"/campaigns/{action.pk}/letter/", {"step": "check", "details": sealed[:-2] + "xx", "body": OWN_WORDS}
    )
    assert response.status_code == 400
    assert "This page was open for too long" in response.content.decode()
    # A seat in the sealed details cannot be swapped: the signature covers it.
    assert not ConstituentLetter.objects.exists()


# --- steps 2 and 3, and sending -------------------------------------------------------------------------


def test_the_whole_flow_stores_one_letter_and_emails_the_writer(client: Client, action: Any) -> None:
    response = write_a_letter(client, action)
    assert response.status_code == 302
    assert response["Location"] == action.url + "letter/check-your-email/"
    assert not response.cookies
    letter = ConstituentLetter.objects.get()
    assert (letter.name, letter.postal_address, letter.postcode, letter.body) == (
        "Sam Rivers",
        "1 Example Street\nLondon",
        "WC1X 8HP",
        OWN_WORDS,
    )
    assert letter.status == LetterStatus.PENDING and letter.target_key == HOLBORN
    outbox_send()
    assert LETTER_CONFIRM_LINK.search(mail.outbox[-1].body)
    check = client.get(response["Location"])
    assert check.status_code == 200 and "Check your email" in check.content.decode()


def test_a_double_click_on_send_stores_one_letter_and_sends_one_email(client: Client, action: Any) -> None:
    written = details_step(client, action)
    checked = write_step(client, action, written)
    first = send_step(client, action, checked)
    second = send_step(client, action, checked)
    assert first.status_code == second.status_code == 302
    assert ConstituentLetter.objects.count() == 1
    outbox_send()
    assert len(mail.outbox) == 1


def test_writing_again_shows_the_same_screen_and_says_so_by_email(client: Client, action: Any) -> None:
    confirmed_letter(action)
    mail.outbox.clear()
    response = write_a_letter(client, action)
    assert response.status_code == 302
    assert response["Location"] == action.url + "letter/check-your-email/"
    assert ConstituentLetter.objects.count() == 1
    outbox_send()
    assert [m.subject for m in mail.outbox] == ["You have already written: Reform detention"]


@pytest.mark.parametrize(
    ("level", "words"),
    [
        ("none", "Your letter is in your own words."),
        ("some", "Parts of your letter are like other letters"),
        ("mostly", "Most of your letter is the same as other letters"),
    ],
)
def test_the_check_page_encourages_own_words_without_blocking(
    client: Client, action: Any, level: str, words: str
) -> None:
    shared = (
        "The Mental Health Act still lets people be detained for far too long without any real say in their own "
        "care and treatment, and the reform bill must change that before the end of this session."
    )
    confirmed_letter(action, email="first@example.org", body=shared)
    body = {"none": OWN_WORDS, "some": f"{shared} {OWN_WORDS}", "mostly": shared}[level]
    written = details_step(client, action)
    checked = write_step(client, action, written, body=body)
    page = html.unescape(checked.content.decode())
    assert words in page
    if level == "mostly":
        assert "/support/campaign/" in page and "Change your letter" in page
    # Whatever the level, it can be sent.
    assert send_step(client, action, checked).status_code == 302
    assert ConstituentLetter.objects.filter(writer_index__isnull=False).count() == 2


def test_the_easy_read_briefing_is_offered_when_there_is_one(client: Client, index: Any, seats: None) -> None:
    shared = " ".join(["the same words again and again"] * 6)
    action = letter_action(index, easy_read_summary=[("paragraph", "<p>We want the law to change.</p>")])
    confirmed_letter(action, email="first@example.org", body=shared)
    checked = write_step(client, action, details_step(client, action), body=shared)
    assert f'href="{action.url}easy-read/"' in checked.content.decode()


def test_changing_the_letter_keeps_it_and_its_key(client: Client, action: Any) -> None:
    written = details_step(client, action)
    checked = write_step(client, action, written)
    back = send_step(client, action, checked, step="edit")
    assert back.status_code == 200
    page = back.content.decode()
    assert "brother was sectioned" in page
    assert hidden(page, "submission_key") == hidden(checked.content.decode(), "submission_key")
    assert 'class="field-error"' not in page


def test_changing_details_keeps_the_answers_and_the_letter(client: Client, action: Any) -> None:
    written = details_step(client, action)
    checked = write_step(client, action, written)
    back = send_step(client, action, checked, step="change-details")
    page = back.content.decode()
    assert back.status_code == 200
    assert 'value="Sam Rivers"' in page and 'value="WC1X 8HP"' in page
    assert hidden(page, "draft") == OWN_WORDS
    data = {
        "step": "details",
        "form_started": hidden(page, "form_started"),
        "website": "",
        "name": "Sam Rivers",
        "email": "sam@example.org",
        "postal_address": "2 Other Street\nCardiff",
        "postcode": "CF24 0AA",
        "draft": OWN_WORDS,
    }
    moved = client.post(f"/campaigns/{action.pk}/letter/", data).content.decode()
    assert "Your MP is Example MP for Cardiff" in moved
    assert "brother was sectioned" in moved.split("<textarea")[1]


@pytest.mark.parametrize("state", [ActionState.CLOSED, ActionState.DELIVERED])
def test_closed_actions_refuse_letters(client: Client, index: Any, seats: None, state: str) -> None:
    action = letter_action(index, state=state)
    response = client.get(action.url + "letter/")
    assert "not taking letters any more" in response.content.decode()
    assert 'name="postcode"' not in response.content.decode()
    assert client.post(f"/campaigns/{action.pk}/letter/", {"step": "details"}).status_code == 200
    assert not ConstituentLetter.objects.exists()


def test_a_draft_action_is_not_public(client: Client, index: Any, seats: None) -> None:
    action = letter_action(index, state=ActionState.DRAFT)
    action.unpublish()
    assert client.get(f"/campaigns/{action.pk}/letter/").status_code == 404


def test_an_action_closed_between_steps_stores_nothing(client: Client, action: Any) -> None:
    checked = write_step(client, action, details_step(client, action))
    type(action).objects.filter(pk=action.pk).update(state=ActionState.CLOSED)
    from chorus.campaigns.selectors import LIVE_ACTIONS

    LIVE_ACTIONS.clear()
    response = send_step(client, action, checked)
    assert "not taking letters" in response.content.decode()
    assert not ConstituentLetter.objects.exists()


# --- confirming -------------------------------------------------------------------------------------------


def emailed_token(client: Client, action: Any) -> str:
    write_a_letter(client, action)
    outbox_send()
    found = LETTER_CONFIRM_LINK.search(mail.outbox[-1].body)
    assert found
    return found.group(1)


def test_the_link_shows_the_letter_and_a_button_and_only_the_button_confirms(client: Client, action: Any) -> None:
    token = emailed_token(client, action)
    url = f"/campaigns/letters/confirm/{token}/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Confirm and send my letter" in body and "brother was sectioned" in body
    assert '<form method="post">' in body and "csrfmiddlewaretoken" not in body
    assert ConstituentLetter.objects.get().status == LetterStatus.PENDING
    pressed = client.post(url)
    assert pressed.status_code == 302 and pressed["Location"] == url
    letter = ConstituentLetter.objects.get()
    assert letter.status == LetterStatus.QUEUED
    queued = client.get(url).content.decode()
    assert "Your letter is queued" in queued
    assert "Yours should go on" in queued
    # Pressed again (a refresh, a second click): still one letter, still queued.
    assert client.post(url).status_code == 302
    assert ConstituentLetter.objects.filter(status=LetterStatus.QUEUED).count() == 1


def test_a_garbled_or_replaced_link_does_not_work(client: Client, action: Any) -> None:
    response = client.get("/campaigns/letters/confirm/" + "a" * 43 + "/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert client.post("/campaigns/letters/confirm/" + "a" * 43 + "/").status_code == 400
    assert client.get("/campaigns/letters/confirm/short/").status_code == 404


def test_a_lapsed_link_says_so(client: Client, action: Any) -> None:
    token = emailed_token(client, action)
    ConstituentLetter.objects.update(token_sent_at=timezone.now() - timedelta(days=8))
    response = client.post(f"/campaigns/letters/confirm/{token}/")
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert ConstituentLetter.objects.get().status == LetterStatus.PENDING


def test_a_sent_letters_link_says_it_was_sent(client: Client, action: Any) -> None:
    token = emailed_token(client, action)
    client.post(f"/campaigns/letters/confirm/{token}/")
    ConstituentLetter.objects.update(status=LetterStatus.SENT, sent_at=timezone.now())
    assert "Your letter has been sent" in client.get(f"/campaigns/letters/confirm/{token}/").content.decode()
    ConstituentLetter.objects.update(status=LetterStatus.REFUSED, refused_at=timezone.now())
    assert "could not be delivered" in client.get(f"/campaigns/letters/confirm/{token}/").content.decode()


# --- bots, fast hands and other pages -------------------------------------------------------------------


def test_a_form_sent_very_fast_is_confirmed_once_then_goes_on(client: Client, action: Any, settings: Any) -> None:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 600
    asked = details_step(client, action)
    page = asked.content.decode()
    assert asked.status_code == 200 and "Please confirm you want to send this" in page
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    carried = {name: html.unescape(value) for name, value in carried.items()}
    assert carried["step"] == "details" and carried["postcode"] == "WC1X 8HP"
    went_on = client.post(f"/campaigns/{action.pk}/letter/", carried)
    assert "Your MP is Example MP for Holborn" in went_on.content.decode()


def test_a_filled_honeypot_sees_the_usual_pages_and_nothing_is_stored(client: Client, action: Any) -> None:
    response = write_a_letter(client, action, website="https://spam.example")
    assert response.status_code == 302
    assert response["Location"] == action.url + "letter/check-your-email/"
    assert not ConstituentLetter.objects.exists()
    outbox_send()
    assert mail.outbox == []


def test_the_easy_read_version_leads_to_writing(client: Client, index: Any, seats: None) -> None:
    action = letter_action(index, easy_read_summary=[("paragraph", "<p>We want the law to change.</p>")])
    body = client.get(action.url + "easy-read/").content.decode()
    assert f'href="{action.url}letter/"' in body
    assert "easy-read/sign/" not in body and "letter to an mp" not in body


def test_lists_of_actions_lead_to_writing_not_signing(client: Client, index: Any, seats: None) -> None:
    from django.template.loader import render_to_string

    action = letter_action(index, title="Reform detention")
    rendered = render_to_string("includes/related_actions.html", {"actions": [action], "heading": "Take part"})
    assert f'href="{action.url}letter/"' in rendered and "sign/" not in rendered
    listing = client.get(index.url).content.decode()
    assert "Reform detention" in listing and "0 signatures" not in listing


def test_a_petition_has_no_letter_pages(client: Client, index: Any) -> None:
    from chorus.campaigns.tests.factories import petition

    action = petition(index)
    assert client.get(f"/campaigns/{action.pk}/letter/").status_code == 404
    assert client.get(action.url + "letter/").status_code == 404

"""Applying online: the emailed link, the draft saved step by step, sending once, withdrawing, unsent drafts."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from chorus.core.antibot import _SALT
from chorus.core.crypto import email_index, token_digest
from chorus.core.deadlines import london_day
from chorus.core.models import OutboxMessage
from chorus.core.outbox import outbox_send
from chorus.grants.forms import question_field_name
from chorus.grants.models import Answer, Application, FundPage, GrantReferenceCounter, RoundPage
from chorus.grants.services.applications import (
    LINK_EMAIL,
    RECEIVED_EMAIL,
    ApplyingRefused,
    application_link_request,
    application_submit,
    drafts_delete_unsent,
)
from chorus.grants.tests.factories import make_mixed_round, make_round
from chorus.grants.workflow import ApplicationStatus

LINK = re.compile(r"https?://[^\s\"<]+/funding/application/([A-Za-z0-9_-]+)/")
EMAIL = "Sam.Jones@Example.org"


def _long_ago() -> str:
    """A fill-time stamp from half a minute back: a person who took their time."""
    return signing.dumps(time.time() - 30, salt=_SALT)


def _ids(round_page: RoundPage) -> dict[str, str]:
    band = round_page.bands.get(name="Small grants")
    return {block.value["question"]: block.id for block in band.questions}


def _start(client: Client, round_page: RoundPage, email: str = EMAIL) -> str:
    """Ask for the link as a person does and read the token from the email sent."""
    outbox_send()  # anything queued before, so only the link is read below
    mail.outbox.clear()
    response = client.post(
        f"/funding/apply/{round_page.pk}/", {"email": email, "website": "", "form_started": _long_ago()}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/funding/apply/{round_page.pk}/check-your-email/"
    outbox_send()
    assert len(mail.outbox) == 1
    match = LINK.search(mail.outbox[0].body)
    assert match is not None, mail.outbox[0].body
    return match.group(1)


def _key() -> str:
    from chorus.core.idempotency import submission_key_new

    return submission_key_new()


def _fill(client: Client, round_page: RoundPage, token: str) -> None:
    """Every step, with every required answer."""
    base = f"/funding/application/{token}/"
    ids = _ids(round_page)
    band = round_page.bands.get(name="Small grants")
    steps = {
        "about": {
            "group_name": "Leeds Hearing Voices",
            "contact_name": "Sam Jones",
            "contact_phone": "0113 496 0000",
            "is_registered": "no",
        },
        "size": {"band": str(band.pk)},
        "questions": {
            question_field_name(ids["What will you do?"]): "Weekly peer support meetings in the library",
            question_field_name(ids["Where do you meet?"]): "In person",
            question_field_name(ids["How much do you need?"]): "450",
        },
        "access": {"needs": ["large_print"], "apply_by": "online"},
    }
    for step, answers in steps.items():
        response = client.post(f"{base}{step}/", {**answers, "submission_key": _key(), "action": "continue"})
        assert response.status_code == 302, response.content.decode()


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def round_page(fund: FundPage) -> RoundPage:
    return make_mixed_round(fund)


def test_the_emailed_link_opens_the_draft_and_only_its_hash_is_stored(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)

    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert application.token_hash == token_digest(token)
    assert token not in application.token_hash
    assert application.email_digest == email_index("sam.jones@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_hash, email_digest, contact_email FROM grants_application")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert token not in row and "Example.org" not in row and "Sam.Jones" not in row
    page = client.get(f"/funding/application/{token}/")
    assert page.status_code == 200
    assert "Fill it in" in page.content.decode()
    assert client.get("/funding/application/not-a-real-token/").status_code == 404


def test_asking_again_sends_a_new_link_to_the_same_draft_and_the_old_link_stops(
    client: Client, round_page: RoundPage
) -> None:
    first = _start(client, round_page)
    _fill(client, round_page, first)
    second = _start(client, round_page, email="  sam.jones@example.ORG ")

    assert first != second
    assert Application.objects.count() == 1
    assert client.get(f"/funding/application/{first}/").status_code == 404
    page = client.get(f"/funding/application/{second}/check/").content.decode()
    assert "Leeds Hearing Voices" in page  # the same draft, answers and all


def test_the_page_says_the_same_whether_or_not_an_address_has_a_draft(client: Client, round_page: RoundPage) -> None:
    _start(client, round_page)
    again = client.get(f"/funding/apply/{round_page.pk}/check-your-email/").content.decode()
    assert "If that address can apply" in again
    fresh = client.post(
        f"/funding/apply/{round_page.pk}/",
        {"email": "new@example.org", "website": "", "form_started": _long_ago()},
    )
    assert fresh["Location"] == f"/funding/apply/{round_page.pk}/check-your-email/"


def test_one_draft_per_address_per_round(round_page: RoundPage) -> None:
    application_link_request(round_page=round_page, email=EMAIL)
    application_link_request(round_page=round_page, email=EMAIL.lower())
    assert Application.objects.filter(status=ApplicationStatus.DRAFT).count() == 1
    existing = Application.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            round=round_page,
            email_digest=existing.email_digest,
            contact_email=EMAIL,
            token_hash="x" * 64,
            created_at=timezone.now(),
        )


def test_each_step_saves_at_once_and_encrypted(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    _fill(client, round_page, token)

    application = Application.objects.get()
    assert application.group_name == "Leeds Hearing Voices"
    assert application.band is not None and application.band.name == "Small grants"
    assert application.access_needs == ["large_print"]
    assert Answer.objects.filter(application=application).count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM grants_answer")
        stored = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT group_name, contact_name, contact_phone FROM grants_application")
        contact = " ".join(cursor.fetchone())
    assert "peer support" not in stored and "In person" not in stored and "450" not in stored
    assert "Leeds" not in contact and "Sam" not in contact and "0113" not in contact


def test_save_and_come_back_later_keeps_the_answers(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    response = client.post(
        f"/funding/application/{token}/about/",
        {
            "group_name": "Leeds Hearing Voices",
            "contact_name": "Sam Jones",
            "is_registered": "yes",
            "registered_with": "charity_scotland",
            "registered_number": "1234567",
            "submission_key": _key(),
            "action": "leave",
        },
    )
    assert response["Location"] == f"/funding/application/{token}/?saved=1"
    assert "Your answers are saved" in client.get(response["Location"]).content.decode()
    again = client.get(f"/funding/application/{token}/about/").content.decode()
    assert 'value="Leeds Hearing Voices"' in again and 'value="1234567"' in again
    assert 'value="charity_scotland" id="id_registered_with_1" checked' in again


def test_a_step_with_a_mistake_shows_the_error_summary_and_keeps_the_answers(
    client: Client, round_page: RoundPage
) -> None:
    token = _start(client, round_page)
    response = client.post(
        f"/funding/application/{token}/about/",
        {"group_name": "Leeds Hearing Voices", "contact_name": "", "is_registered": "yes", "submission_key": _key()},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter your name." in page and "Enter your charity or company number." in page
    assert "Choose where your group is registered." in page
    assert 'value="Leeds Hearing Voices"' in page
    assert Application.objects.get().group_name == ""  # nothing saved from a step with a mistake


def test_written_answers_are_counted_on_the_server_against_the_guide(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    band = round_page.bands.get(name="Small grants")
    client.post(f"/funding/application/{token}/size/", {"band": str(band.pk), "submission_key": _key()})
    page = client.get(f"/funding/application/{token}/questions/").content.decode()
    assert "About 50 words." in page
    response = client.post(
        f"/funding/application/{token}/questions/",
        {
            question_field_name(_ids(round_page)["How much do you need?"]): "lots",
            question_field_name(_ids(round_page)["What will you do?"]): "one two three",
        },
    )
    assert "You have written 3 words; we suggest about 50." in response.content.decode()


def test_a_double_submit_stores_once(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    _fill(client, round_page, token)
    key = _key()

    first = client.post(f"/funding/application/{token}/check/", {"submission_key": key})
    second = client.post(f"/funding/application/{token}/check/", {"submission_key": key})

    assert first["Location"] == second["Location"] == f"/funding/application/{token}/?sent=1"
    application = Application.objects.get()
    assert application.status == ApplicationStatus.RECEIVED
    assert GrantReferenceCounter.objects.get().last_number == 1
    assert OutboxMessage.objects.filter(kind=RECEIVED_EMAIL).count() == 1


def test_sending_is_all_or_nothing_a_missing_answer_changes_nothing(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    _fill(client, round_page, token)
    Answer.objects.filter(question_id=_ids(round_page)["How much do you need?"]).delete()

    page = client.get(f"/funding/application/{token}/check/").content.decode()
    assert "How much do you need?" in page.split("Still to answer")[1]
    application = Application.objects.get()
    with pytest.raises(ApplyingRefused) as refused:
        application_submit(application=application)
    assert refused.value.missing == ["How much do you need?"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference is None and application.submitted_at is None
    assert not GrantReferenceCounter.objects.exists()
    assert not OutboxMessage.objects.filter(kind=RECEIVED_EMAIL).exists()


def test_a_group_that_asks_to_be_called_needs_only_a_phone_number(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    _fill(client, round_page, token)
    Answer.objects.all().delete()
    response = client.post(
        f"/funding/application/{token}/access/",
        {"apply_by": "call", "call_times": "Weekday mornings", "submission_key": _key()},
    )
    assert response.status_code == 302
    application = application_submit(application=Application.objects.get())
    assert application.status == ApplicationStatus.RECEIVED
    assert application.call_me and application.call_times == "Weekday mornings"


def test_after_closing_a_round_without_late_applications_refuses_and_keeps_the_draft(
    client: Client, fund: FundPage
) -> None:
    now = timezone.now()
    round_page = make_mixed_round(fund, closes=now + timedelta(days=1))
    token = _start(client, round_page)
    _fill(client, round_page, token)

    with time_machine.travel(round_page.closes_at + timedelta(seconds=1)):
        response = client.post(f"/funding/application/{token}/check/", {"submission_key": _key()})
        assert response.status_code == 400
        assert "This round has closed" in response.content.decode()
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference is None


def test_after_closing_a_round_that_reads_late_applications_keeps_it_marked_late(
    client: Client, fund: FundPage
) -> None:
    now = timezone.now()
    round_page = make_mixed_round(fund, closes=now + timedelta(days=1), accepts_late_applications=True)
    token = _start(client, round_page)
    _fill(client, round_page, token)

    with time_machine.travel(round_page.closes_at - timedelta(seconds=1)):
        on_time = application_submit(application=Application.objects.get())
    assert on_time.is_late is False

    second = _start(client, round_page, email="other@example.org")
    _fill(client, round_page, second)
    with time_machine.travel(round_page.closes_at + timedelta(minutes=5)):
        response = client.post(f"/funding/application/{second}/check/", {"submission_key": _key()})
        page = client.get(response["Location"]).content.decode()
    late = Application.objects.get(status=ApplicationStatus.RECEIVED, is_late=True)
    assert late.reference is not None
    assert "It arrived after the closing time" in page


def test_references_are_gap_free_and_formatted(client: Client, round_page: RoundPage) -> None:
    year = london_day(timezone.now()).year
    references = []
    for number, email in enumerate(["a@example.org", "b@example.org", "c@example.org"]):
        token = _start(client, round_page, email=email)
        _fill(client, round_page, token)
        if number == 1:
            # A refused send in between takes no number.
            Answer.objects.filter(application__token_hash=token_digest(token)).delete()
            with pytest.raises(ApplyingRefused):
                application_submit(application=Application.objects.get(token_hash=token_digest(token)))
            continue
        references.append(
            application_submit(application=Application.objects.get(token_hash=token_digest(token))).reference
        )
    assert references == [f"GR-{year}-0001", f"GR-{year}-0002"]


def test_the_confirmation_email_has_the_reference_and_the_timetable(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    _fill(client, round_page, token)
    mail.outbox.clear()
    client.post(f"/funding/application/{token}/check/", {"submission_key": _key()})
    outbox_send()
    application = Application.objects.get()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert application.reference is not None and application.reference in mail.outbox[0].subject
    assert f"Decided: by {round_page.decision_date:%-d %B %Y}" in body
    assert "peer support" not in body  # never what they wrote
    status_page = client.get(f"/funding/application/{token}/").content.decode()
    assert "Received – we have not started reading it yet" in status_page
    assert f"by {round_page.decision_date:%-d %B %Y}" in status_page


def test_withdrawing_goes_through_the_confirmation_page(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    _fill(client, round_page, token)
    client.post(f"/funding/application/{token}/check/", {"submission_key": _key()})

    asked = client.get(f"/funding/application/{token}/withdraw/")
    assert "Withdraw your application GR-" in asked.content.decode()
    assert Application.objects.get().status == ApplicationStatus.RECEIVED  # nothing changes yet
    unconfirmed = client.post(f"/funding/application/{token}/withdraw/", {})
    assert unconfirmed.status_code == 200
    assert Application.objects.get().status == ApplicationStatus.RECEIVED

    done = client.post(f"/funding/application/{token}/withdraw/", {"confirmed": "1", "submission_key": _key()})
    assert done.status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawn_at is not None
    assert "You withdrew this application" in client.get(f"/funding/application/{token}/").content.decode()


def test_a_draft_cannot_be_withdrawn_nor_a_sent_one_changed(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    assert client.get(f"/funding/application/{token}/withdraw/")["Location"] == f"/funding/application/{token}/"
    _fill(client, round_page, token)
    client.post(f"/funding/application/{token}/check/", {"submission_key": _key()})
    response = client.post(
        f"/funding/application/{token}/about/",
        {"group_name": "Changed", "contact_name": "X", "is_registered": "no", "submission_key": _key()},
    )
    assert response.status_code == 302
    assert Application.objects.get().group_name == "Leeds Hearing Voices"


def test_the_start_form_is_rate_limited(client: Client, round_page: RoundPage) -> None:
    codes = [
        client.post(
            f"/funding/apply/{round_page.pk}/",
            {"email": f"n{n}@example.org", "website": "", "form_started": _long_ago()},
        ).status_code
        for n in range(6)
    ]
    assert codes == [302, 302, 302, 302, 302, 429]


def test_a_filled_honeypot_gets_the_same_page_and_no_draft(client: Client, round_page: RoundPage) -> None:
    response = client.post(
        f"/funding/apply/{round_page.pk}/",
        {"email": "bot@example.org", "website": "http://spam.example", "form_started": _long_ago()},
    )
    assert response["Location"] == f"/funding/apply/{round_page.pk}/check-your-email/"
    assert not Application.objects.exists()
    assert not OutboxMessage.objects.filter(kind=LINK_EMAIL).exists()


def test_a_closed_round_takes_no_new_drafts(client: Client, fund: FundPage) -> None:
    now = timezone.now()
    round_page = make_round(fund, opens=now - timedelta(days=60), closes=now - timedelta(days=30))
    page = client.get(f"/funding/apply/{round_page.pk}/").content.decode()
    assert "not taking applications" in page
    with pytest.raises(ApplyingRefused):
        application_link_request(round_page=round_page, email=EMAIL)


def test_drafts_never_sent_are_deleted_a_set_time_after_the_round_closes(
    client: Client, fund: FundPage, settings: Any
) -> None:
    settings.CHORUS_GRANTS_DRAFT_RETENTION_DAYS = 30
    now = timezone.now()
    round_page = make_mixed_round(fund, closes=now + timedelta(days=1))
    _start(client, round_page, email="draft@example.org")
    sent = _start(client, round_page, email="sent@example.org")
    _fill(client, round_page, sent)
    application_submit(application=Application.objects.get(token_hash=token_digest(sent)))

    with time_machine.travel(round_page.closes_at + timedelta(days=29)):
        assert drafts_delete_unsent() == 0
    with time_machine.travel(round_page.closes_at + timedelta(days=31)):
        assert drafts_delete_unsent() == 1
    assert list(Application.objects.values_list("status", flat=True)) == [ApplicationStatus.RECEIVED]


def test_answers_to_another_sizes_questions_are_not_sent(client: Client, round_page: RoundPage) -> None:
    token = _start(client, round_page)
    _fill(client, round_page, token)
    larger = round_page.bands.get(name="Larger grants")
    application = Application.objects.get()
    Answer.objects.create(
        application=application,
        question_id=larger.questions[0].id,
        value="Written before choosing the smaller size",
        updated_at=timezone.now(),
    )

    application_submit(application=application)

    kept = set(Answer.objects.values_list("question_id", flat=True))
    assert larger.questions[0].id not in kept
    assert kept == {_ids(round_page)[q] for q in ("What will you do?", "Where do you meet?", "How much do you need?")}


def test_continue_asks_for_required_answers_but_save_and_come_back_later_keeps_a_half_done_step(
    client: Client, round_page: RoundPage
) -> None:
    token = _start(client, round_page)
    band = round_page.bands.get(name="Small grants")
    client.post(f"/funding/application/{token}/size/", {"band": str(band.pk), "submission_key": _key()})
    half = {question_field_name(_ids(round_page)["What will you do?"]): "We meet on Thursdays."}

    refused = client.post(f"/funding/application/{token}/questions/", {**half, "action": "continue"})
    assert refused.status_code == 400
    assert "Answer: How much do you need?" in refused.content.decode()
    assert not Answer.objects.exists()

    kept = client.post(f"/funding/application/{token}/questions/", {**half, "action": "leave"})
    assert kept["Location"] == f"/funding/application/{token}/?saved=1"
    assert list(Answer.objects.values_list("value", flat=True)) == ["We meet on Thursdays."]

"""Writing letters to representatives: targets, similarity, storing, duplicates and confirming."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from chorus.campaigns.letter_selectors import letter_expected_day, letter_for_token, letters_summary
from chorus.campaigns.models import (
    LETTER_ALREADY_WRITTEN_EMAIL,
    LETTER_CONFIRM_EMAIL,
    NAMED_TARGET_KEY,
    BlockedEmailDomain,
    ConstituentLetter,
    LetterDelivery,
    LetterShingle,
    LetterStatus,
    LetterTargetKind,
    ReplyReport,
)
from chorus.campaigns.services.letters import (
    SIMILARITY_MOSTLY,
    SIMILARITY_SOME,
    LetterConfirmOutcome,
    LetterSubmitOutcome,
    SimilarityLevel,
    letter_confirm,
    letter_core_text,
    letter_shingles,
    letter_similarity,
    letter_submit,
    letter_words,
    similarity_level,
    writer_index,
)
from chorus.campaigns.tests.letter_factories import (
    CARDIFF,
    CHORLEY,
    HOLBORN,
    RUNCORN,
    confirmed_letter,
    letter_action,
    letter_details,
    named_letter_action,
    seats_with_postcodes,
)
from chorus.campaigns.workflow import ActionState
from chorus.core.models import AuditEvent, OutboxMessage
from chorus.core.outbox import outbox_send
from chorus.representatives.models import Representative

pytestmark = pytest.mark.django_db

SHARED = (
    "The Mental Health Act still lets people be detained for far too long without any real say in their "
    "own care and treatment, and the reform bill must change that before the end of this session."
)
OWN_WORDS = (
    "When my brother was sectioned last winter nobody told him what his rights were, and it took our family "
    "three weeks to find an advocate who would listen to him at all."
)


@pytest.fixture
def seats(db: Any) -> None:
    seats_with_postcodes()


@pytest.fixture
def action(index: Any, seats: None) -> Any:
    return letter_action(index)


def outbox_kinds() -> list[str]:
    return list(OutboxMessage.objects.order_by("pk").values_list("kind", flat=True))


# --- similarity -------------------------------------------------------------------------------


def test_greeting_and_sign_off_are_left_out_of_the_comparison() -> None:
    body = f"Dear Ms Example,\n\n{SHARED}\n\nYours sincerely,\nSam Rivers\n1 Example Street"
    core = letter_core_text(body)
    assert "Dear" not in core
    assert "sincerely" not in core and "Sam Rivers" not in core
    assert SHARED in core
    # Dictated on one line, and signed off with kind regards.
    assert letter_words(f"dear sir, {SHARED} kind regards sam") == letter_words(SHARED)


def test_a_sign_off_phrase_early_in_a_long_letter_is_not_cut() -> None:
    body = f"With thanks to the nurses who helped. {SHARED} {OWN_WORDS} {SHARED}"
    assert letter_core_text(body) == body


def test_shingles_ignore_case_and_punctuation_and_hold_no_words() -> None:
    assert letter_shingles(SHARED) == letter_shingles(SHARED.upper().replace(",", " ;"))
    shingles = letter_shingles(SHARED)
    assert len(shingles) == len(letter_words(SHARED)) - 4
    assert all(len(shingle) == 16 and " " not in shingle for shingle in shingles)
    assert letter_shingles("Too short to compare") == set()


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, SimilarityLevel.NONE),
        (SIMILARITY_SOME - 0.01, SimilarityLevel.NONE),
        (SIMILARITY_SOME, SimilarityLevel.SOME),
        (SIMILARITY_MOSTLY - 0.01, SimilarityLevel.SOME),
        (SIMILARITY_MOSTLY, SimilarityLevel.MOSTLY),
        (1.0, SimilarityLevel.MOSTLY),
    ],
)
def test_similarity_levels(score: float, level: SimilarityLevel) -> None:
    assert similarity_level(score) is level


def test_similarity_counts_confirmed_letters_to_the_same_target_only(action: Any) -> None:
    assert letter_similarity(action=action, target_key=HOLBORN, body=SHARED) == 0.0
    confirmed_letter(action, email="first@example.org", body=SHARED)
    # The same text: none new. Half the same: some. Own words: none. Another MP: none.
    assert letter_similarity(action=action, target_key=HOLBORN, body=SHARED) == 1.0
    mixed = letter_similarity(action=action, target_key=HOLBORN, body=f"{SHARED} {OWN_WORDS}")
    assert similarity_level(mixed) is SimilarityLevel.SOME
    assert letter_similarity(action=action, target_key=HOLBORN, body=OWN_WORDS) == 0.0
    assert letter_similarity(action=action, target_key=CARDIFF, body=SHARED) == 0.0
    # Letters waiting for confirmation do not count.
    letter_submit(action=action, details=letter_details(email="pending@example.org", body=OWN_WORDS), ip_hash="p")
    assert letter_similarity(action=action, target_key=HOLBORN, body=OWN_WORDS) == 0.0


def test_shingles_are_counted_once_per_letter_and_store_no_text(action: Any) -> None:
    confirmed_letter(action, email="first@example.org", body=f"{SHARED} {SHARED}")
    confirmed_letter(action, email="second@example.org", body=SHARED)
    counts = set(LetterShingle.objects.filter(action=action, target_key=HOLBORN).values_list("letters", flat=True))
    assert 2 in counts and max(counts) == 2
    words = set(letter_words(SHARED))
    assert not any(
        word in shingle
        for shingle in LetterShingle.objects.values_list("shingle", flat=True)
        for word in words
        if len(word) > 3
    )


def test_the_score_is_stored_on_the_letter_and_never_blocks_it(action: Any) -> None:
    confirmed_letter(action, email="first@example.org", body=SHARED)
    outcome = letter_submit(action=action, details=letter_details(email="copy@example.org", body=SHARED), ip_hash="c")
    assert outcome is LetterSubmitOutcome.NEW
    copy = ConstituentLetter.objects.get(writer_index=writer_index(action_id=action.pk, email="copy@example.org"))
    assert copy.similarity == 1.0


# --- writing --------------------------------------------------------------------------------------


def test_a_letter_is_stored_encrypted_and_the_writer_is_emailed(action: Any) -> None:
    outcome = letter_submit(action=action, details=letter_details(body=OWN_WORDS), ip_hash="h")
    assert outcome is LetterSubmitOutcome.NEW
    letter = ConstituentLetter.objects.get()
    assert (letter.status, letter.target_key, letter.target_name) == (
        LetterStatus.PENDING,
        HOLBORN,
        "Example MP for Holborn",
    )
    assert letter.constituency_name == "Holborn and St Pancras"
    assert letter.person is not None and letter.person.email == "sam@example.org"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, postal_address, postcode, body FROM campaigns_constituentletter WHERE id = %s", [letter.pk]
        )
        raw = cursor.fetchone()
    assert all(value.startswith("v1.") for value in raw)
    # The whole name: three letters of it can turn up by chance in random ciphertext.
    assert "Sam Rivers" not in "".join(raw) and "Example Street" not in "".join(raw)
    assert outbox_kinds() == [LETTER_CONFIRM_EMAIL]
    outbox_send()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@example.org"]
    assert "/campaigns/letters/confirm/" in message.body
    # The email repeats neither the letter nor the name typed beside the address.
    assert "brother" not in message.body and "Sam Rivers" not in message.body
    letter.refresh_from_db()
    assert letter.token_hash and letter.token_sent_at


def test_the_emailed_link_finds_the_letter(action: Any) -> None:
    letter_submit(action=action, details=letter_details(), ip_hash="h")
    outbox_send()
    token = mail.outbox[0].body.split("/campaigns/letters/confirm/")[1].split("/")[0]
    letter = letter_for_token(token=token)
    assert letter is not None and letter.pk == ConstituentLetter.objects.get().pk
    assert letter_for_token(token="x" * 43) is None
    assert letter_for_token(token="") is None


def test_a_second_letter_while_the_first_waits_gets_a_fresh_link_and_changes_nothing(action: Any) -> None:
    letter_submit(action=action, details=letter_details(body=OWN_WORDS), ip_hash="h")
    outbox_send()
    again = letter_submit(action=action, details=letter_details(body=SHARED, name="Someone Else"), ip_hash="h")
    assert again is LetterSubmitOutcome.RESENT
    letter = ConstituentLetter.objects.get()
    assert letter.body == OWN_WORDS and letter.name == "Sam Rivers"
    assert outbox_kinds() == [LETTER_CONFIRM_EMAIL, LETTER_CONFIRM_EMAIL]


def test_a_lapsed_link_lets_the_latest_letter_replace_the_first(action: Any) -> None:
    letter_submit(action=action, details=letter_details(body=OWN_WORDS), ip_hash="h")
    ConstituentLetter.objects.update(token_sent_at=timezone.now() - timedelta(days=30))
    letter_submit(action=action, details=letter_details(body=SHARED), ip_hash="h")
    assert ConstituentLetter.objects.get().body == SHARED


def test_a_second_letter_after_confirming_is_refused_by_email_only(action: Any) -> None:
    confirmed_letter(action, body=OWN_WORDS)
    outcome = letter_submit(action=action, details=letter_details(email=" SAM@example.org ", body=SHARED), ip_hash="h")
    assert outcome is LetterSubmitOutcome.ALREADY_WRITTEN
    assert ConstituentLetter.objects.count() == 1
    assert outbox_kinds()[-1] == LETTER_ALREADY_WRITTEN_EMAIL
    mail.outbox.clear()
    outbox_send()
    note = [m for m in mail.outbox if "already written" in m.subject.lower()]
    assert len(note) == 1 and "Example MP for Holborn" in note[0].body


@pytest.mark.parametrize("second_time", [False, True], ids=["confirmation link", "already written"])
def test_the_writers_plain_text_emails_are_not_html_escaped(index: Any, seats: None, second_time: bool) -> None:
    action = letter_action(index, title="Beds & wards <now>")
    if second_time:
        confirmed_letter(action, body=OWN_WORDS)
        letter_submit(action=action, details=letter_details(body=SHARED), ip_hash="h")
    else:
        letter_submit(action=action, details=letter_details(body=OWN_WORDS), ip_hash="h")
    mail.outbox.clear()
    outbox_send()
    (message,) = mail.outbox
    assert '"Beds & wards <now>"' in message.body and "&amp;" not in message.body and "&lt;" not in message.body
    assert message.subject.endswith(": Beds & wards <now>")
    # The HTML part still escapes it.
    html_part = str(message.alternatives[0].content)
    assert "Beds &amp; wards &lt;now&gt;" in html_part and "<now>" not in html_part


def test_the_same_person_may_write_to_another_target(action: Any) -> None:
    confirmed_letter(action, body=OWN_WORDS)
    outcome = letter_submit(action=action, details=letter_details(target_key=CARDIFF), ip_hash="h")
    assert outcome is LetterSubmitOutcome.NEW
    assert ConstituentLetter.objects.count() == 2


def test_one_letter_per_writer_and_target_is_a_database_rule_that_erasure_releases(action: Any) -> None:
    first = confirmed_letter(action)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConstituentLetter.objects.create(action=action, writer_index=first.writer_index, target_key=HOLBORN)
    ConstituentLetter.objects.filter(pk=first.pk).update(erased_at=timezone.now(), person=None)
    ConstituentLetter.objects.create(action=action, writer_index=first.writer_index, target_key=HOLBORN)


def test_the_writer_index_is_scoped_to_the_action_and_is_not_the_people_index(index: Any, seats: None) -> None:
    one, two = letter_action(index), letter_action(index)
    assert writer_index(action_id=one.pk, email="a@example.org") != writer_index(
        action_id=two.pk, email="a@example.org"
    )
    assert writer_index(action_id=one.pk, email="A@Example.org ") == writer_index(
        action_id=one.pk, email="a@example.org"
    )
    letter = confirmed_letter(one)
    assert letter.person is not None and letter.writer_index != letter.person.email_index


@pytest.mark.parametrize("key", [RUNCORN, "E99999999", NAMED_TARGET_KEY, ""])
def test_no_letter_to_nobody(action: Any, key: str) -> None:
    outcome = letter_submit(action=action, details=letter_details(target_key=key), ip_hash="h")
    assert outcome is LetterSubmitOutcome.NO_TARGET
    assert not ConstituentLetter.objects.exists() and not OutboxMessage.objects.exists()


def test_the_speakers_seat_takes_letters(action: Any) -> None:
    outcome = letter_submit(action=action, details=letter_details(target_key=CHORLEY), ip_hash="h")
    assert outcome is LetterSubmitOutcome.NEW
    assert ConstituentLetter.objects.get().target_email == "speaker@example.org"


def test_a_named_decision_maker_takes_letters_under_the_named_key(index: Any) -> None:
    action = named_letter_action(index)
    assert letter_submit(action=action, details=letter_details(target_key=HOLBORN), ip_hash="h") is (
        LetterSubmitOutcome.NO_TARGET
    )
    outcome = letter_submit(action=action, details=letter_details(target_key=NAMED_TARGET_KEY), ip_hash="h")
    assert outcome is LetterSubmitOutcome.NEW
    letter = ConstituentLetter.objects.get()
    assert (letter.target_key, letter.target_name, letter.target_email, letter.constituency_name) == (
        NAMED_TARGET_KEY,
        "Example Minister",
        "minister@example.org",
        "",
    )


@pytest.mark.parametrize("state", [ActionState.DRAFT, ActionState.CLOSED, ActionState.DELIVERED])
def test_only_open_actions_take_letters(index: Any, seats: None, state: str) -> None:
    action = letter_action(index, state=state)
    assert letter_submit(action=action, details=letter_details(), ip_hash="h") is LetterSubmitOutcome.CLOSED
    assert not ConstituentLetter.objects.exists()


def test_past_its_closing_date_an_action_takes_no_letters(index: Any, seats: None) -> None:
    action = letter_action(index, closing_date=timezone.localdate() - timedelta(days=1))
    assert letter_submit(action=action, details=letter_details(), ip_hash="h") is LetterSubmitOutcome.CLOSED


def test_bots_blocked_domains_and_the_rate_limit_store_nothing(action: Any, settings: Any) -> None:
    assert letter_submit(action=action, details=letter_details(), ip_hash="h", is_bot=True) is LetterSubmitOutcome.BOT
    BlockedEmailDomain.objects.create(domain="throwaway.example")
    blocked = letter_details(email="x@throwaway.example")
    assert letter_submit(action=action, details=blocked, ip_hash="h") is LetterSubmitOutcome.BLOCKED
    settings.CHORUS_CAMPAIGNS_SIGN_BURST = 1
    assert letter_submit(action=action, details=letter_details(email="a@example.org"), ip_hash="busy") is (
        LetterSubmitOutcome.NEW
    )
    assert letter_submit(action=action, details=letter_details(email="b@example.org"), ip_hash="busy") is (
        LetterSubmitOutcome.RATE_LIMITED
    )
    assert ConstituentLetter.objects.count() == 1


def test_a_stranger_cannot_fill_someones_inbox(action: Any, settings: Any) -> None:
    settings.CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY = 2
    for attempt in range(4):
        letter_submit(action=action, details=letter_details(), ip_hash=f"h{attempt}")
    assert outbox_kinds() == [LETTER_CONFIRM_EMAIL, LETTER_CONFIRM_EMAIL]


# --- confirming -------------------------------------------------------------------------------------


def pending(action: Any, **kwargs: Any) -> ConstituentLetter:
    letter_submit(action=action, details=letter_details(**kwargs), ip_hash="h")
    letter = ConstituentLetter.objects.order_by("-pk").first()
    assert letter is not None
    ConstituentLetter.objects.filter(pk=letter.pk).update(token_sent_at=timezone.now())
    letter.refresh_from_db()
    return letter


def test_confirming_queues_the_letter_counts_its_shingles_and_is_audited(action: Any) -> None:
    letter = pending(action, body=SHARED)
    assert letter_confirm(letter=letter) is LetterConfirmOutcome.CONFIRMED
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED and letter.confirmed_at is not None
    assert LetterShingle.objects.filter(action=action, target_key=HOLBORN).count() == len(letter_shingles(SHARED))
    event = AuditEvent.objects.get(action="campaigns.letter.confirmed")
    assert event.object_id == str(letter.pk)
    # Twice is once.
    assert letter_confirm(letter=letter) is LetterConfirmOutcome.ALREADY_CONFIRMED
    assert set(LetterShingle.objects.values_list("letters", flat=True)) == {1}
    assert AuditEvent.objects.filter(action="campaigns.letter.confirmed").count() == 1


def test_confirming_takes_the_mps_address_as_it_is_then(action: Any) -> None:
    letter = pending(action)
    Representative.objects.filter(constituency__code=HOLBORN).update(name="Newly Elected", email="new@example.org")
    letter_confirm(letter=letter)
    letter.refresh_from_db()
    assert (letter.target_name, letter.target_email) == ("Newly Elected", "new@example.org")


def test_a_seat_that_fell_vacant_is_not_written_to(action: Any) -> None:
    letter = pending(action)
    Representative.objects.filter(constituency__code=HOLBORN).delete()
    assert letter_confirm(letter=letter) is LetterConfirmOutcome.NO_TARGET
    letter.refresh_from_db()
    assert letter.status == LetterStatus.PENDING


def test_confirm_refuses_lapsed_links_closed_actions_and_erased_letters(action: Any) -> None:
    letter = pending(action)
    ConstituentLetter.objects.filter(pk=letter.pk).update(token_sent_at=timezone.now() - timedelta(days=8))
    letter.refresh_from_db()
    assert letter_confirm(letter=letter) is LetterConfirmOutcome.EXPIRED
    ConstituentLetter.objects.filter(pk=letter.pk).update(token_sent_at=timezone.now())
    letter.refresh_from_db()
    type(action).objects.filter(pk=action.pk).update(state=ActionState.CLOSED)
    assert letter_confirm(letter=letter) is LetterConfirmOutcome.CLOSED
    letter.erased_at = timezone.now()
    assert letter_confirm(letter=letter) is LetterConfirmOutcome.INVALID
    assert letter_confirm(letter=None) is LetterConfirmOutcome.INVALID
    assert not ConstituentLetter.objects.filter(status=LetterStatus.QUEUED).exists()


# --- what the page and the writer are told ---------------------------------------------------------


def test_the_public_summary_counts_sent_letters_targets_and_replies(action: Any) -> None:
    assert letters_summary(action_id=action.pk) == type(letters_summary(action_id=action.pk))(0, 0, 0)
    one = confirmed_letter(action, email="one@example.org")
    two = confirmed_letter(action, email="two@example.org")
    three = confirmed_letter(action, email="three@example.org", target_key=CARDIFF)
    confirmed_letter(action, email="waiting@example.org")
    now = timezone.now()
    ConstituentLetter.objects.filter(pk__in=[one.pk, two.pk, three.pk]).update(status=LetterStatus.SENT, sent_at=now)
    ConstituentLetter.objects.filter(pk=one.pk).update(reply_report=ReplyReport.YES)
    ConstituentLetter.objects.filter(pk=two.pk).update(reply_report=ReplyReport.NOT_YET)
    ConstituentLetter.objects.filter(pk=three.pk).update(reply_report=ReplyReport.NO)
    # Counts survive the letters' erasure.
    ConstituentLetter.objects.filter(pk=three.pk).update(erased_at=now, person=None, body="", name="")
    summary = letters_summary(action_id=action.pk)
    assert (summary.sent, summary.representatives, summary.replies) == (3, 2, 1)


@pytest.mark.parametrize("delivery", [LetterDelivery.EACH, LetterDelivery.WEEKLY])
def test_a_queued_letter_has_an_expected_day(index: Any, seats: None, delivery: str) -> None:
    action = letter_action(index, delivery=delivery)
    letter = confirmed_letter(action)
    day = letter_expected_day(letter)
    assert day is not None
    assert timezone.localdate() <= day <= timezone.localdate() + timedelta(days=10)
    letter.status = LetterStatus.SENT
    assert letter_expected_day(letter) is None


# --- the action's own rules ------------------------------------------------------------------------


def test_a_named_target_needs_a_name_and_an_email(index: Any) -> None:
    action = letter_action(index)
    action.target_kind = LetterTargetKind.NAMED
    with pytest.raises(ValidationError) as raised:
        action.clean()
    assert set(raised.value.message_dict) == {"target_name", "target_email"}
    assert action.kind_label == "Letter to a decision-maker"


def test_sending_hours_must_end_after_they_start(index: Any) -> None:
    action = letter_action(index)
    action.sending_from, action.sending_until = time(17, 0), time(9, 0)
    with pytest.raises(ValidationError) as raised:
        action.clean()
    assert "sending_until" in raised.value.message_dict


def test_an_own_mp_action_with_sensible_hours_is_valid(index: Any) -> None:
    action = letter_action(index)
    action.clean()
    assert action.kind_label == "Letter to an MP"
    assert (action.sending_from, action.sending_until, action.daily_cap) == (time(9, 0), time(17, 0), 20)
    assert action.delivery == LetterDelivery.EACH
    assert action.prompt_list() == [
        "How does this affect you or people you know?",
        "What would you like your MP to do?",
    ]

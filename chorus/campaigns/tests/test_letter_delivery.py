"""Delivering letters to MPs: the pace (a daily cap, UK sending hours), each letter's email, refusals, bundles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chorus.accounts.models import User
from chorus.campaigns.letter_emails import header_text
from chorus.campaigns.letter_selectors import letters_summary
from chorus.campaigns.models import (
    LETTER_BUNDLE_EMAIL,
    LETTER_REFUSED_EMAIL,
    LETTER_TO_OFFICE_EMAIL,
    NAMED_TARGET_KEY,
    ConstituentLetter,
    LetterBundle,
    LetterBundleStatus,
    LetterDelivery,
    LetterStatus,
)
from chorus.campaigns.services.letter_delivery import (
    digest_due,
    expected_release_day,
    first_working_day_of_week,
    letter_bundle_make,
    letter_bundle_send_now,
    letter_bundles_send,
    letter_expected_send_date,
    letters_may_release,
    letters_release,
    letters_settle,
    next_digest_day,
)
from chorus.campaigns.services.letter_retention import letters_erase_for_person
from chorus.campaigns.tests.letter_factories import (
    CARDIFF,
    HOLBORN,
    confirmed_letter,
    letter_action,
    named_letter_action,
    seats_with_postcodes,
)
from chorus.core.branding import organisation_name
from chorus.core.models import AuditEvent, OutboxMessage, OutboxStatus
from chorus.core.outbox import outbox_send, retry_delay
from chorus.core.tests.smtp_server import CountingHandler, smtp_mailer
from chorus.people.services import person_get_or_create
from chorus.representatives.models import Representative
from chorus.representatives.tests.factories import make_seat

LONDON = ZoneInfo("Europe/London")
NINE, FIVE = time(9, 0), time(17, 0)
# Tuesday 12 May 2026; Monday 4 May 2026 is the Early May bank holiday.
TUESDAY = date(2026, 5, 12)
BANK_HOLIDAY = date(2026, 5, 4)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def may(now: datetime, *, sent_today: int = 0, cap: int = 20) -> int:
    return letters_may_release(now=now, sent_today=sent_today, cap=cap, sending_from=NINE, sending_until=FIVE)


# --- the pace, with the clock moved ------------------------------------------------------


def test_the_day_opens_with_one_and_the_cap_is_open_by_the_end() -> None:
    assert may(at(TUESDAY, 9, 0)) == 1
    # Half way through the hours, half the cap (and the one at opening).
    assert may(at(TUESDAY, 13, 0)) == 11
    assert may(at(TUESDAY, 16, 59)) == 20


def test_nothing_more_once_the_cap_went_today() -> None:
    assert may(at(TUESDAY, 16, 59), sent_today=20) == 0
    assert may(at(TUESDAY, 16, 59), sent_today=25) == 0
    assert may(at(TUESDAY, 13, 0), sent_today=11) == 0
    assert may(at(TUESDAY, 13, 0), sent_today=10) == 1


def test_nothing_outside_the_sending_hours() -> None:
    assert may(at(TUESDAY, 8, 59)) == 0
    assert may(at(TUESDAY, 17, 0)) == 0
    assert may(at(TUESDAY, 23, 30)) == 0


def test_nothing_at_the_weekend_or_on_a_bank_holiday() -> None:
    assert may(at(date(2026, 5, 9), 11)) == 0  # Saturday
    assert may(at(date(2026, 5, 10), 11)) == 0  # Sunday
    assert may(at(BANK_HOLIDAY, 11)) == 0
    assert may(at(date(2026, 5, 5), 11)) > 0  # the day after


def test_hours_are_london_hours_in_summer_and_winter() -> None:
    # 08:30 UTC is 09:30 in London in summer (BST) and 08:30 in winter (GMT).
    summer = datetime(2026, 7, 14, 8, 30, tzinfo=ZoneInfo("UTC"))
    winter = datetime(2026, 1, 13, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert may(summer) > 0
    assert may(winter) == 0


def test_a_cap_of_nought_or_hours_that_end_before_they_start_send_nothing() -> None:
    assert may(at(TUESDAY, 12), cap=0) == 0
    assert letters_may_release(now=at(TUESDAY, 12), sent_today=0, cap=5, sending_from=FIVE, sending_until=NINE) == 0


# --- "when will mine go" ---------------------------------------------------------------------


def expected(now: datetime, place: int, *, sent_today: int = 0, cap: int = 20) -> date | None:
    return expected_release_day(
        now=now, place=place, cap=cap, sent_today=sent_today, sending_from=NINE, sending_until=FIVE
    )


def test_the_expected_day_counts_the_queue_in_working_days() -> None:
    friday = date(2026, 5, 15)
    assert expected(at(friday, 10), 1) == friday
    assert expected(at(friday, 10), 20) == friday
    assert expected(at(friday, 10), 21) == date(2026, 5, 18)  # Monday
    assert expected(at(friday, 10), 41) == date(2026, 5, 19)
    # The day's cap already went: the first in the queue goes on the next working day.
    assert expected(at(friday, 10), 1, sent_today=20) == date(2026, 5, 18)
    # After hours, or at the weekend, nothing goes today.
    assert expected(at(friday, 18), 1) == date(2026, 5, 18)
    assert expected(at(date(2026, 5, 2), 10), 1) == date(2026, 5, 5)  # Saturday, then the bank holiday
    assert expected(at(friday, 10), 1, cap=0) is None


# --- the weekly bundle -------------------------------------------------------------------------


def test_the_weekly_bundle_goes_on_the_first_working_day_of_the_week() -> None:
    assert first_working_day_of_week(TUESDAY) == date(2026, 5, 11)
    assert first_working_day_of_week(date(2026, 5, 7)) == date(2026, 5, 5)  # bank holiday Monday
    assert digest_due(now=at(date(2026, 5, 11), 9, 5), sending_from=NINE, sending_until=FIVE, sent_this_week=False)
    assert not digest_due(now=at(date(2026, 5, 11), 9, 5), sending_from=NINE, sending_until=FIVE, sent_this_week=True)
    assert not digest_due(now=at(BANK_HOLIDAY, 10), sending_from=NINE, sending_until=FIVE, sent_this_week=False)
    assert not digest_due(now=at(TUESDAY, 7), sending_from=NINE, sending_until=FIVE, sent_this_week=False)


def test_the_next_bundle_day() -> None:
    assert next_digest_day(now=at(TUESDAY, 10), sending_until=FIVE, sent_this_week=True) == date(2026, 5, 18)
    assert next_digest_day(now=at(TUESDAY, 10), sending_until=FIVE, sent_this_week=False) == TUESDAY
    assert next_digest_day(now=at(TUESDAY, 18), sending_until=FIVE, sent_this_week=False) == date(2026, 5, 13)
    # The week before the bank holiday: next week's first working day is the Tuesday.
    assert next_digest_day(now=at(date(2026, 4, 28), 10), sending_until=FIVE, sent_this_week=True) == date(2026, 5, 5)


def test_a_surge_never_passes_the_cap_in_a_day() -> None:
    # Run every five minutes through a day with 200 waiting: the total stays at the cap.
    sent = 0
    for minute in range(0, 24 * 60, 5):
        now = at(TUESDAY, minute // 60, minute % 60)
        sent += min(may(now, sent_today=sent), 200 - sent)
    assert sent == 20


# --- the services, with the clock moved --------------------------------------------------------


@pytest.fixture
def seats(db: Any) -> None:
    seats_with_postcodes()


def waiting_letters(action: Any, count: int, *, target_key: str = HOLBORN, **fields: Any) -> list[ConstituentLetter]:
    """Confirmed letters waiting their turn, oldest first (made directly: a surge needs hundreds)."""
    now = timezone.now()
    letters = [
        ConstituentLetter(
            **{
                "action": action,
                "target_key": target_key,
                "writer_index": f"writer-{target_key}-{number}",
                "status": LetterStatus.QUEUED,
                "confirmed_at": now - timedelta(hours=1) + timedelta(seconds=number),
                "name": f"Writer {number}",
                "postal_address": f"{number} Example Road\nLondon",
                "postcode": "WC1X 8HP",
                "body": f"Letter number {number} in my own words.",
                "target_name": "Example MP for Holborn",
                "target_email": "mp@example.org",
                "constituency_name": "Holborn and St Pancras",
                **fields,
            }
        )
        for number in range(count)
    ]
    return ConstituentLetter.objects.bulk_create(letters)


def released_count() -> int:
    return ConstituentLetter.objects.filter(released_at__isnull=False).count()


def test_the_release_job_keeps_to_the_cap_and_the_hours(index: Any, seats: None) -> None:
    action = letter_action(index, daily_cap=3)
    waiting_letters(action, 10)
    # Friday 1 May 2026, then the weekend and the Early May bank holiday, then Tuesday.
    with time_machine.travel(at(date(2026, 5, 1), 8, 30), tick=False):
        assert letters_release().letters == 0  # before the hours
    with time_machine.travel(at(date(2026, 5, 1), 12, 0), tick=False):
        assert letters_release().letters == 2  # a third of the way through the day: one, then another
        assert letters_release().letters == 0  # the next run finds nothing more due yet
    with time_machine.travel(at(date(2026, 5, 1), 16, 55), tick=False):
        assert letters_release().letters == 1
        assert letters_release().letters == 0  # the cap of 3 went today
    for moment in (
        at(date(2026, 5, 1), 17, 30),
        at(date(2026, 5, 2), 12),
        at(date(2026, 5, 3), 12),
        at(BANK_HOLIDAY, 12),
    ):
        with time_machine.travel(moment, tick=False):
            assert letters_release().letters == 0
    with time_machine.travel(at(date(2026, 5, 5), 16, 55), tick=False):
        assert letters_release().letters == 3  # the next working day opens a new cap
    assert released_count() == 6
    assert OutboxMessage.objects.filter(kind=LETTER_TO_OFFICE_EMAIL).count() == 6
    # Oldest first.
    first = ConstituentLetter.objects.order_by("confirmed_at")[:6]
    assert all(letter.released_at is not None for letter in first)
    assert AuditEvent.objects.filter(action="campaigns.letters.released").exists()


def test_a_surge_of_200_letters_releases_at_most_the_cap_a_day(index: Any, seats: None) -> None:
    action = letter_action(index, daily_cap=20)
    waiting_letters(action, 200)
    waiting_letters(action, 5, target_key=CARDIFF)
    for minute in range(8 * 60, 18 * 60, 10):
        with time_machine.travel(at(TUESDAY, minute // 60, minute % 60), tick=False):
            letters_release()
    holborn = ConstituentLetter.objects.filter(target_key=HOLBORN, released_at__isnull=False).count()
    assert holborn == 20
    # Another office's queue is its own: its few letters all went.
    assert ConstituentLetter.objects.filter(target_key=CARDIFF, released_at__isnull=False).count() == 5
    # The outbox holds one email per released letter, never more.
    assert OutboxMessage.objects.filter(kind=LETTER_TO_OFFICE_EMAIL).count() == 25


def test_weekly_actions_and_unconfirmed_letters_are_not_dripped(index: Any, seats: None) -> None:
    weekly = letter_action(index, delivery=LetterDelivery.WEEKLY)
    waiting_letters(weekly, 3)
    each = letter_action(index)
    waiting_letters(each, 2, target_key=CARDIFF)
    ConstituentLetter.objects.filter(action=each).update(status=LetterStatus.PENDING)
    with time_machine.travel(at(TUESDAY, 16, 55), tick=False):
        assert letters_release().letters == 0


def sent_through_outbox() -> None:
    """A sender run, then the job that records what became of each letter."""
    outbox_send()
    letters_settle()


def test_each_letter_goes_as_from_its_writer_to_the_mp(index: Any, seats: None) -> None:
    action = letter_action(index, title="Fair detention reviews")
    letter = confirmed_letter(action, email="sam@example.org")
    mail.outbox.clear()
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        assert letters_release().letters == 1
        outbox_send()
    [message] = mail.outbox
    assert message.to == ["mp@example.org"]
    assert message.reply_to == ["sam@example.org"]
    display, address = parseaddr(message.from_email)
    assert address == "no-reply@chorus.localhost"
    assert display == f"Sam Rivers via {organisation_name()}"
    assert message.subject == "Letter from a constituent in Holborn and St Pancras: Fair detention reviews"
    assert letter.body in message.body
    assert "Sam Rivers\n1 Example Street\nLondon\nWC1X 8HP" in message.body
    html = message.alternatives[0][0]
    assert "1 Example Street<br>London" in html
    # The writer's own address is the reply address only: never the sender.
    headers = message.message()
    assert headers["Reply-To"] == "sam@example.org"
    assert "sam@example.org" not in headers["From"]


def test_a_hostile_name_never_reaches_a_header(index: Any, seats: None) -> None:
    action = letter_action(index)
    hostile = "Eve\r\nBcc: victim@example.org\r\nSubject: spam\x00\u202e"
    [letter] = waiting_letters(action, 1, name=hostile)
    person, _ = person_get_or_create(email="eve@example.org")
    ConstituentLetter.objects.filter(pk=letter.pk).update(person=person)
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        letters_release()
        outbox_send()
    [message] = mail.outbox
    raw = message.message().as_string()
    head = raw.split("\n\n", 1)[0]
    assert "\nBcc:" not in head and "\nSubject: spam" not in head
    assert message.recipients() == ["mp@example.org"]
    display, address = parseaddr(message.from_email)
    assert address == "no-reply@chorus.localhost"
    assert "\r" not in display and "\n" not in display and "\x00" not in display and "\u202e" not in display
    assert display.startswith("Eve Bcc: victim@example.org Subject: spam")
    assert header_text("a\u2028b\tc", limit=10) == "a b c"
    assert header_text("x" * 100, limit=70) == "x" * 70


def test_a_letter_to_a_named_decision_maker(index: Any) -> None:
    action = named_letter_action(index)
    letter = confirmed_letter(action, target_key=NAMED_TARGET_KEY)
    mail.outbox.clear()
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        letters_release()
        outbox_send()
    [message] = mail.outbox
    assert message.to == ["minister@example.org"]
    assert message.subject.startswith("Letter from a member of the public: ")
    assert letter.name in message.from_email


def test_a_letter_is_marked_sent_only_once_the_mail_server_took_it(index: Any, seats: None) -> None:
    action = letter_action(index)
    letter = confirmed_letter(action)
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        letters_release()
        letters_settle()  # handed over, not yet sent
        letter.refresh_from_db()
        assert letter.status == LetterStatus.QUEUED and letter.released_at is not None
        assert letter_expected_send_date(letter) == TUESDAY
        sent_through_outbox()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and letter.sent_at is not None
    assert letter_expected_send_date(letter) == TUESDAY
    assert AuditEvent.objects.filter(action="campaigns.letters.settled").exists()
    assert letters_summary(action_id=action.pk).sent == 1


@pytest.fixture
def smtp_server() -> Iterator[CountingHandler]:
    with smtp_mailer() as handler:
        yield handler


def test_a_refusal_for_now_is_tried_again(index: Any, seats: None, smtp_server: CountingHandler) -> None:
    action = letter_action(index)
    letter = confirmed_letter(action)
    smtp_server.refuse["mp@example.org"] = "450 4.2.1 Mailbox busy, try later"
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        letters_release()
        sent_through_outbox()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED  # still on its way: neither sent nor refused
    del smtp_server.refuse["mp@example.org"]
    with time_machine.travel(at(TUESDAY, 10) + retry_delay(1) + timedelta(seconds=5), tick=False):
        sent_through_outbox()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert smtp_server.received["mp@example.org"] == 1


def test_a_refusal_for_good_marks_the_letter_refused_and_tells_the_writer_once(
    index: Any, seats: None, smtp_server: CountingHandler
) -> None:
    action = letter_action(index, title="Fair detention reviews")
    letter = confirmed_letter(action, email="sam@example.org")
    smtp_server.refuse["mp@example.org"] = "550 5.1.1 No such mailbox"
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        letters_release()
        sent_through_outbox()
        letters_settle()  # again: nothing more happens
        outbox_send()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REFUSED and letter.refused_at is not None
    assert OutboxMessage.objects.filter(kind=LETTER_REFUSED_EMAIL, about_id=letter.pk).count() == 1
    assert smtp_server.received["sam@example.org"] == 1
    assert AuditEvent.objects.filter(action="campaigns.letter.refused", object_id=str(letter.pk)).count() == 1
    # Never tried again, and never counted as sent.
    with time_machine.travel(at(TUESDAY, 16, 55), tick=False):
        sent_through_outbox()
    assert smtp_server.received["mp@example.org"] == 0
    assert letters_summary(action_id=action.pk).sent == 0


def test_the_writer_is_told_plainly(index: Any, seats: None) -> None:
    action = letter_action(index, title="Fair detention reviews")
    letter = confirmed_letter(action, email="sam@example.org")
    ConstituentLetter.objects.filter(pk=letter.pk).update(released_at=timezone.now())
    OutboxMessage.objects.create(
        kind=LETTER_TO_OFFICE_EMAIL, about_id=letter.pk, status=OutboxStatus.FAILED, settled_at=timezone.now()
    )
    mail.outbox.clear()
    letters_settle()
    outbox_send()
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "Your letter could not be delivered: Fair detention reviews"
    assert "Example MP for Holborn, MP for Holborn and St Pancras" in message.body
    assert "House of Commons, London, SW1A 0AA" in message.body
    # It does not repeat the letter.
    assert letter.body not in message.body


def test_a_vacant_seat_holds_its_letters_and_a_new_mp_gets_them(index: Any, seats: None) -> None:
    action = letter_action(index)
    waiting_letters(action, 2)
    Representative.objects.filter(constituency__code=HOLBORN).delete()
    with time_machine.travel(at(TUESDAY, 16, 55), tick=False):
        run = letters_release()
    assert run.letters == 0 and run.held_without_address == 2
    make_seat(HOLBORN, "Holborn and St Pancras", mp="Newly Elected", email="new-mp@example.org")
    with time_machine.travel(at(TUESDAY, 16, 56), tick=False):
        assert letters_release().letters == 2
    assert set(OutboxMessage.objects.filter(kind=LETTER_TO_OFFICE_EMAIL).values_list("address", flat=True)) == {
        "new-mp@example.org"
    }


def test_a_letter_erased_before_it_goes_is_not_sent(index: Any, seats: None) -> None:
    action = letter_action(index)
    letter = confirmed_letter(action)
    assert letter.person is not None
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        letters_release()
        letters_erase_for_person(person=letter.person)
        mail.outbox.clear()
        sent_through_outbox()
    assert mail.outbox == []
    assert not ConstituentLetter.objects.filter(pk=letter.pk).exists()


def test_when_will_mine_go(index: Any, seats: None) -> None:
    action = letter_action(index, daily_cap=2)
    letters = waiting_letters(action, 5)
    with time_machine.travel(at(date(2026, 5, 1), 10), tick=False):  # a Friday before a bank holiday
        days = [letter_expected_send_date(ConstituentLetter.objects.get(pk=letter.pk)) for letter in letters]
    assert days == [date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 5), date(2026, 5, 5), date(2026, 5, 6)]
    pending = waiting_letters(action, 1, target_key=CARDIFF)[0]
    ConstituentLetter.objects.filter(pk=pending.pk).update(status=LetterStatus.PENDING)
    assert letter_expected_send_date(ConstituentLetter.objects.get(pk=pending.pk)) is None


# --- the weekly bundle --------------------------------------------------------------------------


def test_the_weekly_bundle_goes_once_with_a_pdf_and_every_letter_becomes_sent(index: Any, seats: None) -> None:
    action = letter_action(index, delivery=LetterDelivery.WEEKLY, title="Fair detention reviews")
    letters = [confirmed_letter(action, email=f"writer{n}@example.org", name=f"Writer {n}") for n in range(3)]
    mail.outbox.clear()
    monday = date(2026, 5, 11)
    with time_machine.travel(at(monday, 8, 0), tick=False):
        assert letter_bundles_send() == 0  # before the sending hours
    with time_machine.travel(at(monday, 9, 5), tick=False):
        assert letter_bundles_send() == 1
        assert letter_bundles_send() == 0  # once a week
        sent_through_outbox()
    [message] = mail.outbox
    assert message.to == ["mp@example.org"]
    assert message.subject == "3 letters from constituents in Holborn and St Pancras: Fair detention reviews"
    assert parseaddr(message.from_email)[0] == f"Letters from constituents via {organisation_name()}"
    for n, letter in enumerate(letters):
        assert f"Writer {n}" in message.body and f"writer{n}@example.org" in message.body
        assert letter.body in message.body
    [(filename, pdf, mimetype)] = message.attachments
    assert mimetype == "application/pdf" and filename.endswith(".pdf") and pdf.startswith(b"%PDF")
    assert set(ConstituentLetter.objects.values_list("status", flat=True)) == {LetterStatus.SENT}
    bundle = LetterBundle.objects.get()
    assert bundle.status == LetterBundleStatus.SENT and bundle.size == 3
    assert AuditEvent.objects.filter(action="campaigns.letters.bundled", object_id=str(bundle.pk)).exists()
    # A letter confirmed later that week waits for next week's bundle.
    late = confirmed_letter(action, email="late@example.org")
    with time_machine.travel(at(date(2026, 5, 13), 10), tick=False):
        assert letter_bundles_send() == 0
        assert letter_expected_send_date(late) == date(2026, 5, 18)
    with time_machine.travel(at(date(2026, 5, 18), 9, 30), tick=False):
        assert letter_bundles_send() == 1
        sent_through_outbox()
    assert len(mail.outbox) == 2 and "1 letter from constituents" in mail.outbox[1].subject
    # Nothing went twice.
    assert LetterBundle.objects.count() == 2
    assert ConstituentLetter.objects.filter(status=LetterStatus.SENT).count() == 4


def test_a_bundle_refused_for_good_refuses_its_letters(index: Any, seats: None) -> None:
    action = letter_action(index, delivery=LetterDelivery.WEEKLY)
    letters = [confirmed_letter(action, email=f"writer{n}@example.org") for n in range(2)]
    bundle = letter_bundle_make(action=action, target_key=HOLBORN, week=date(2026, 5, 11))
    assert bundle is not None
    OutboxMessage.objects.filter(kind=LETTER_BUNDLE_EMAIL).update(
        status=OutboxStatus.FAILED, settled_at=timezone.now()
    )
    assert letters_settle().refused == 2
    assert {letter.pk for letter in ConstituentLetter.objects.filter(status=LetterStatus.REFUSED)} == {
        letter.pk for letter in letters
    }
    assert OutboxMessage.objects.filter(kind=LETTER_REFUSED_EMAIL).count() == 2
    bundle.refresh_from_db()
    assert bundle.status == LetterBundleStatus.REFUSED


def test_only_staff_who_may_change_actions_send_a_bundle_early(index: Any, seats: None, editor: Any) -> None:
    action = letter_action(index, delivery=LetterDelivery.WEEKLY)
    confirmed_letter(action)
    with pytest.raises(PermissionDenied):
        letter_bundle_send_now(action=action, target_key=HOLBORN, actor=editor)
    each = letter_action(index)
    with pytest.raises(ValueError):
        letter_bundle_send_now(action=each, target_key=HOLBORN, actor=User(is_superuser=True, is_active=True))

"""Letters' keeping time and erasure: the writer's details and words go, the counts and answers stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chorus.campaigns import privacy, tasks
from chorus.campaigns.letter_selectors import letters_summary
from chorus.campaigns.models import ConstituentLetter, LetterStatus, ReplyReport, SharedReply
from chorus.campaigns.services.letter_retention import letters_apply_retention, letters_erase_for_person
from chorus.campaigns.tests.letter_factories import CARDIFF, confirmed_letter, letter_action, seats_with_postcodes
from chorus.core.models import AuditEvent
from chorus.core.tests.dump import assert_not_in_database_dump
from chorus.tracker.tests.factories import TrackedItemFactory

pytestmark = pytest.mark.django_db

PRIVATE = {
    "name": "Olwen Brightwater",
    "postal_address": "4 Heron Lane\nCardiff",
    "body": "The crisis team never called my daughter back after her first assessment.",
}
REPLY = "Thank you, Olwen. I have asked the health board why the call never came."


@pytest.fixture
def action(index: Any) -> Any:
    seats_with_postcodes()
    return letter_action(index)


def sent(action: Any, *, days_ago: int, email: str = "olwen@example.org", **fields: Any) -> ConstituentLetter:
    letter = confirmed_letter(action, email=email, target_key=CARDIFF, postcode="CF24 0AA", **PRIVATE)
    ConstituentLetter.objects.filter(pk=letter.pk).update(
        status=LetterStatus.SENT,
        released_at=timezone.now() - timedelta(days=days_ago),
        sent_at=timezone.now() - timedelta(days=days_ago),
        reply_report=ReplyReport.YES,
        reply_text=REPLY,
        reply_may_share=True,
        **fields,
    )
    letter.refresh_from_db()
    return letter


def test_a_delivered_letter_loses_its_writer_after_the_keeping_time(action: Any, settings: Any) -> None:
    settings.CHORUS_CAMPAIGNS_LETTER_RETENTION_DAYS = 90
    old = sent(action, days_ago=91)
    recent = sent(action, days_ago=89, email="recent@example.org")
    before = letters_summary(action_id=action.pk)
    figures = letters_apply_retention()
    assert figures["letters_erased"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.postal_address, old.postcode, old.body, old.reply_text) == ("", "", "", "", "")
    assert old.person is None and old.erased_at is not None and old.writer_index == ""
    # What counts stays: status, office, similarity, the reply answer.
    assert old.status == LetterStatus.SENT and old.constituency_name == "Cardiff East"
    assert old.reply_report == ReplyReport.YES
    assert letters_summary(action_id=action.pk) == before
    assert recent.body == PRIVATE["body"] and recent.erased_at is None
    event = AuditEvent.objects.get(action="campaigns.letters.retention_applied")
    assert event.data["letters_erased"] == 1


def test_erased_words_are_nowhere_in_the_database(action: Any) -> None:
    letter = sent(action, days_ago=400)
    ConstituentLetter.objects.filter(pk=letter.pk).update(reply_text=REPLY + " (unique words 7c1f)")
    ConstituentLetter.objects.exclude(pk=letter.pk).delete()
    letters_apply_retention()
    assert_not_in_database_dump(["Olwen Brightwater", "Heron Lane", "crisis team never called", "unique words 7c1f"])


def test_refused_unconfirmed_and_never_sent_letters(action: Any, settings: Any) -> None:
    settings.CHORUS_CAMPAIGNS_LETTER_RETENTION_DAYS = 90
    settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS = 7
    refused = sent(action, days_ago=1, email="refused@example.org")
    ConstituentLetter.objects.filter(pk=refused.pk).update(
        status=LetterStatus.REFUSED, sent_at=None, refused_at=timezone.now() - timedelta(days=91)
    )
    unconfirmed = confirmed_letter(action, email="pending@example.org")
    ConstituentLetter.objects.filter(pk=unconfirmed.pk).update(
        status=LetterStatus.PENDING, confirmed_at=None, token_sent_at=timezone.now() - timedelta(days=8)
    )
    fresh_pending = confirmed_letter(action, email="fresh@example.org")
    ConstituentLetter.objects.filter(pk=fresh_pending.pk).update(
        status=LetterStatus.PENDING, confirmed_at=None, token_sent_at=timezone.now() - timedelta(days=2)
    )
    stuck = confirmed_letter(action, email="stuck@example.org")
    ConstituentLetter.objects.filter(pk=stuck.pk).update(confirmed_at=timezone.now() - timedelta(days=91))
    figures = letters_apply_retention()
    assert figures == {"letters_erased": 1, "letters_unconfirmed_removed": 1, "letters_never_sent_removed": 1}
    assert ConstituentLetter.objects.get(pk=refused.pk).erased_at is not None
    assert not ConstituentLetter.objects.filter(pk__in=[unconfirmed.pk, stuck.pk]).exists()
    assert ConstituentLetter.objects.filter(pk=fresh_pending.pk).exists()


def test_the_daily_retention_job_includes_letters(action: Any) -> None:
    sent(action, days_ago=400)
    result = tasks.apply_retention.call()
    assert result["letters_erased"] == 1 and "anonymised" in result


def test_a_persons_erasure_reaches_their_letters(action: Any) -> None:
    delivered = sent(action, days_ago=3)
    assert delivered.person is not None
    person = delivered.person
    waiting = confirmed_letter(letter_action(action.get_parent().specific), email="olwen@example.org")
    SharedReply.objects.create(item=TrackedItemFactory(), action=action, letter=delivered, text=REPLY)
    held = privacy.data_held(person)
    letter_groups = [group for group in held if group.title.startswith("Your letter")]
    assert len(letter_groups) == 2
    values = {item.value for group in letter_groups for item in group.items}
    assert PRIVATE["body"] in values and REPLY in values
    report = privacy.erase(person)
    assert report.erased == 2
    assert any("Letters already delivered still count" in line for line in report.kept)
    delivered.refresh_from_db()
    assert delivered.erased_at is not None and delivered.body == "" and delivered.person is None
    assert delivered.status == LetterStatus.SENT
    # Not yet sent: it will never go, so it is gone.
    assert not ConstituentLetter.objects.filter(pk=waiting.pk).exists()
    # The reply they let us share came from them: it goes too.
    assert not SharedReply.objects.exists()
    assert AuditEvent.objects.filter(action="campaigns.letters.erased").exists()
    assert privacy.data_held(person) == []


def test_an_erasure_touches_only_that_persons_letters(action: Any) -> None:
    letter = sent(action, days_ago=3)
    other = confirmed_letter(action, email="someone-else@example.org")
    assert other.person is not None
    assert letters_erase_for_person(person=other.person) == 1
    letter.refresh_from_db()
    assert letter.body == PRIVATE["body"]

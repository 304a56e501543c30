"""The demo letter action loads with the example MPs, and loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from chorus.campaigns import demo
from chorus.campaigns.letter_selectors import letters_summary
from chorus.campaigns.models import ConstituentLetter, LetterStatus, LetterToRepresentativePage
from chorus.news.easy_read_check import easy_read_check
from chorus.representatives import demo as representatives_demo

pytestmark = pytest.mark.django_db


def test_the_demo_letter_action_is_open_with_letters_to_example_mps(client: Client) -> None:
    representatives_demo.load()
    demo.load()
    demo.load()
    action = LetterToRepresentativePage.objects.get()
    assert action.live and action.is_open and action.writes_to_own_mp
    assert action.prompt_list() and action.suggested_letter
    assert easy_read_check(action.easy_read_summary).warnings == []
    letters = ConstituentLetter.objects.filter(action=action)
    assert letters.count() == len(demo.DEMO_LETTERS)
    assert letters.filter(status=LetterStatus.QUEUED).exists()
    assert all(letter.target_email.endswith("@example.org") for letter in letters)
    summary = letters_summary(action_id=action.pk)
    assert (summary.sent, summary.replies) == (3, 1) and summary.representatives == 3
    page = client.get(action.url)
    assert page.status_code == 200 and "3 letters sent" in page.content.decode()
    # The demo's own postcode finds its example MP.
    form = client.get(action.url + "letter/")
    assert form.status_code == 200 and 'name="postcode"' in form.content.decode()


def test_without_example_mps_the_demo_writes_no_letter_to_nobody() -> None:
    demo.load()
    assert LetterToRepresentativePage.objects.count() == 1
    assert not ConstituentLetter.objects.exists()

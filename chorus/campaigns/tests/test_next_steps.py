"""Campaign pages that lead somewhere: cards with progress, updates on the page, the
thank-you page's next steps, and sharing that loads nothing from elsewhere."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chorus.campaigns.models import SignatureCount
from chorus.campaigns.tests.factories import letter, petition

pytestmark = pytest.mark.django_db


def counted(action: Any, total: int) -> None:
    SignatureCount.objects.update_or_create(action=action, defaults={"total": total, "individuals": total})


def test_campaign_cards_show_the_count_the_goals_progress_and_the_days_left(index: Any, client: Client) -> None:
    soon = petition(
        index, title="Wards without cameras", goal=200, closing_date=timezone.localdate() + timedelta(days=5)
    )
    counted(soon, 50)
    open_letter = letter(index, title="Data belongs to us")
    counted(open_letter, 1)
    html = client.get(index.url).content.decode()
    card = html[html.index("Wards without cameras") :]
    assert "<strong>50</strong> signatures of a goal of 200" in card
    assert re.search(
        r'<label for="goal-\d+">25% of the goal</label> <progress id="goal-\d+" max="200" value="50">', card
    )
    assert ">closes in 5 days (" in card
    # An open letter has no goal: its count alone, and no empty bar.
    letter_card = html[html.index("Data belongs to us") :]
    assert "<strong>1</strong> signature</p>" in letter_card.split("</li>")[0]
    assert "<progress" not in letter_card.split("</li>")[0]


def test_a_count_past_the_goal_fills_the_bar_and_says_the_real_number(index: Any, client: Client) -> None:
    action = petition(index, title="Over the top", goal=10)
    counted(action, 25)
    html = client.get(index.url).content.decode()
    assert "<strong>25</strong> signatures of a goal of 10" in html
    assert 'max="10" value="10">100%</progress>' in html

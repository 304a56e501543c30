"""Editors make a letter action in Wagtail, with the target and pace checked there."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chorus.accounts.models import User
from chorus.campaigns.models import CampaignIndexPage, LetterToRepresentativePage
from conftest import client_for

pytestmark = pytest.mark.django_db


def add_url(index: CampaignIndexPage) -> str:
    return reverse("wagtailadmin_pages:add", args=["campaigns", "lettertorepresentativepage", index.pk])


def test_a_letter_action_can_be_added_under_the_campaigns(editor: User, index: CampaignIndexPage) -> None:
    response = client_for(editor).get(add_url(index))
    assert response.status_code == 200, response.content.decode()[:2000]
    body = response.content.decode()
    for name in ("ask", "briefing", "prompts", "suggested_letter", "target_email", "daily_cap", "sending_from"):
        assert f'name="{name}"' in body
    # Both kinds of target and both ways of delivering are offered.
    for value in ('value="own_mp"', 'value="named"', 'value="each"', 'value="weekly"'):
        assert value in body


def test_the_campaigns_index_offers_the_letter_action(index: CampaignIndexPage) -> None:
    assert LetterToRepresentativePage in index.specific_class.allowed_subpage_models()


def test_a_named_target_without_an_email_is_refused(index: CampaignIndexPage) -> None:
    page = LetterToRepresentativePage(
        title="Write to the minister",
        slug="write-to-the-minister",
        summary="Ask the minister.",
        body=[("paragraph", "<p>Why.</p>")],
        ask="Meet us.",
        briefing="<p>Say why.</p>",
        target_kind="named",
        target_name="Example Minister",
    )
    with pytest.raises(ValidationError) as raised:
        index.add_child(instance=page)
    assert set(raised.value.message_dict) == {"target_email"}

"""The dashboard explains why "Confirmed" and the public count differ, in parts that add up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chorus.campaigns.models import Moderation, Signature, SignatureCount, SignatureKind, SignatureStatus
from chorus.campaigns.selectors import count_explained
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.tests.factories import letter
from chorus.people.services import person_get_or_create
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(index: Any) -> Any:
    return letter(index)


def _sign(action: Any, email: str, **fields: Any) -> Signature:
    person, _ = person_get_or_create(email=email)
    return Signature.objects.create(
        action=action, person=person, name=email, status=SignatureStatus.CONFIRMED, **fields
    )


def _refreshed_seconds_ago(action: Any, seconds: int) -> None:
    SignatureCount.objects.filter(action_id=action.pk).update(refreshed_at=timezone.now() - timedelta(seconds=seconds))


def test_confirmations_since_the_refresh_are_counted_with_the_time(action: Any) -> None:
    for i in range(3):
        _sign(action, f"early{i}@example.org")
    counts_refresh(full=True)
    for i in range(4):
        _sign(action, f"late{i}@example.org")
    _refreshed_seconds_ago(action, 12)
    explained = count_explained(action_id=action.pk)
    assert (explained.confirmed, explained.public, explained.changed_since_refresh) == (7, 3, 4)
    assert explained.sentences == ["4 confirmed since the last count refresh, 12 seconds ago."]


def test_organisations_waiting_or_turned_down_explain_the_rest(action: Any) -> None:
    _sign(action, "a@example.org")
    _sign(action, "b@example.org", kind=SignatureKind.ORGANISATION, organisation="B", moderation=Moderation.PENDING)
    _sign(action, "c@example.org", kind=SignatureKind.ORGANISATION, organisation="C", moderation=Moderation.PENDING)
    _sign(action, "d@example.org", kind=SignatureKind.ORGANISATION, organisation="D", moderation=Moderation.REJECTED)
    counts_refresh(full=True)
    _refreshed_seconds_ago(action, 3 * 60)
    explained = count_explained(action_id=action.pk)
    assert (explained.confirmed, explained.public) == (4, 1)
    assert explained.sentences == [
        "The count was last refreshed 3\xa0minutes ago.",
        "2 confirmed organisations are waiting for moderation and will count once approved.",
        "1 confirmed organisation was turned down and does not count.",
    ]


def test_invalidated_since_the_refresh_is_said_as_a_fall(action: Any) -> None:
    signatures = [_sign(action, f"s{i}@example.org") for i in range(3)]
    counts_refresh(full=True)
    Signature.objects.filter(pk=signatures[0].pk).update(status=SignatureStatus.INVALIDATED)
    _refreshed_seconds_ago(action, 1)
    assert count_explained(action_id=action.pk).sentences == [
        "1 stopped counting (invalidated or turned down) since the last count refresh, 1 second ago."
    ]


def test_no_count_yet_and_all_counted_are_said_plainly(action: Any) -> None:
    _sign(action, "a@example.org")
    assert "not been worked out yet" in count_explained(action_id=action.pk).sentences[0]
    counts_refresh(full=True)
    assert (
        count_explained(action_id=action.pk)
        .sentences[0]
        .startswith("The public count includes every confirmed signature.")
    )


def test_the_dashboard_shows_the_explanation(action: Any, campaigner: Any) -> None:
    _sign(action, "a@example.org")
    counts_refresh(full=True)
    _sign(action, "b@example.org")
    _refreshed_seconds_ago(action, 12)
    body = client_for(campaigner).get(f"/admin/campaigns/{action.pk}/").content.decode()
    assert "Why the two differ" in body
    assert "1 confirmed since the last count refresh, 12 seconds ago." in body

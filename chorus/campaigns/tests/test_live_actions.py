"""The live action and the block lists: read from the shared cache on a busy request, and
never out of date once a change has been made, in this process or another."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from chorus.campaigns.models import BlockedEmailDomain, BlockedIpHash, domain_hash
from chorus.campaigns.selectors import block_lists, live_action, live_action_url
from chorus.campaigns.services.actions import action_transition
from chorus.campaigns.tests.factories import letter, petition
from chorus.campaigns.workflow import ActionState

pytestmark = pytest.mark.django_db


def test_the_action_is_found_by_id_and_by_slug_as_its_own_page_type(index: Any) -> None:
    action = petition(index, slug="stop-the-cameras")
    for key in (str(action.pk), "stop-the-cameras"):
        found = live_action(key=key)
        assert found is not None and type(found).__name__ == "PetitionPage" and found.pk == action.pk
    assert live_action(key="no-such-action") is None
    assert live_action(key="9" * 30) is None  # no id can be that large
    assert live_action_url(action) == "/campaigns/stop-the-cameras/"


def test_a_repeated_read_costs_no_query(index: Any) -> None:
    action = letter(index)
    live_action(key=str(action.pk))
    block_lists()
    with CaptureQueriesContext(connection) as queries:
        assert live_action(key=str(action.pk)) is not None
        block_lists()
    assert queries.captured_queries == []


def test_each_request_gets_its_own_copy_of_the_action(index: Any) -> None:
    """A page shared between requests leaks whatever one request sets on it."""
    action = letter(index, title="Cameras off our wards")
    first = live_action(key=str(action.pk))
    assert first is not None
    first.title = "Changed while rendering one request"
    second = live_action(key=str(action.pk))
    assert second is not None and second is not first
    assert second.title == "Cameras off our wards"


def test_publishing_and_unpublishing_reach_the_next_read(index: Any) -> None:
    action = letter(index, title="First title")
    assert live_action(key=action.slug) is not None
    action.title = "Second title"
    action.save_revision().publish()
    found = live_action(key=action.slug)
    assert found is not None and found.title == "Second title"
    action.unpublish()
    assert live_action(key=action.slug) is None


def test_a_restriction_takes_the_action_off_the_public_site_at_once(index: Any) -> None:
    action = letter(index)
    assert live_action(key=str(action.pk)) is not None
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    assert live_action(key=str(action.pk)) is None


def test_a_state_change_reaches_the_next_read_once_committed(
    index: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    cached = live_action(key=str(action.pk))
    assert cached is not None and cached.is_open
    with django_capture_on_commit_callbacks(execute=True):
        # A queryset update: no signal, so the service itself forgets the cached actions.
        action_transition(action=action, target=ActionState.CLOSED, actor=campaigner)
    found = live_action(key=str(action.pk))
    assert found is not None and not found.is_open


def test_block_lists_follow_every_change(index: Any) -> None:
    assert not block_lists().blocks(ip_hash="ab" * 16, email_domain_hash=domain_hash("spam.example"))
    domain = BlockedEmailDomain.objects.create(domain="spam.example")
    assert block_lists().blocks(ip_hash="ab" * 16, email_domain_hash=domain_hash("spam.example"))
    domain.delete()
    assert not block_lists().blocks(ip_hash="ab" * 16, email_domain_hash=domain_hash("spam.example"))
    BlockedIpHash.objects.create(ip_hash="ab" * 16, expires_at=timezone.now() + timedelta(days=1))
    assert block_lists().blocks(ip_hash="ab" * 16, email_domain_hash=domain_hash("example.org"))

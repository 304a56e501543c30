"""Values no one could have chosen, on the public forms and the staff screens: an error or a 400, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from chorus.bulletin.models import Delivery, DeliveryStatus, IssueStatus, Subscription, SubscriptionStatus
from chorus.bulletin.services.lifecycle import deliveries_freeze
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.bulletin.tokens import manage_token
from chorus.core.ids import MAX_ID
from chorus.core.models import AuditEvent
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

NOT_IDS = ["99999999999999999999", str(MAX_ID + 1), "²", "-1", "x"]


@pytest.fixture
def index() -> Any:
    return make_index()


@pytest.fixture
def area(index: Any) -> Any:
    return PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=index.get_parent()), title="Rights")


@override_settings(CHORUS_MIN_FORM_FILL_SECONDS=0)
@pytest.mark.parametrize("bad", NOT_IDS)
def test_subscribe_with_a_topic_that_is_not_an_id_keeps_the_answers(area: Any, bad: str) -> None:
    client = Client()
    started = client.get(reverse("bulletin:subscribe")).context["form"].initial["form_started"]
    response = client.post(
        reverse("bulletin:subscribe"),
        {"email": "robin@example.org", "name": "Robin", "topics": [str(area.pk), bad], "form_started": started},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Select a valid choice" in content
    assert 'value="robin@example.org"' in content and 'value="Robin"' in content
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("bad", NOT_IDS)
def test_preferences_with_a_topic_that_is_not_an_id_change_nothing(area: Any, bad: str) -> None:
    subscription = make_subscriber("prefs@example.org")
    url = reverse("bulletin:preferences", args=[manage_token(subscription.pk)])
    response = Client().post(url, {"action": "save", "topics": [str(area.pk), bad], "paused": "on"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert not subscription.topics.exists()


@pytest.mark.parametrize("key", [str(MAX_ID + 1), "9999999999999999999999999", "0"])
def test_staff_issue_urls_with_an_impossible_id_are_not_found(index: Any, administrator: Any, key: str) -> None:
    client = client_for(administrator)
    for screen in ("", "preview/", "reconciliation/"):
        assert client.get(f"/admin/bulletin/{key}/{screen}").status_code == 404, screen
    assert client.post(f"/admin/bulletin/{key}/action/", {"action": "send"}).status_code == 404
    assert client.post(f"/admin/bulletin/{key}/reconciliation/", {"outcome": "sent"}).status_code == 404


@pytest.mark.parametrize("bad", NOT_IDS)
def test_reconciliation_with_a_value_that_is_not_an_id_is_a_bad_request(
    index: Any, administrator: Any, bad: str
) -> None:
    issue = make_issue(index)
    make_subscriber("doubt@example.org")
    deliveries_freeze(issue=issue)
    Delivery.objects.update(status=DeliveryStatus.IN_DOUBT, claimed_by="w:1")
    row = Delivery.objects.get()
    url = reverse("bulletin_admin:reconciliation", args=[issue.pk])
    response = client_for(administrator).post(url, {"ids": [str(row.pk), bad], "outcome": "sent"})
    assert response.status_code == 400
    row.refresh_from_db()
    assert row.status == DeliveryStatus.IN_DOUBT
    assert not AuditEvent.objects.filter(action="bulletin.delivery.reconciled").exists()


@pytest.mark.parametrize(
    "when,error",
    [
        ("2001-01-01T09:00", "in the future"),
        ("0001-01-01T00:00", "in the future"),
        ("2027-03-28T01:30", "interpreted in time zone"),  # the clocks go forward: no such time
        ("2099-02-30T09:00", "Enter a date and time"),
        ("next tuesday", "Enter a date and time"),
        ("", "Enter a date and time"),
    ],
)
def test_a_refused_schedule_time_comes_back_as_typed_with_its_error(
    index: Any, editor: Any, when: str, error: str
) -> None:
    issue = make_issue(index)
    response = client_for(editor).post(
        reverse("bulletin_admin:action", args=[issue.pk]), {"action": "schedule", "when": when}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert error in content
    assert f'value="{when}"' in content if when else 'name="when"' in content
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT and issue.scheduled_for is None


def test_a_schedule_the_service_refuses_is_reported_with_the_time_kept(index: Any, editor: Any) -> None:
    issue = make_issue(index, publish=False)
    response = client_for(editor).post(
        reverse("bulletin_admin:action", args=[issue.pk]), {"action": "schedule", "when": "2099-12-01T09:00"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Publish the issue before scheduling it." in content
    assert 'value="2099-12-01T09:00"' in content
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_a_good_schedule_time_still_schedules(index: Any, editor: Any) -> None:
    issue = make_issue(index)
    response = client_for(editor).post(
        reverse("bulletin_admin:action", args=[issue.pk]), {"action": "schedule", "when": "2099-12-01 09:00"}
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    assert issue.scheduled_for is not None
    assert timezone.localtime(issue.scheduled_for).strftime("%Y-%m-%d %H:%M") == "2099-12-01 09:00"


def test_a_refused_schedule_time_is_summarised_and_tied_to_its_field(index: Any, editor: Any) -> None:
    issue = make_issue(index)
    response = client_for(editor).post(
        reverse("bulletin_admin:action", args=[issue.pk]), {"action": "schedule", "when": "next tuesday"}
    )
    content = response.content.decode()
    assert "<title>Error: " in content
    assert 'id="error-summary"' in content and "There is a problem" in content
    assert '<a href="#bulletin-when">Enter a date and time' in content
    # The field points at its own error message, which exists on the page.
    assert 'aria-describedby="bulletin-when_error"' in content
    assert 'id="bulletin-when_error"' in content
    assert '<label class="w-field__label" for="bulletin-when">' in content

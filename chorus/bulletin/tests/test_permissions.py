"""Every staff screen: anonymous -> login, wrong role -> 403, right role -> 200."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.bulletin.models import BulletinIssue, Delivery, DeliveryStatus, IssueStatus
from chorus.bulletin.services.lifecycle import deliveries_freeze
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.core.models import AuditEvent
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue() -> Any:
    return make_issue(make_index())


SEND_VIEWS = ["issues", "detail", "progress", "preview", "preview_email"]


def _url(name: str, issue: Any) -> str:
    return (
        reverse(f"bulletin_admin:{name}") if name == "issues" else reverse(f"bulletin_admin:{name}", args=[issue.pk])
    )


@pytest.mark.parametrize("name", [*SEND_VIEWS, "reconciliation"])
def test_anonymous_is_sent_to_login(issue: Any, name: str) -> None:
    response = Client().get(_url(name, issue))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", [*SEND_VIEWS, "reconciliation"])
def test_caseworker_is_refused(issue: Any, caseworker: Any, name: str) -> None:
    assert client_for(caseworker).get(_url(name, issue)).status_code == 403


@pytest.mark.parametrize("name", SEND_VIEWS)
@pytest.mark.parametrize("persona", ["editor", "campaigner", "administrator"])
def test_senders_see_the_sending_screens(issue: Any, name: str, persona: str, request: Any) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(_url(name, issue)).status_code == 200


def test_only_administrators_see_reconciliation(issue: Any, editor: Any, administrator: Any) -> None:
    assert client_for(editor).get(_url("reconciliation", issue)).status_code == 403
    make_subscriber("doubt@example.org")
    deliveries_freeze(issue=issue)
    Delivery.objects.update(status=DeliveryStatus.IN_DOUBT, claimed_by="w:1")
    response = client_for(administrator).get(_url("reconciliation", issue))
    assert response.status_code == 200
    assert b"doubt@example.org" in response.content
    assert AuditEvent.objects.filter(action="bulletin.delivery.viewed_in_doubt").exists()
    row = Delivery.objects.get()
    done = client_for(administrator).post(_url("reconciliation", issue), {"ids": [row.pk], "outcome": "sent"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT


def test_caseworker_cannot_send(issue: Any, caseworker: Any) -> None:
    response = client_for(caseworker).post(reverse("bulletin_admin:action", args=[issue.pk]), {"action": "send"})
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_editor_sends_pauses_and_sees_progress(
    issue: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_subscriber("one@example.org")
    client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("bulletin_admin:action", args=[issue.pk]),
            {"action": "send", "revision": issue.live_revision_id, "confirmed": "1"},
        )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    data = client.get(reverse("bulletin_admin:progress", args=[issue.pk])).json()
    assert data["sent"] == 1 and data["remaining"] == 0 and data["status"] == "sent"
    detail = client.get(reverse("bulletin_admin:detail", args=[issue.pk]))
    assert b'data-bulletin-progress="' in detail.content
    assert b"bulletin/progress" in detail.content
    # Without JavaScript the figures are on the page itself.
    assert b'data-field="sent">1<' in detail.content
    assert AuditEvent.objects.filter(action="bulletin.issue.sending", actor=editor).exists()


def test_preview_shows_html_and_plain_text(issue: Any, editor: Any) -> None:
    response = client_for(editor).get(reverse("bulletin_admin:preview", args=[issue.pk]))
    content = response.content.decode()
    assert "HTML version" in content and "Plain text version" in content
    assert "NEW FROM THE NETWORK" in content  # the plain-text heading
    assert "Hello Alex," in content
    assert "bulletin/admin.css" in content


def test_page_tree_links_an_issue_to_its_preview_and_sending_screen(issue: Any, editor: Any) -> None:
    response = client_for(editor).get(reverse("wagtailadmin_explore", args=[issue.get_parent().pk]))
    assert response.status_code == 200
    assert reverse("bulletin_admin:preview", args=[issue.pk]).encode() in response.content
    assert reverse("bulletin_admin:detail", args=[issue.pk]).encode() in response.content


def test_schedule_from_the_sending_screen(issue: Any, campaigner: Any) -> None:
    client = client_for(campaigner)
    url = reverse("bulletin_admin:action", args=[issue.pk])
    client.post(url, {"action": "schedule", "when": "2001-01-01T09:00"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT  # a time in the past is refused
    client.post(url, {"action": "schedule", "when": "2099-12-01T09:00"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    assert issue.scheduled_for is not None and issue.scheduled_for.year == 2099
    detail = client.get(reverse("bulletin_admin:detail", args=[issue.pk]))
    assert b"Scheduled for" in detail.content


@pytest.mark.parametrize(("persona", "may_edit"), [("editor", True), ("campaigner", False), ("administrator", False)])
def test_the_edit_link_is_shown_only_to_those_who_may_edit_the_issue_page(
    issue: Any, persona: str, may_edit: bool, request: Any
) -> None:
    client = client_for(request.getfixturevalue(persona))
    edit_url = reverse("wagtailadmin_pages:edit", args=[issue.pk])
    content = client.get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    assert (f'href="{edit_url}"' in content) is may_edit
    assert ("Edit the content" in content) is may_edit
    # The link is hidden exactly when Wagtail would turn the person away from the editor.
    assert (client.get(edit_url).status_code == 200) is may_edit


# Every button on the sending screen posts here with its own action.
ACTIONS = ["send", "schedule", "cancel_schedule", "pause", "resume"]


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_actions_are_sent_to_login(issue: Any, action: str) -> None:
    response = Client().post(reverse("bulletin_admin:action", args=[issue.pk]), {"action": action})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("action", ACTIONS)
def test_caseworker_actions_are_refused_and_change_nothing(issue: Any, caseworker: Any, action: str) -> None:
    BulletinIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SCHEDULED, scheduled_for=timezone.now())
    response = client_for(caseworker).post(
        reverse("bulletin_admin:action", args=[issue.pk]), {"action": action, "when": "2099-12-01T09:00"}
    )
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    assert not AuditEvent.objects.filter(action__startswith="bulletin.issue.").exists()


@pytest.mark.parametrize("persona", ["editor", "campaigner", "administrator"])
def test_senders_can_cancel_a_schedule(issue: Any, persona: str, request: Any) -> None:
    user = request.getfixturevalue(persona)
    BulletinIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SCHEDULED, scheduled_for=timezone.now())
    response = client_for(user).post(reverse("bulletin_admin:action", args=[issue.pk]), {"action": "cancel_schedule"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert AuditEvent.objects.filter(action="bulletin.issue.schedule_cancelled", actor=user).exists()


def test_reading_an_action_url_changes_nothing(issue: Any, editor: Any) -> None:
    response = client_for(editor).get(reverse("bulletin_admin:action", args=[issue.pk]), {"action": "send"})
    assert response.status_code == 405

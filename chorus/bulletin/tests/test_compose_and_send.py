"""Composing and sending from the issue screen (issue 23): a test to me, publishing here,
"Send now" with its confirmation, and scheduled times in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from chorus.bulletin.dashboard import next_issue_line
from chorus.bulletin.models import BulletinIndexPage, BulletinIssue, Delivery, IssueStatus
from chorus.bulletin.schedule import when_in_words
from chorus.bulletin.services import lifecycle, proofs
from chorus.bulletin.tests.factories import area_section, make_index, make_issue, make_subscriber
from chorus.bulletin.wagtail_hooks import back_to_the_sending_screen
from chorus.core.models import AuditEvent, OutboxMessage
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue() -> BulletinIssue:
    for address in ["one@example.org", "two@example.org"]:
        make_subscriber(address)
    return make_issue(make_index())


def _action_url(issue: BulletinIssue) -> str:
    return reverse("bulletin_admin:action", args=[issue.pk])


def _key(content: str) -> str:
    found = re.search(r'name="submission_key" value="([^"]+)"', content)
    assert found, "no one-time key on the form"
    return found.group(1)


# --- "Send a test to me" -------------------------------------------------------------------


def test_a_test_goes_only_to_the_staff_member_marked_test(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        proofs.issue_test_send(issue=issue, edition="all", actor=editor)
    [message] = mail.outbox
    assert message.to == [editor.email]
    assert message.subject.startswith("TEST: ")
    assert message.body.startswith("TEST")
    html = str(message.alternatives[0][0])
    assert html[html.index(">", html.index("<body")) + 1 :].lstrip().startswith("<p")
    assert proofs_notice_in(html)
    assert "Our response to the data plan" in message.body
    assert "List-Unsubscribe" not in message.extra_headers
    # Nothing about the send itself changed.
    assert not Delivery.objects.exists()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    event = AuditEvent.objects.get(action="bulletin.issue.test_sent")
    assert event.actor == editor and event.data["edition"] == "all"
    assert "@" not in str(event.data)


def proofs_notice_in(html: str) -> bool:
    return "TEST – this is a test of the bulletin" in html


def test_a_test_of_one_edition_has_only_its_sections(editor: Any, django_capture_on_commit_callbacks: Any) -> None:
    home = make_site()
    areas_index = PriorityAreaIndexPageFactory(parent=home)
    rights = PriorityAreaPageFactory(parent=areas_index, title="Rights and dignity")
    funding = PriorityAreaPageFactory(parent=areas_index, title="Funding groups")
    issue = make_issue(
        make_index(home=home),
        sections=[
            area_section(rights, [("Rights briefing", "/news/rights/")]),
            area_section(funding, [("Grant news", "/news/grants/")]),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        proofs.issue_test_send(issue=issue, edition=str(rights.pk), actor=editor)
    [message] = mail.outbox
    assert "Rights briefing" in message.body
    assert "Grant news" not in message.body


def test_a_test_of_an_edition_the_issue_does_not_have_is_refused(issue: BulletinIssue, editor: Any) -> None:
    with pytest.raises(lifecycle.IssueStateError, match="editions"):
        proofs.issue_test_send(issue=issue, edition="999999", actor=editor)
    assert not OutboxMessage.objects.exists()


def test_a_test_of_an_unpublished_issue_is_refused(editor: Any) -> None:
    draft = make_issue(make_index(), publish=False)
    with pytest.raises(lifecycle.IssueStateError, match="Publish"):
        proofs.issue_test_send(issue=draft, edition="all", actor=editor)
    assert not OutboxMessage.objects.exists()


def test_staff_without_an_address_are_told_so(issue: BulletinIssue, editor: Any) -> None:
    editor.email = ""
    editor.save()
    with pytest.raises(lifecycle.IssueStateError, match="no email address"):
        proofs.issue_test_send(issue=issue, edition="all", actor=editor)
    assert not OutboxMessage.objects.exists()


def test_send_a_test_from_the_screen_once_per_key(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(editor)
    screen = client.get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    assert "Send a test to me" in screen
    posted = {"action": "test", "edition": "all", "submission_key": _key(screen)}
    for _ in range(2):  # a double click
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_action_url(issue), posted)
        assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert AuditEvent.objects.filter(action="bulletin.issue.test_sent").count() == 1
    assert "marked TEST" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("action", ["test", "publish"])
def test_the_new_actions_send_anonymous_visitors_to_sign_in(issue: BulletinIssue, action: str) -> None:
    response = Client().post(_action_url(issue), {"action": action, "edition": "all"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("action", ["test", "publish"])
def test_the_new_actions_refuse_a_caseworker(issue: BulletinIssue, caseworker: Any, action: str) -> None:
    response = client_for(caseworker).post(_action_url(issue), {"action": action, "edition": "all"})
    assert response.status_code == 403
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("persona", ["editor", "campaigner", "administrator"])
def test_every_sender_can_send_a_test_to_themselves(issue: BulletinIssue, persona: str, request: Any) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).post(_action_url(issue), {"action": "test", "edition": "all"})
    assert response.status_code == 302
    assert OutboxMessage.objects.get().user_id == user.pk


# --- publishing from the issue screen --------------------------------------------------------


def _save_a_draft(issue: BulletinIssue, intro: str) -> int:
    issue.intro = intro
    return int(issue.save_revision().pk)


def test_the_screen_publishes_the_latest_saved_version(issue: BulletinIssue, editor: Any) -> None:
    latest = _save_a_draft(issue, "A new introduction for this week.")
    client = client_for(editor)
    screen = client.get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    assert "Publish the latest version" in screen
    response = client.post(_action_url(issue), {"action": "publish", "submission_key": _key(screen)})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.live_revision_id == latest and not issue.has_unpublished_changes
    assert AuditEvent.objects.filter(action="bulletin.issue.published", actor=editor).exists()
    # The screen now previews (and "Send now" carries) the version just published.
    after = client.get(response["Location"])
    assert "A new introduction for this week." in after.context["preview"]["text"]
    assert "Publish the latest version" not in after.content.decode()


def test_those_who_may_not_publish_the_page_are_not_offered_it_and_are_refused(
    issue: BulletinIssue, campaigner: Any
) -> None:
    first = issue.live_revision_id
    _save_a_draft(issue, "Changed.")
    client = client_for(campaigner)
    assert (
        "Publish the latest version"
        not in client.get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    )
    client.post(_action_url(issue), {"action": "publish"})
    issue.refresh_from_db()
    assert issue.live_revision_id == first
    assert not AuditEvent.objects.filter(action="bulletin.issue.published").exists()


def test_publishing_with_nothing_new_is_refused(issue: BulletinIssue, editor: Any) -> None:
    with pytest.raises(lifecycle.IssueStateError, match="no unpublished changes"):
        lifecycle.issue_publish_latest(issue=issue, actor=editor)


def test_publishing_in_the_editor_returns_to_the_issue_screen(editor: Any) -> None:
    issue = make_issue(make_index(), sections=[])
    data = nested_form_data(
        {
            "title": issue.title,
            "slug": issue.slug,
            "intro": "Changed in the editor.",
            "sections": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    client = client_for(editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[issue.pk]), {**data, "action-publish": "action-publish"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("bulletin_admin:detail", args=[issue.pk])
    issue.refresh_from_db()
    assert issue.intro == "Changed in the editor." and not issue.has_unpublished_changes
    assert "is published. Check the email below" in client.get(response["Location"]).content.decode()


def test_publishing_another_page_goes_where_wagtail_sends_it(issue: BulletinIssue, editor: Any) -> None:
    request = client_for(editor).get(reverse("bulletin_admin:detail", args=[issue.pk])).wsgi_request
    assert back_to_the_sending_screen(request, BulletinIndexPage.objects.get()) is None


# --- "Send now" asks first ---------------------------------------------------------------------


def test_send_now_asks_first_and_sends_only_when_confirmed(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(editor)
    asked = client.post(_action_url(issue), {"action": "send", "revision": issue.live_revision_id})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "to 2 subscribers in 1 edition" in page
    assert 'name="confirmed" value="1"' in page
    assert f'href="{reverse("bulletin_admin:detail", args=[issue.pk])}">Cancel</a>' in page
    # Nothing has changed yet.
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert not Delivery.objects.exists()
    assert not AuditEvent.objects.filter(action="bulletin.issue.sending").exists()

    confirmed = {"action": "send", "revision": issue.live_revision_id, "confirmed": "1", "submission_key": _key(page)}
    for _ in range(2):  # a double click on "Yes, send"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_action_url(issue), confirmed)
        assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert sorted(message.to[0] for message in mail.outbox) == ["one@example.org", "two@example.org"]
    assert AuditEvent.objects.filter(action="bulletin.issue.sending").count() == 1


@pytest.mark.parametrize("persona", ["editor", "campaigner", "administrator"])
def test_every_sender_sees_the_confirmation(issue: BulletinIssue, persona: str, request: Any) -> None:
    client = client_for(request.getfixturevalue(persona))
    response = client.post(_action_url(issue), {"action": "send", "revision": issue.live_revision_id})
    assert response.status_code == 200
    assert "Send this issue now?" in response.content.decode()


def test_the_confirmation_refuses_a_caseworker(issue: BulletinIssue, caseworker: Any) -> None:
    response = client_for(caseworker).post(
        _action_url(issue), {"action": "send", "revision": issue.live_revision_id, "confirmed": "1"}
    )
    assert response.status_code == 403
    assert not Delivery.objects.exists()


# --- scheduled times in words ------------------------------------------------------------------


def test_a_winter_time_is_in_uk_time_gmt() -> None:
    when = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert when_in_words(when, now=datetime(2026, 12, 7, tzinfo=UTC)) == "Tuesday 8 December at 09:00 (UK time, GMT)"


def test_a_summer_time_next_year_is_in_bst_with_its_year() -> None:
    when = datetime(2027, 6, 8, 8, 0, tzinfo=UTC)
    assert when_in_words(when, now=datetime(2026, 12, 7, tzinfo=UTC)) == "Tuesday 8 June 2027 at 09:00 (UK time, BST)"


def test_the_screen_shows_the_schedule_in_words_and_cancels_it(issue: BulletinIssue, editor: Any) -> None:
    when = datetime(2099, 12, 8, 9, 0, tzinfo=UTC)
    lifecycle.issue_schedule(issue=issue, when=when, actor=editor)
    client = client_for(editor)
    screen = client.get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    assert "Tuesday 8 December 2099 at 09:00 (UK time, GMT)" in screen
    listing = client.get(reverse("bulletin_admin:issues")).content.decode()
    assert "Scheduled for Tuesday 8 December 2099 at 09:00 (UK time, GMT)" in listing
    assert next_issue_line().detail == "It is scheduled for Tuesday 8 December 2099 at 09:00 (UK time, GMT)."
    assert 'value="cancel_schedule"' in screen
    client.post(_action_url(issue), {"action": "cancel_schedule"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT and issue.scheduled_for is None

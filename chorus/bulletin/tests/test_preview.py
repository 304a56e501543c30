"""The staff preview shows exactly what the sender sends: the published version, never a draft."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from chorus.bulletin.models import BulletinIssue
from chorus.bulletin.services import lifecycle
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.bulletin.tokens import manage_token
from conftest import client_for

pytestmark = pytest.mark.django_db

NOT_PUBLISHED_YET = "This issue has changes that are not published yet. They will not be sent until you publish them."
LATE_CHANGE = "A late change nobody has published."


@pytest.fixture
def issue() -> BulletinIssue:
    return make_issue(make_index())


def _save_unpublished_edit(issue: BulletinIssue, intro: str = LATE_CHANGE) -> None:
    draft = issue.get_latest_revision_as_object()
    draft.intro = intro
    draft.save_revision()


def _preview(user: Any, issue: BulletinIssue) -> str:
    response = client_for(user).get(reverse("bulletin_admin:preview", args=[issue.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_an_unpublished_edit_stays_out_of_the_preview_until_it_is_published(issue: BulletinIssue, editor: Any) -> None:
    _save_unpublished_edit(issue)

    content = _preview(editor, issue)
    assert LATE_CHANGE not in content
    assert "Hello from the network." in content  # the published intro
    assert NOT_PUBLISHED_YET in content
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[issue.pk])}"' in content
    detail = client_for(editor).get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    assert NOT_PUBLISHED_YET in detail

    issue.get_latest_revision().publish()

    content = _preview(editor, issue)
    assert LATE_CHANGE in content
    assert NOT_PUBLISHED_YET not in content
    assert (
        NOT_PUBLISHED_YET
        not in client_for(editor).get(reverse("bulletin_admin:detail", args=[issue.pk])).content.decode()
    )


def test_the_preview_is_the_email_the_sender_sends(
    issue: BulletinIssue, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _save_unpublished_edit(issue)
    subscription = make_subscriber("alex@example.org", name="Alex")
    preview = client_for(editor).get(reverse("bulletin_admin:preview", args=[issue.pk]))

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.issue_send(issue=issue, actor=editor)

    [sent] = mail.outbox
    assert LATE_CHANGE not in sent.body
    shown = preview.context["preview"]
    assert sent.subject == shown["subject"]
    # The sample subscriber's links carry a token for no one; the rest is the same, word for word.
    assert shown["text"].replace(manage_token(0), manage_token(subscription.pk)) == sent.body
    sent_html = str(sent.alternatives[0].content)
    shown_html = str(shown["html"]).replace(manage_token(0), manage_token(subscription.pk))
    assert shown_html in sent_html
    assert "Unsubscribe from the bulletin" in shown_html  # the email's own footer, not a web page


def test_a_campaigner_is_told_to_ask_an_editor(issue: BulletinIssue, campaigner: Any) -> None:
    _save_unpublished_edit(issue)
    content = _preview(campaigner, issue)
    assert NOT_PUBLISHED_YET in content
    assert "Ask an editor to publish them." in content
    assert reverse("wagtailadmin_pages:edit", args=[issue.pk]) not in content


def test_an_issue_that_is_not_published_shows_no_email(editor: Any) -> None:
    issue = make_issue(make_index(), publish=False)
    content = _preview(editor, issue)
    assert "This issue is not published, so it cannot be sent." in content
    assert "Plain text version" not in content
    assert "Hello from the network." not in content


def test_no_notice_once_sending_has_started(issue: BulletinIssue, editor: Any) -> None:
    lifecycle.issue_send(issue=issue, actor=editor)
    _save_unpublished_edit(issue)
    assert NOT_PUBLISHED_YET not in _preview(editor, issue)


def test_what_editors_write_is_shown_as_text_in_both_versions(issue: BulletinIssue, editor: Any) -> None:
    _save_unpublished_edit(issue, intro="<script>alert(1)</script> & more")
    issue.get_latest_revision().publish()
    content = _preview(editor, issue)
    assert "<script>alert(1)</script>" not in content
    assert content.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more") == 2


def test_a_sent_issue_unpublished_later_says_there_is_nothing_to_show(editor: Any) -> None:
    issue = make_issue(make_index(), status="sent")
    BulletinIssue.objects.get(pk=issue.pk).unpublish()
    content = _preview(editor, issue)
    assert "This issue is no longer published, so there is no email to show." in content
    assert "Plain text version" not in content

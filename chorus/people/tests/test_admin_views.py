"""The staff privacy-request screen: administrators only, audited, sends the self-service link,
and answers the same whether or not Chorus holds data for the address."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings

from chorus.accounts.models import User
from chorus.core.models import AuditEvent
from chorus.core.tests.keys import keys_on
from chorus.people.models import PrivacyLink
from chorus.people.tests.factories import make_person
from conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/admin/people/privacy-request/"


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Client().post(URL, {"email": "x@example.org"}).status_code == 302
    assert not AuditEvent.objects.filter(action="people.privacy_link.requested").exists()


@pytest.mark.parametrize("persona", ["editor", "campaigner", "caseworker", "grants_officer"])
def test_other_roles_are_refused(persona: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(persona)
    make_person("rowan@example.org")
    client = client_for(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"email": "rowan@example.org"}).status_code == 403
    assert not PrivacyLink.objects.exists()
    assert not AuditEvent.objects.filter(action="people.privacy_link.requested").exists()


def _send(client: Client, email: str, capture: Any) -> str:
    """Post the address, follow the redirect, and return the page the administrator sees."""
    with capture(execute=True):
        response = client.post(URL, {"email": email})
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL)
    assert page.status_code == 200
    return page.content.decode()


def _result(page: str) -> str:
    """The message after sending: the part of the page that could differ between addresses."""
    start = page.index('<div class="messages"')
    return page[start : page.index("</ul>", start)]


def test_the_administrator_sees_the_same_answer_whether_or_not_data_is_held(
    administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    make_person("rowan@example.org")
    client = client_for(administrator)
    page = client.get(URL)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    known = _send(client, "rowan@example.org", django_capture_on_commit_callbacks)
    unknown = _send(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert _result(known) == _result(unknown)
    assert "If Chorus holds data for that address" in _result(known)
    for text in (known, unknown):
        assert "hold no data for that address." in text  # only in "What to tell them"
        assert "rowan@example.org" not in text and "nobody@example.org" not in text  # not left on screen
    # Only the known address gets an email; the person finds out, the administrator does not.
    assert [email.to for email in mail.outbox] == [["rowan@example.org"]]


def test_each_link_sent_is_audited_under_the_administrator_without_saying_what_was_found(
    administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    make_person("rowan@example.org")
    client = client_for(administrator)
    _send(client, "rowan@example.org", django_capture_on_commit_callbacks)
    _send(client, "nobody@example.org", django_capture_on_commit_callbacks)
    events = AuditEvent.objects.filter(action="people.privacy_link.requested").order_by("id")
    shapes = [(event.actor, event.object_type, event.object_id, event.screen, event.data) for event in events]
    assert shapes == [(administrator, "", "", URL, {"via": "staff"})] * 2


@override_settings(CHORUS_PRIVACY_LINK_MINUTES=20)
def test_the_screen_and_the_email_give_the_link_lifetime_from_the_setting(
    administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    make_person("rowan@example.org")
    client = client_for(administrator)
    form_page = client.get(URL).content.decode()
    assert "for 20 minutes" in form_page and "an hour" not in form_page
    page = _send(client, "rowan@example.org", django_capture_on_commit_callbacks)
    assert "for 20 minutes" in _result(page)
    assert "20 minutes" in mail.outbox[0].body


def test_a_bad_address_is_refused_with_the_answer_kept_and_nothing_sent(administrator: User) -> None:
    response = client_for(administrator).post(URL, {"email": "not-an-address"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Privacy requests" in content
    assert "Enter an email address in the correct format" in content
    assert 'value="not-an-address"' in content
    assert 'aria-describedby="id_email_error"' in content
    assert mail.outbox == [] and not AuditEvent.objects.filter(action="people.privacy_link.requested").exists()


def test_sending_twice_from_one_page_sends_one_link(
    administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    # A double click, or the page sent again after Back: one link, one audit entry.
    make_person("rowan@example.org")
    client = client_for(administrator)
    [key] = keys_on(client.get(URL).content)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, {"email": "rowan@example.org", "submission_key": key})
        assert response.status_code == 302 and response["Location"] == URL
    assert [email.to for email in mail.outbox] == [["rowan@example.org"]]
    assert PrivacyLink.objects.count() == 1
    assert AuditEvent.objects.filter(action="people.privacy_link.requested").count() == 1
    assert "If Chorus holds data for that address" in client.get(URL).content.decode()
    # Another address typed on the same page is another request.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"email": "someone-else@example.org", "submission_key": key})
    assert AuditEvent.objects.filter(action="people.privacy_link.requested").count() == 2


def test_a_page_shown_again_with_errors_keeps_its_key(administrator: User) -> None:
    client = client_for(administrator)
    [key] = keys_on(client.get(URL).content)
    again = client.post(URL, {"email": "not an address", "submission_key": key})
    assert again.status_code == 400
    assert keys_on(again.content) == [key]

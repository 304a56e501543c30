"""Password-reset emails go through the outbox, built as they are sent (issue 20).

The request stores one outbox row holding the typed address, encrypted, and no token;
the outbox's run finds the accounts and makes each a fresh link with Django's token
generator, in Wagtail's own email. An unknown address gets the same screen and no email.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm
from django.core import mail
from django.db import connection
from django.test import Client

from chorus.accounts.models import PASSWORD_RESET_EMAIL, User
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.core.outbox import outbox_send
from chorus.core.tests.dump import database_dump
from chorus.core.tests.keys import keys_on

pytestmark = pytest.mark.django_db

URL = "/admin/password_reset/"
DONE = "/admin/password_reset/done/"
RESET_LINK = re.compile(r"https?://[^/\s]+(/admin/password_reset/confirm/([^/\s]+)/([^/\s]+)/)")
NEW_PASSWORD = "a-fresh-and-long-passphrase-42"


@pytest.fixture(autouse=True)
def _never_sent_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django's form must not send anything itself: every email goes through the outbox."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("PasswordResetForm.send_mail was called")

    monkeypatch.setattr(PasswordResetForm, "send_mail", refuse)


def _ask(client: Client, email: str, **extra: str) -> Any:
    return client.post(URL, {"email": email, **extra})


def test_the_reset_email_goes_through_the_outbox_and_its_link_works(administrator: User) -> None:
    client = Client()
    response = _ask(client, administrator.email)
    assert response.status_code == 302 and response["Location"] == DONE
    assert mail.outbox == []  # nothing sent in the request: the outbox sends it
    row = OutboxMessage.objects.get(kind=PASSWORD_RESET_EMAIL)
    assert row.user_id is None and row.payload == ""  # no account named, no token stored
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM core_outboxmessage")
        [(stored,)] = cursor.fetchall()
    assert stored.startswith("v1.") and administrator.email not in stored  # the typed address, encrypted

    outbox_send()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    [message] = mail.outbox
    assert message.to == [administrator.email]
    assert message.subject == "Password reset"
    body = str(message.body)
    assert "Please follow the link below to reset your password" in body  # Wagtail's own words
    assert f"Your username (in case you've forgotten): {administrator.username}" in body
    link = RESET_LINK.search(body)
    assert link is not None
    assert link.group(3) not in database_dump()  # the token was made as the email went, and not kept

    opened = client.get(link.group(1))
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")
    set_password = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert set_password.status_code == 302 and set_password["Location"] == "/admin/password_reset/complete/"
    assert authenticate(username=administrator.username, password=NEW_PASSWORD) is not None
    # Used once: the same link no longer works.
    again = Client().get(link.group(1), follow=True)
    assert "new_password1" not in again.content.decode()


def test_an_unknown_address_gets_the_same_screen_and_no_email(administrator: User) -> None:
    known = _ask(Client(), administrator.email)
    unknown = _ask(Client(), "not-staff@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (302, DONE)
    # The same work for both: one outbox row each, looked up only when the outbox runs.
    assert OutboxMessage.objects.filter(kind=PASSWORD_RESET_EMAIL).count() == 2
    outbox_send()
    assert [message.to for message in mail.outbox] == [[administrator.email]]
    assert OutboxMessage.objects.filter(kind=PASSWORD_RESET_EMAIL, status=OutboxStatus.SKIPPED).count() == 1


def test_accounts_that_cannot_reset_get_nothing(administrator: User, editor: User) -> None:
    editor.set_unusable_password()
    editor.save()
    administrator.is_active = False
    administrator.save()
    _ask(Client(), editor.email)
    _ask(Client(), administrator.email)
    outbox_send()
    assert mail.outbox == []


def test_an_address_changed_before_the_email_goes_gets_nothing(administrator: User) -> None:
    _ask(Client(), administrator.email)
    administrator.email = "new-address@chorus.test"
    administrator.save()
    outbox_send()
    assert mail.outbox == []


def test_accounts_sharing_an_address_get_one_email_with_a_link_each(administrator: User) -> None:
    other = User.objects.create_user(username="ada-second", password="another-long-pass", email=administrator.email)
    _ask(Client(), administrator.email.upper())
    outbox_send()
    [message] = mail.outbox
    body = str(message.body)
    links = RESET_LINK.findall(body)
    assert len(links) == 2
    assert administrator.username in body and other.username in body


def test_a_double_click_sends_one_email(administrator: User) -> None:
    client = Client()
    form = client.get(URL)
    [key] = keys_on(form.content)
    assert 'name="submission_key"' in form.content.decode() and "Submission key" not in form.content.decode()
    first = _ask(client, administrator.email, submission_key=key)
    second = _ask(client, administrator.email, submission_key=key)
    assert first["Location"] == second["Location"] == DONE
    outbox_send()
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.filter(kind=PASSWORD_RESET_EMAIL).count() == 1

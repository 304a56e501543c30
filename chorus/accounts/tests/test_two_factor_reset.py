"""Resetting someone's second factor from the admin: who may, the confirmation, audit and email."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts.models import User
from chorus.accounts.services import two_factor_reset
from chorus.core.models import AuditEvent
from chorus.core.tests.keys import keys_on
from conftest import client_for

pytestmark = pytest.mark.django_db

RESET_LABEL = "Reset two-factor sign-in"


def reset_url(user: User) -> str:
    return f"/admin/users/reset-two-factor/{user.pk}/"


@pytest.fixture
def superuser(roles: None) -> User:
    return User.objects.create_superuser("sam-superuser", "sam@chorus.test", "correct-horse-battery")


@pytest.fixture
def lost_phone(caseworker: User) -> User:
    """A caseworker with an authenticator app and backup codes."""
    TOTPDevice.objects.create(user=caseworker, name="phone", confirmed=True)
    backup = StaticDevice.objects.create(user=caseworker, name="backup codes")
    StaticToken.objects.create(device=backup, token="12345678")
    return caseworker


def test_anonymous_is_sent_to_sign_in(lost_phone: User) -> None:
    response = Client().get(reset_url(lost_phone))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("persona", ["editor", "campaigner", "caseworker", "grants_officer"])
def test_roles_without_account_management_are_refused(
    persona: str, lost_phone: User, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reset_url(lost_phone)).status_code == 403
    assert client.post(reset_url(lost_phone), {"checked": "on"}).status_code == 403
    assert TOTPDevice.objects.filter(user=lost_phone, name="phone").exists()
    assert not AuditEvent.objects.filter(action="accounts.two_factor.reset").exists()


def test_an_administrator_confirms_then_resets_audited_and_emailed(
    administrator: User, lost_phone: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(administrator)
    page = client.get(reset_url(lost_phone))
    assert page.status_code == 200
    body = page.content.decode()
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    assert "Check it is really them who asked" in body and 'type="checkbox"' in body

    # The confirmation box must be ticked: an error summary and the field's error, device kept.
    refused = client.post(reset_url(lost_phone), {})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "<title>Error: " in text and 'id="error-summary"' in text
    assert 'href="#id_checked"' in text and 'aria-describedby="id_checked_helptext id_checked_error"' in text
    assert TOTPDevice.objects.filter(user=lost_phone, name="phone").exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reset_url(lost_phone), {"checked": "on"})
    assert done.status_code == 302 and done["Location"] == "/admin/users/"
    assert not TOTPDevice.objects.filter(user=lost_phone, name="phone").exists()
    assert not StaticDevice.objects.filter(user=lost_phone).exists()
    event = AuditEvent.objects.get(action="accounts.two_factor.reset")
    assert event.actor == administrator and event.object_id == str(lost_phone.pk)
    assert event.data == {"devices": 2} and event.screen == reset_url(lost_phone)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lost_phone.email]
    assert "reset" in message.subject
    assert administrator.username in message.body and "did not ask for this" in message.body
    assert "12345678" not in message.body


def test_after_a_reset_they_set_up_again_even_if_signed_in_now(administrator: User, lost_phone: User) -> None:
    signed_in = client_for(lost_phone)  # verified with the phone that is about to go
    assert signed_in.get("/admin/").status_code == 200
    two_factor_reset(user=lost_phone, actor=administrator, screen="test")
    assert signed_in.get("/admin/")["Location"].startswith("/admin/two-factor/setup/")
    client = Client()
    client.force_login(lost_phone)
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/setup/")


def test_nobody_resets_their_own(administrator: User) -> None:
    client = client_for(administrator)  # enrols a device for them
    page = client.get(reset_url(administrator))
    assert page.status_code == 403
    assert "cannot reset your own" in page.content.decode()
    assert client.post(reset_url(administrator), {"checked": "on"}).status_code == 403
    assert TOTPDevice.objects.filter(user=administrator).exists()
    with pytest.raises(PermissionDenied):
        two_factor_reset(user=administrator, actor=administrator, screen="test")


def test_an_administrator_cannot_reset_a_superuser(
    administrator: User, superuser: User, django_capture_on_commit_callbacks: Any
) -> None:
    TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reset_url(superuser), {"checked": "on"})
    assert page.status_code == 403 and "Only a superuser" in page.content.decode()
    assert TOTPDevice.objects.filter(user=superuser).exists()
    with pytest.raises(PermissionDenied):
        two_factor_reset(user=superuser, actor=administrator, screen="test")
    assert not AuditEvent.objects.filter(action="accounts.two_factor.reset").exists()
    assert mail.outbox == []


def test_a_superuser_can_reset_another_superuser(superuser: User) -> None:
    other = User.objects.create_superuser("other-super", "other@chorus.test", "correct-horse-battery")
    TOTPDevice.objects.create(user=other, name="phone", confirmed=True)
    assert client_for(superuser).post(reset_url(other), {"checked": "on"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=other).exists()


def test_nothing_to_reset_says_so_and_changes_nothing(
    administrator: User, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(administrator)
    page = client.get(reset_url(editor))
    assert page.status_code == 200 and "nothing to reset" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reset_url(editor), {"checked": "on"}).status_code == 200
    assert not AuditEvent.objects.filter(action="accounts.two_factor.reset").exists()
    assert mail.outbox == []


def test_the_reset_is_offered_only_where_it_is_allowed(administrator: User, lost_phone: User, superuser: User) -> None:
    client = client_for(administrator)
    edit_page = client.get(f"/admin/users/edit/{lost_phone.pk}/").content.decode()
    assert reset_url(lost_phone) in edit_page and RESET_LABEL in edit_page
    assert reset_url(administrator) not in client.get(f"/admin/users/edit/{administrator.pk}/").content.decode()
    listing = client.get("/admin/users/").content.decode()
    assert reset_url(lost_phone) in listing
    assert reset_url(administrator) not in listing and reset_url(superuser) not in listing


def test_the_server_command_uses_the_same_service(lost_phone: User, django_capture_on_commit_callbacks: Any) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reset_two_factor", lost_phone.username, stdout=out)
    assert "Removed 2 device(s)" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=lost_phone).exists()
    event = AuditEvent.objects.get(action="accounts.two_factor.reset")
    assert event.actor is None and event.screen == "manage.py reset_two_factor"
    assert len(mail.outbox) == 1 and "whoever runs the server" in mail.outbox[0].body
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "nobody")


def test_the_verify_page_says_who_can_reset(lost_phone: User, superuser: User) -> None:
    client = Client()
    client.force_login(lost_phone)
    assert "Ask an administrator to reset" in client.get("/admin/two-factor/verify/").content.decode()
    TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    client.force_login(superuser)
    assert (
        "Ask another superuser, or whoever runs the server" in client.get("/admin/two-factor/verify/").content.decode()
    )


@pytest.mark.parametrize("bad", ["9999999999999999999999999", "²", "0"])
def test_an_id_no_account_can_have_is_a_404(administrator: User, bad: str) -> None:
    assert client_for(administrator).get(f"/admin/users/reset-two-factor/{bad}/").status_code == 404


def test_a_double_click_resets_once_emails_once_and_answers_both_alike(
    administrator: User, lost_phone: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(administrator)
    [key] = keys_on(client.get(reset_url(lost_phone)).content)
    responses = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(client.post(reset_url(lost_phone), {"checked": "on", "submission_key": key}))
    # The second press gets the first one's answer, not "nothing to reset".
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, "/admin/users/"), (302, "/admin/users/")]
    assert AuditEvent.objects.filter(action="accounts.two_factor.reset").count() == 1
    assert [message.to for message in mail.outbox] == [[lost_phone.email]]


def test_a_confirmation_page_shown_again_with_errors_keeps_its_key(administrator: User, lost_phone: User) -> None:
    client = client_for(administrator)
    [key] = keys_on(client.get(reset_url(lost_phone)).content)
    refused = client.post(reset_url(lost_phone), {"submission_key": key})
    assert "<title>Error: " in refused.content.decode()
    assert keys_on(refused.content) == [key]

"""Two-factor sign-in for roles that see personal data; lock-out; idle expiry."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts.models import User
from chorus.core.models import AuditEvent
from conftest import client_for

pytestmark = pytest.mark.django_db

ADMIN_HOME = "/admin/"


def _signed_in_without_second_factor(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _wait_out_the_throttle(device: TOTPDevice) -> None:
    # django-otp slows guessing: after a wrong code the next try must wait (1 s, then 2 s, 4 s...).
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)


@pytest.mark.parametrize("persona", ["editor", "campaigner", "caseworker", "grants_officer", "administrator"])
def test_every_staff_role_is_sent_to_set_up_two_factor(persona: str, request: pytest.FixtureRequest) -> None:
    # Editors too: they can send the bulletin to every subscriber, so a phished password
    # alone must not let anyone do that.
    user = request.getfixturevalue(persona)
    response = _signed_in_without_second_factor(user).get(ADMIN_HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts_two_factor_setup"))
    assert _signed_in_without_second_factor(user).get("/admin/bulletin/").status_code == 302


def test_setup_shows_a_qr_code_and_the_secret_and_enrols_with_a_code(campaigner: User) -> None:
    client = _signed_in_without_second_factor(campaigner)
    page = client.get(reverse("accounts_two_factor_setup") + "?next=/admin/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "totp-secret" in body
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=campaigner)
    assert not device.confirmed

    wrong = client.post(reverse("accounts_two_factor_setup"), {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200 and "did not match" in wrong.content.decode()
    # The error is where the input's aria-describedby points, and the title says so.
    assert 'aria-describedby="id_token_error"' in wrong.content.decode()
    assert wrong.content.decode().count('id="id_token_error"') == 1
    assert "<title>Error: " in wrong.content.decode()
    _wait_out_the_throttle(device)

    right = client.post(reverse("accounts_two_factor_setup"), {"token": _code(device), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN_HOME).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.two_factor.enrolled", object_id=str(campaigner.pk)).exists()


def test_an_enrolled_user_must_enter_a_code_at_each_sign_in(caseworker: User) -> None:
    device = TOTPDevice.objects.create(user=caseworker, name="phone", confirmed=True)
    client = _signed_in_without_second_factor(caseworker)
    response = client.get("/admin/pages/")
    assert response["Location"].startswith(reverse("accounts_two_factor_verify"))

    bad = client.post(reverse("accounts_two_factor_verify"), {"token": "12ab56", "next": "/admin/pages/"})
    assert "digits only" in bad.content.decode()
    assert client.get(ADMIN_HOME).status_code == 302
    failed = client.post(reverse("accounts_two_factor_verify"), {"token": "000000", "next": "/admin/"})
    assert failed.status_code == 200
    assert AuditEvent.objects.filter(action="accounts.two_factor.failed").count() == 1
    _wait_out_the_throttle(device)

    ok = client.post(reverse("accounts_two_factor_verify"), {"token": _code(device), "next": "https://evil.test/"})
    assert ok.status_code == 302 and ok["Location"] == ADMIN_HOME  # never an outside address
    assert client.get(ADMIN_HOME).status_code == 200


def test_client_for_passes_the_second_factor(administrator: User) -> None:
    assert client_for(administrator).get(ADMIN_HOME).status_code == 200


def test_the_two_factor_pages_need_a_signed_in_user() -> None:
    response = Client().get(reverse("accounts_two_factor_setup"))
    assert response.status_code == 302 and "login" in response["Location"]


@override_settings(AXES_ENABLED=True)
def test_five_failed_sign_ins_lock_the_account_out(caseworker: User) -> None:
    client = Client(REMOTE_ADDR="192.0.2.10")
    login = reverse("wagtailadmin_login")
    for _ in range(5):
        response = client.post(login, {"username": caseworker.username, "password": "wrong-password-here"})
    assert response.status_code == 429
    locked = client.post(login, {"username": caseworker.username, "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_a_right_password_before_the_limit_signs_in(caseworker: User) -> None:
    client = Client(REMOTE_ADDR="192.0.2.11")
    login = reverse("wagtailadmin_login")
    for _ in range(3):
        client.post(login, {"username": caseworker.username, "password": "wrong-password-here"})
    response = client.post(login, {"username": caseworker.username, "password": "correct-horse-battery"})
    assert response.status_code == 302


def test_staff_sessions_end_after_an_hour_idle(administrator: User, settings: Any) -> None:
    with time_machine.travel("2026-01-05 09:00 +0000", tick=False) as traveller:
        client = client_for(administrator)
        assert client.get(ADMIN_HOME).status_code == 200
        traveller.shift(settings.SESSION_COOKIE_AGE - 60)
        assert client.get(ADMIN_HOME).status_code == 200  # activity keeps it alive
        traveller.shift(settings.SESSION_COOKIE_AGE + 60)
        response = client.get(ADMIN_HOME)
        assert response.status_code == 302 and "login" in response["Location"]


def test_an_administrator_can_reset_a_lost_authenticator(caseworker: User) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    TOTPDevice.objects.create(user=caseworker, name="phone", confirmed=True)
    out = StringIO()
    call_command("reset_two_factor", caseworker.username, stdout=out)
    assert "Removed 1 device" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor.reset", object_id=str(caseworker.pk)).exists()
    response = _signed_in_without_second_factor(caseworker).get(ADMIN_HOME)
    assert response["Location"].startswith(reverse("accounts_two_factor_setup"))
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "nobody")


def test_public_pages_do_not_ask_for_the_second_factor(caseworker: User) -> None:
    response = _signed_in_without_second_factor(caseworker).get(reverse("people:privacy"))
    assert response.status_code == 200

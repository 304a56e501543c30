"""Sign-in lock-outs that a stranger cannot turn against staff, and password-reset limits.

django-axes is off in the test settings; these tests turn it on. "The proxy" is the
reverse proxy in front of the app: with CHORUS_TRUST_X_REAL_IP it passes the client's
address in X-Real-IP, and every request arrives from the proxy's own address.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.outbox import outbox_send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

PROXY = "10.0.0.2"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def axes_on() -> Any:
    with override_settings(AXES_ENABLED=True):
        yield


def _sign_in(username: str, password: str, *, address: str, proxied: bool = False) -> Any:
    """One sign-in from a fresh browser at the address (through the proxy if ``proxied``)."""
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=address) if proxied else Client(REMOTE_ADDR=address)
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password})


def _guess_made_up_usernames(count: int, *, address: str, proxied: bool = False, start: int = 0) -> None:
    for number in range(start, start + count):
        assert _sign_in(f"nobody-{number}", "wrong-password-here", address=address, proxied=proxied).status_code == 200


def test_guesses_at_made_up_usernames_do_not_lock_staff_out_from_elsewhere(administrator: User, settings: Any) -> None:
    # Every request reaches the app from the proxy: axes used to lock that one address out.
    settings.CHORUS_TRUST_X_REAL_IP = True
    _guess_made_up_usernames(5, address="203.0.113.5", proxied=True)
    assert _sign_in(administrator.username, PASSWORD, address="198.51.100.7", proxied=True).status_code == 302


def test_below_the_address_limit_staff_still_sign_in_from_the_same_address(administrator: User) -> None:
    _guess_made_up_usernames(5, address="192.0.2.30")
    assert _sign_in(administrator.username, PASSWORD, address="192.0.2.30").status_code == 302


def test_failures_for_one_username_lock_out_that_username_from_that_address_only(administrator: User) -> None:
    for _ in range(5):
        _sign_in(administrator.username, "wrong-password-here", address="192.0.2.31")
    locked = _sign_in(administrator.username, PASSWORD, address="192.0.2.31")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session
    # From anywhere else, the right password still works: guessing cannot lock staff out.
    assert _sign_in(administrator.username, PASSWORD, address="198.51.100.8").status_code == 302


@override_settings(CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT=12)
def test_many_failures_from_one_address_lock_every_username_out_from_there(administrator: User) -> None:
    _guess_made_up_usernames(11, address="192.0.2.32")
    assert _sign_in(administrator.username, PASSWORD, address="192.0.2.32").status_code == 302
    # The twelfth failure from there is answered with the lock-out page at once.
    assert _sign_in("nobody-11", "wrong-password-here", address="192.0.2.32").status_code == 429
    with time_machine.travel(timedelta(minutes=59)):
        assert _sign_in(administrator.username, PASSWORD, address="192.0.2.32").status_code == 429
        assert _sign_in(administrator.username, PASSWORD, address="198.51.100.9").status_code == 302
    with time_machine.travel(timedelta(minutes=61)):
        assert _sign_in(administrator.username, PASSWORD, address="192.0.2.32").status_code == 302


def test_the_address_limit_defaults_to_fifty_and_the_pair_limit_to_five(settings: Any) -> None:
    assert settings.CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT == 50
    assert settings.CHORUS_SIGN_IN_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_x_real_ip_is_ignored_unless_the_proxy_is_trusted(administrator: User, settings: Any) -> None:
    settings.CHORUS_TRUST_X_REAL_IP = False
    # A header anyone can send: made up afresh for each guess, it must not dodge the lock.
    for number in range(5):
        _sign_in(administrator.username, "wrong-password-here", address=f"203.0.113.{number}", proxied=True)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}
    assert _sign_in(administrator.username, PASSWORD, address="203.0.113.99", proxied=True).status_code == 429


def test_x_real_ip_is_the_client_address_behind_a_trusted_proxy(administrator: User, settings: Any) -> None:
    settings.CHORUS_TRUST_X_REAL_IP = True
    for _ in range(5):
        _sign_in(administrator.username, "wrong-password-here", address="203.0.113.20", proxied=True)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.20"}
    assert _sign_in(administrator.username, PASSWORD, address="203.0.113.20", proxied=True).status_code == 429
    assert _sign_in(administrator.username, PASSWORD, address="203.0.113.21", proxied=True).status_code == 302


def _reset(email: str, *, address: str) -> Any:
    return Client(REMOTE_ADDR=address).post(reverse("wagtailadmin_password_reset"), {"email": email})


def test_password_resets_are_limited_per_client_address(administrator: User) -> None:
    for number in range(10):
        assert _reset(f"someone-{number}@example.org", address="192.0.2.40").status_code == 302
    refused = _reset(administrator.email, address="192.0.2.40")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "too many requests to reset a password" in body
    assert 'id="error-summary"' in body and "<title>Error: " in body
    outbox_send()  # reset emails go through the outbox
    assert mail.outbox == []
    assert _reset(administrator.email, address="198.51.100.40").status_code == 302
    outbox_send()
    assert len(mail.outbox) == 1


def test_password_resets_are_limited_per_email_address_without_telling_who_has_an_account(
    administrator: User,
) -> None:
    unknown = "not-staff@example.org"
    for number in range(3):
        assert _reset(administrator.email, address=f"192.0.2.{50 + number}").status_code == 302
        assert _reset(unknown, address=f"192.0.2.{60 + number}").status_code == 302
    outbox_send()  # reset emails go through the outbox
    assert len(mail.outbox) == 3  # only the account holder is ever emailed

    for_staff = _reset(administrator.email, address="198.51.100.50")
    for_nobody = _reset(unknown, address="198.51.100.51")
    assert for_staff.status_code == for_nobody.status_code == 429
    message = "too many requests to reset a password from here, or for this email address"
    assert message in for_staff.content.decode() and message in for_nobody.content.decode()
    outbox_send()
    assert len(mail.outbox) == 3

"""A staff session ends STAFF_SESSION_MAX_SECONDS after sign-in, however busy it is kept."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.accounts.sessions import SIGNED_IN_AT
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_default_is_twelve_hours(settings: Any) -> None:
    assert settings.STAFF_SESSION_MAX_SECONDS == 12 * 60 * 60


def test_a_page_that_polls_cannot_keep_a_session_alive_for_ever(administrator: User, settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE < settings.STAFF_SESSION_MAX_SECONDS
    with time_machine.travel("2026-01-05 09:00 +0000", tick=False) as clock:
        client = client_for(administrator)
        elapsed = timedelta()
        # Like the bulletin's progress page: a request every ten minutes, well inside the idle timeout.
        while elapsed < timedelta(seconds=settings.STAFF_SESSION_MAX_SECONDS - 600):
            assert client.get("/admin/").status_code == 200, f"signed out after {elapsed}"
            clock.shift(timedelta(minutes=10))
            elapsed += timedelta(minutes=10)
        clock.shift(timedelta(minutes=10))
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
        assert "_auth_user_id" not in client.session
        login_page = client.get(response["Location"])
        assert "staff sign in again every 12 hours" in login_page.content.decode()


def test_signing_in_again_starts_a_new_session_clock(caseworker: User, settings: Any) -> None:
    with time_machine.travel("2026-01-05 09:00 +0000", tick=False) as clock:
        client = Client()
        login = reverse("wagtailadmin_login")
        credentials = {"username": caseworker.username, "password": "correct-horse-battery"}
        assert client.post(login, credentials).status_code == 302
        assert client.session[SIGNED_IN_AT] == int(time.time())
        clock.shift(timedelta(seconds=settings.STAFF_SESSION_MAX_SECONDS + 1))
        client.get("/admin/")
        assert "_auth_user_id" not in client.session
        assert client.post(login, credentials).status_code == 302
        assert client.session[SIGNED_IN_AT] == int(time.time())


def test_a_session_without_a_sign_in_time_is_ended(editor: User) -> None:
    client = client_for(editor)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session

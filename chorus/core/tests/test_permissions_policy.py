"""Every response says which browser features its page may use: none but passkeys, for the site itself."""

from __future__ import annotations

import pytest
from django.test import Client

from chorus.accounts.models import User
from chorus.core.permissions_policy import PERMISSIONS_POLICY
from chorus.pages.tests.factories import make_site
from conftest import client_for

pytestmark = pytest.mark.django_db


def _policy(header: str) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in header.split(","))


def test_the_policy_denies_sensors_and_payment_and_keeps_passkeys_for_the_site() -> None:
    policy = _policy(PERMISSIONS_POLICY)
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert policy[feature] == "()"
    assert policy["publickey-credentials-get"] == "(self)"
    assert policy["publickey-credentials-create"] == "(self)"


@pytest.mark.parametrize("path", ["/", "/robots.txt", "/healthz/", "/no-such-page/", "/admin/login/"])
def test_every_response_carries_the_header(path: str) -> None:
    make_site()
    response = Client().get(path)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_a_page_served_from_the_page_cache_carries_it_too() -> None:
    make_site()
    first = Client().get("/")
    again = Client().get("/")
    assert first.status_code == again.status_code == 200
    assert again["Permissions-Policy"] == PERMISSIONS_POLICY


def test_staff_admin_pages_carry_it(editor: User) -> None:
    response = client_for(editor).get("/admin/")
    assert response.status_code == 200
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY

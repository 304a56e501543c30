"""Staff passkeys in a real browser: registered and used through Chromium's virtual
authenticator (no phone or security key), by keyboard, with axe on every page; and the
pages that refuse sign-in and password resets when there have been too many."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page

from chorus.core.models import AuditEvent
from e2e.conftest import assert_accessible, assert_reflows, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def _virtual_authenticator(page: Page) -> None:
    """A platform authenticator that says yes at once, as a phone's fingerprint reader would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def _password_step(page: Page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")


def test_staff_register_a_passkey_and_sign_in_with_it(
    page: Page, live_server: Any, editor: Any, settings: Any
) -> None:
    base = live_server.url  # http://localhost:<port>: passkeys need a host name, not 127.0.0.1
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base]
    _virtual_authenticator(page)

    # An Editor too is sent to set up a second factor after the password.
    _password_step(page, base, editor.username)
    page.wait_for_url("**/admin/two-factor/setup/**")
    add = page.get_by_role("button", name="Add a passkey")
    add.wait_for()
    assert page.locator("#totp-secret").is_visible()  # the authenticator app is still offered
    assert_accessible(page)
    assert_reflows(page)
    tab_to(page, "#passkey-register-button")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/admin/")
    assert WebAuthnCredential.objects.filter(user=editor).count() == 1
    assert AuditEvent.objects.filter(action="accounts.two_factor.enrolled", data={"method": "passkey"}).exists()

    # Next sign-in: the password, then the passkey instead of a code.
    page.context.clear_cookies()
    _password_step(page, base, editor.username)
    page.wait_for_url("**/admin/two-factor/verify/**")
    page.get_by_role("button", name="Use my passkey").wait_for()
    assert_accessible(page)
    tab_to(page, "#passkey-verification-button")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/admin/")
    assert page.locator("#main").is_visible()
    assert AuditEvent.objects.filter(action="accounts.two_factor.verified", data={"method": "passkey"}).exists()


def test_the_set_up_page_without_javascript_offers_the_authenticator_app(
    browser: Any, live_server: Any, caseworker: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _password_step(page, live_server.url, caseworker.username)
        page.wait_for_url("**/admin/two-factor/setup/**")
        body = page.locator("main").inner_text()
        assert "Passkeys work only at Chorus's own address" in body or "Passkeys need JavaScript" in body
        assert page.locator("#id_token").is_visible()
    finally:
        context.close()


def test_the_lock_out_and_password_reset_limit_pages_are_accessible(
    page: Page, live_server: Any, administrator: Any, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    base = live_server.url
    for _ in range(5):
        page.goto(base + "/admin/login/")
        page.fill("#id_username", administrator.username)
        page.fill("#id_password", "wrong-password-here")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.get_by_role("heading", name="Sign-in paused for an hour").wait_for()
    assert_accessible(page)

    settings.CHORUS_PASSWORD_RESET_ADDRESS_LIMIT = 1
    for _ in range(2):
        page.goto(base + "/admin/password_reset/")
        page.fill("#id_email", administrator.email)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.locator("#error-summary").wait_for()
    assert "too many requests to reset a password" in page.locator("main").inner_text()
    assert_accessible(page)

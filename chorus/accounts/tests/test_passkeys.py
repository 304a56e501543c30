"""Passkeys (WebAuthn) as a second factor beside the authenticator app and backup codes.

The server's side runs for real against a passkey made in software (soft_authenticator);
e2e/test_passkeys.py does the same through Chromium's virtual authenticator.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from chorus.accounts.models import User
from chorus.accounts.services import two_factor_reset
from chorus.accounts.tests.soft_authenticator import SoftPasskey
from chorus.core.models import AuditEvent

pytestmark = pytest.mark.django_db

# The embedded default's SITE_URL is http://127.0.0.1:8000; passkeys belong to the same
# server's host name (config/settings/base.py), which the test client asks for here.
ORIGIN = "http://localhost:8000"


def _signed_in(user: User) -> Client:
    """A session after the password step only, at the address passkeys belong to."""
    client = Client(HTTP_HOST="localhost:8000")
    client.force_login(user)
    return client


def _post_json(client: Client, name: str, body: Any = None, query: str = "") -> Any:
    return client.post(
        reverse(f"otp_webauthn:{name}") + query, json.dumps(body or {}), content_type="application/json"
    )


def _register(client: Client, passkey: SoftPasskey) -> Any:
    options = _post_json(client, "credential-registration-begin").json()
    return _post_json(client, "credential-registration-complete", passkey.create(options))


def _verify(client: Client, passkey: SoftPasskey, next_path: str = "") -> Any:
    options = _post_json(client, "credential-authentication-begin").json()
    query = f"?next={next_path}" if next_path else ""
    return _post_json(client, "credential-authentication-complete", passkey.get(options), query)


def test_the_relying_party_comes_from_site_url(settings: Any) -> None:
    assert settings.OTP_WEBAUTHN_RP_ID == "localhost"  # the demo's 127.0.0.1, which browsers refuse
    assert settings.OTP_WEBAUTHN_ALLOWED_ORIGINS == [ORIGIN]
    assert settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False


def test_an_editor_registers_a_passkey_on_the_set_up_page_and_is_through(editor: User) -> None:
    client = _signed_in(editor)
    page = client.get(reverse("accounts_two_factor_setup") + "?next=/admin/pages/")
    body = page.content.decode()
    assert 'id="passkey-register-button"' in body and 'id="otp_webauthn_config"' in body
    # The scripts come from our own static files, and nothing runs inline.
    assert '/static/django_otp_webauthn/otp_webauthn_register.js"' in body
    assert '/static/js/passkey-setup.js"' in body
    assert "<script>" not in body
    assert 'id="totp-secret"' in body  # the authenticator app stays on offer beside it

    options = _post_json(client, "credential-registration-begin").json()
    assert options["rp"] == {"name": "Chorus", "id": "localhost"}
    response = _post_json(client, "credential-registration-complete", SoftPasskey(origin=ORIGIN).create(options))
    assert response.status_code == 200, response.content
    credential = WebAuthnCredential.objects.get(user=editor)
    assert response.json() == {"id": credential.pk}
    assert client.get("/admin/").status_code == 200  # registering counts as the second step
    event = AuditEvent.objects.get(action="accounts.two_factor.enrolled")
    assert event.object_id == str(editor.pk) and event.data == {"method": "passkey"}


def test_signing_in_with_the_passkey_passes_the_second_step(campaigner: User) -> None:
    passkey = SoftPasskey(origin=ORIGIN)
    assert _register(_signed_in(campaigner), passkey).status_code == 200

    client = _signed_in(campaigner)
    redirect = client.get("/admin/pages/")
    assert redirect["Location"].startswith(reverse("accounts_two_factor_verify"))
    page = client.get(redirect["Location"])
    body = page.content.decode()
    assert 'id="passkey-verification-button"' in body
    assert '/static/django_otp_webauthn/otp_webauthn_auth.js"' in body
    assert 'name="token"' not in body  # a passkey only: no code to type

    response = _verify(client, passkey, next_path="/admin/pages/")
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200
    event = AuditEvent.objects.filter(action="accounts.two_factor.verified").get()
    assert event.data == {"method": "passkey"} and event.object_id == str(campaigner.pk)


def test_the_passkey_step_never_sends_anyone_to_another_site(editor: User) -> None:
    passkey = SoftPasskey(origin=ORIGIN)
    _register(_signed_in(editor), passkey)
    response = _verify(_signed_in(editor), passkey, next_path="https://evil.test/")
    assert response.json()["redirect_url"] == "/admin/"


def test_a_passkey_answer_for_another_address_is_refused_and_recorded(editor: User) -> None:
    passkey = SoftPasskey(origin=ORIGIN)
    _register(_signed_in(editor), passkey)
    client = _signed_in(editor)
    phished = SoftPasskey(origin="https://chorus-login.example", credential_id=passkey.credential_id, key=passkey.key)
    response = _verify(client, phished)
    assert response.status_code >= 400
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.two_factor.failed", data={"method": "passkey"}).exists()


def test_someone_elses_passkey_does_not_pass_my_second_step(editor: User, campaigner: User) -> None:
    theirs = SoftPasskey(origin=ORIGIN)
    _register(_signed_in(campaigner), theirs)
    _register(_signed_in(editor), SoftPasskey(origin=ORIGIN))
    client = _signed_in(editor)
    assert _verify(client, theirs).status_code >= 400
    assert client.get("/admin/").status_code == 302


def test_a_passkey_is_never_a_way_in_without_the_password(editor: User) -> None:
    passkey = SoftPasskey(origin=ORIGIN)
    _register(_signed_in(editor), passkey)
    anonymous = Client(HTTP_HOST="localhost:8000")
    # Wagtail sends anyone not signed in to the password page before either step runs.
    assert _post_json(anonymous, "credential-authentication-begin").status_code == 302
    answer = passkey.get({"rpId": "localhost", "challenge": "AAAA"})
    assert _post_json(anonymous, "credential-authentication-complete", answer).status_code == 302
    assert "_auth_user_id" not in anonymous.session


def test_a_password_alone_cannot_add_a_passkey_to_an_account_with_a_second_factor(caseworker: User) -> None:
    # Otherwise whoever phished the password would add their own passkey and be through.
    TOTPDevice.objects.create(user=caseworker, name="phone", confirmed=True)
    client = _signed_in(caseworker)
    assert client.get(reverse("accounts_two_factor_setup"))["Location"].startswith(
        reverse("accounts_two_factor_verify")
    )
    assert _post_json(client, "credential-registration-begin").status_code == 403
    assert not WebAuthnCredential.objects.exists()


def test_after_the_second_step_staff_may_add_a_passkey_beside_their_app(caseworker: User) -> None:
    from conftest import client_for

    client = client_for(caseworker)
    client.defaults["HTTP_HOST"] = "localhost:8000"
    page = client.get(reverse("accounts_two_factor_setup"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "You already have a second step" in body
    assert 'id="passkey-register-button"' in body and 'id="totp-secret"' not in body
    assert _register(client, SoftPasskey(origin=ORIGIN)).status_code == 200
    assert WebAuthnCredential.objects.filter(user=caseworker).count() == 1


def test_the_verify_page_offers_the_passkey_and_codes_and_names_backup_codes(editor: User) -> None:
    _register(_signed_in(editor), SoftPasskey(origin=ORIGIN))
    backup = StaticDevice.objects.create(user=editor, name="Backup codes")
    StaticToken.objects.create(device=backup, token="12345678")
    client = _signed_in(editor)
    body = client.get(reverse("accounts_two_factor_verify")).content.decode()
    assert 'id="passkey-verification-button"' in body
    assert "Code from your authenticator app, or a backup code" in body
    # No JavaScript: the passkey button never appears, and the code form still works.
    response = client.post(reverse("accounts_two_factor_verify"), {"token": "12345678", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert AuditEvent.objects.get(action="accounts.two_factor.verified").data == {"method": "backup code"}


def test_at_another_address_the_pages_say_where_passkeys_work(editor: User) -> None:
    _register(_signed_in(editor), SoftPasskey(origin=ORIGIN))
    client = Client()  # "testserver": not the address passkeys belong to
    client.force_login(editor)
    body = client.get(reverse("accounts_two_factor_verify")).content.decode()
    assert "passkey-verification-button" not in body
    assert f'href="{ORIGIN}/admin/two-factor/verify/"' in body


def test_resetting_two_factor_removes_passkeys_too(administrator: User, editor: User) -> None:
    _register(_signed_in(editor), SoftPasskey(origin=ORIGIN))
    assert two_factor_reset(user=editor, actor=administrator, screen="test") == 1
    assert not WebAuthnCredential.objects.exists()

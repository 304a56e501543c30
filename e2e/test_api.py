"""The APIs in a real browser: the public API's reference page (served by us, loading nothing
from elsewhere, setting no cookie) and the Administrator's token screens, made and revoked by
keyboard. axe and the Nu HTML Checker on every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from chorus.accounts.models import User
from chorus.api.models import ApiToken, WebhookSubscription
from chorus.pages.tests.factories import make_site
from e2e.conftest import assert_accessible, assert_accessible_in_dark, assert_reflows, sign_in_as_staff, tab_to
from e2e.test_staff_editors import check_screen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def base(live_server: Any) -> str:
    make_site()
    return str(live_server.url)


def test_the_public_api_reference_is_ours_accessible_and_cookie_free(
    page: Page, base: str, outside_requests: list[str]
) -> None:
    page.goto(f"{base}/api/v1/docs")
    assert_accessible(page)
    assert_accessible_in_dark(page)
    assert_reflows(page)
    assert "API reference" in page.inner_text("h1")
    assert "/articles" in page.inner_text("main")
    assert page.context.cookies() == []
    assert outside_requests == []


def test_an_administrator_makes_and_revokes_a_token_by_keyboard(page: Page, base: str, administrator: User) -> None:
    sign_in_as_staff(page, administrator, base)
    check_screen(page, f"{base}/admin/api-tokens/")
    check_screen(page, f"{base}/admin/api-tokens/new/")
    tab_to(page, "#id_name")
    page.keyboard.type("Our CRM")
    tab_to(page, "main input[name=scopes]")
    page.keyboard.press("Space")  # the first scope
    tab_to(page, "main input[name=expires_in_days]:checked")  # a group of radios is one Tab stop
    page.keyboard.press("ArrowDown")  # the next expiry, not the one offered first
    tab_to(page, "main button:has-text('Make the token')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#new-token")
    assert_accessible(page)
    assert page.input_value("#new-token").startswith("chorus_pat_")
    token = ApiToken.objects.get(name="Our CRM")
    check_screen(page, f"{base}/admin/api-tokens/{token.pk}/revoke/")
    tab_to(page, "main button:has-text('Revoke the token')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/api-tokens/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.expires_at is not None


def test_an_administrator_adds_a_webhook_address_by_keyboard(page: Page, base: str, administrator: User) -> None:
    from chorus.api.tokens import api_token_issue

    issued = api_token_issue(
        name="Our CRM", scopes=["webhooks", "people:read"], expires_in_days=90, created_by=administrator
    )
    sign_in_as_staff(page, administrator, base)
    check_screen(page, f"{base}/admin/api-tokens/{issued.token.pk}/webhooks/")
    tab_to(page, "main input[type=url], main input[name=url]")
    page.keyboard.type("https://crm.example.org/chorus-events")
    tab_to(page, "main input[name=events]")
    page.keyboard.press("Space")
    tab_to(page, "main button:has-text('Add the address')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#webhook-secret")
    assert_accessible(page)
    assert page.input_value("#webhook-secret")
    webhook = WebhookSubscription.objects.get(token=issued.token)
    check_screen(page, f"{base}/admin/api-tokens/{issued.token.pk}/webhooks/{webhook.pk}/remove/")
    tab_to(page, "main button:has-text('Remove the address')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/api-tokens/{issued.token.pk}/webhooks/")
    assert not WebhookSubscription.objects.filter(pk=webhook.pk).exists()

"""The trust pages in a real browser: "Need help now?", the privacy notice and the accessibility
statement, reached by keyboard from the footer, with axe on every page, no console error
(the favicon is found) and nothing wider than a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from chorus.pages.models import OrganisationSettings
from chorus.pages.tests.factories import make_site
from chorus.support.tests.factories import make_request
from e2e.conftest import assert_accessible, assert_accessible_in_dark, assert_reflows, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def base(live_server: Any) -> str:
    from django.core.cache import cache

    cache.clear()
    make_site()
    organisation = OrganisationSettings.load()
    organisation.name = "Voices in Mind"
    organisation.charity_number = "1234567"
    organisation.registered_address = "1 High Street, Leeds LS1 1AA"
    organisation.contact_email = "hello@example.org"
    organisation.save()
    return str(live_server.url)


def _check(page: Page) -> None:
    assert_accessible(page)
    assert_accessible_in_dark(page)
    assert_reflows(page)


def test_the_footer_leads_by_keyboard_to_each_trust_page(page: Page, base: str) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base + "/")
    assert page.title() == "Voices in Mind"
    assert page.locator(".site-name__logo").evaluate("image => image.complete && image.naturalWidth > 0")
    icon = page.request.get(base + page.locator('link[rel="icon"][type="image/svg+xml"]').get_attribute("href"))
    assert icon.ok
    _check(page)

    for link_name, heading in [
        ("Need help now?", "Need help now?"),
        ("Privacy notice", "Privacy notice"),
        ("Accessibility statement", "Accessibility statement for Voices in Mind"),
    ]:
        page.goto(base + "/")
        tab_to(page, f'footer a:text-is("{link_name}")')
        page.keyboard.press("Enter")
        page.get_by_role("heading", level=1, name=heading).wait_for()
        assert page.title() == f"{heading.split(' for ')[0]} – Voices in Mind"
        _check(page)
    assert errors == []


def test_the_help_panel_sits_on_a_support_form_and_the_private_page(page: Page, base: str) -> None:
    _, token = make_request()
    for path in ["/support/policy-issue/", f"/support/request/{token}/"]:
        page.goto(base + path)
        panel = page.get_by_role("complementary", name="Need help now?")
        assert panel.get_by_role("link", name="call 116 123").get_attribute("href") == "tel:116123"
        assert panel.get_by_role("link", name="text 85258").get_attribute("href") == "sms:85258?body=SHOUT"
        _check(page)

"""Writing to your MP in a real browser, by keyboard alone: postcode, letter, check, email, confirm."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from chorus.campaigns.models import ConstituentLetter, LetterStatus
from chorus.campaigns.tests.factories import CampaignIndexPageFactory
from chorus.campaigns.tests.letter_factories import LetterToRepresentativePageFactory
from chorus.pages.tests.factories import make_site
from chorus.representatives import demo as representatives_demo
from e2e.conftest import assert_accessible, assert_reflows, tab_to, wait_for_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LETTER_CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/campaigns/letters/confirm/[A-Za-z0-9_-]+/)")


@pytest.fixture
def letter_action(live_server: Any, settings: Any) -> dict[str, Any]:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 0
    representatives_demo.load()  # the demo's example MPs and postcodes
    index = CampaignIndexPageFactory(parent=make_site(), show_in_menus=True)
    LetterToRepresentativePageFactory(parent=index, title="Reform detention", slug="reform-detention")
    return {"base": live_server.url}


def test_find_your_mp_write_confirm_and_see_the_letter_queued_by_keyboard(
    page: Page, letter_action: dict[str, Any]
) -> None:
    base = letter_action["base"]
    page.goto(base + "/campaigns/reform-detention/")
    assert_accessible(page)
    tab_to(page, "main a.button[href='/campaigns/reform-detention/letter/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reform-detention/letter/")
    assert_accessible(page)
    assert_reflows(page)

    tab_to(page, "#id_name")
    page.keyboard.type("Robin Ash")
    tab_to(page, "#id_email")
    page.keyboard.type("robin@example.org")
    tab_to(page, "#id_postal_address")
    page.keyboard.type("1 Example Street")
    page.keyboard.press("Enter")  # a new line in the address, not a submission
    page.keyboard.type("London")
    # A mistyped postcode: the error says so and the answers stay.
    tab_to(page, "#id_postcode")
    page.keyboard.type("SW1A")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert page.locator("#id_name").input_value() == "Robin Ash"
    assert_accessible(page)
    tab_to(page, "#id_postcode")
    page.keyboard.press("Control+A")
    page.keyboard.type("sw1a 1aa")
    page.keyboard.press("Enter")

    page.wait_for_selector("text=Your MP is Example MP for the Cities")
    assert_accessible(page)
    tab_to(page, "#id_body")
    page.keyboard.type("My brother waited three weeks to see an advocate after he was detained.")
    page.keyboard.press("Enter")
    page.keyboard.type("Please support the amendments that would change that.")
    tab_to(page, "main button[type='submit']:text('Check your letter')")
    page.keyboard.press("Enter")

    page.wait_for_selector("h1:text('Check your letter')")
    assert "Your letter is in your own words." in page.locator("main").inner_text()
    assert_accessible(page)
    tab_to(page, "main button[value='send']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reform-detention/letter/check-your-email/")
    assert_accessible(page)
    assert page.context.cookies() == []

    emails = wait_for_mail("robin@example.org", subject="Confirm your letter")
    assert emails, "the confirmation email went out through the outbox"
    match = LETTER_CONFIRM_LINK.search(str(emails[-1].body))
    assert match, "the email carries a confirmation link"
    page.goto(base + match.group(1))
    assert "My brother waited three weeks" in page.locator("main").inner_text()
    assert_accessible(page)
    assert ConstituentLetter.objects.get().status == LetterStatus.PENDING
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:text('Your letter is queued')")
    assert_accessible(page)
    assert ConstituentLetter.objects.get().status == LetterStatus.QUEUED
    assert page.context.cookies() == []

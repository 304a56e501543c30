"""Sharing a campaign and what comes next, in a real browser: nothing is requested from
another site (the page fixture fails the test on any such request), axe finds nothing,
and the copy button only enhances a field that works without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from chorus.campaigns.models import CampaignUpdate
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.tests.factories import CampaignIndexPageFactory, OpenLetterPageFactory, PetitionPageFactory
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from e2e.conftest import assert_accessible, assert_reflows, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(live_server: Any, settings: Any) -> dict[str, Any]:
    settings.SITE_URL = live_server.url
    home = make_site()
    areas = PriorityAreaIndexPageFactory(parent=home, slug="priorities")
    area = PriorityAreaPageFactory(parent=areas, title="Surveillance", slug="surveillance")
    index = CampaignIndexPageFactory(parent=home, show_in_menus=True)
    letter = OpenLetterPageFactory(parent=index, title="Cameras off our wards", slug="cameras-off")
    petition = PetitionPageFactory(parent=index, title="Halt bedroom monitoring", slug="halt", goal=100)
    for action in (letter, petition):
        action.priority_areas.set([area])
        action.save()
    CampaignUpdate.objects.create(
        action=letter, subject="We have 200 names", body="Thank you for signing.", started_at=timezone.now()
    )
    counts_refresh(full=True)
    return {"base": live_server.url, "letter": letter}


def test_a_campaign_page_shares_without_loading_anything_from_elsewhere(
    page: Page, campaign: dict[str, Any], outside_requests: list[str]
) -> None:
    base, letter = campaign["base"], campaign["letter"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page.goto(base + "/campaigns/cameras-off/")
    assert page.locator('meta[property="og:image"]').get_attribute("content") == (
        f"{base}/campaigns/{letter.pk}/share.png?count=0"
    )
    assert "We have 200 names" in page.locator("section.updates").inner_text()
    assert_accessible(page)
    assert_reflows(page)

    # With JavaScript the button appears and copies the link, by keyboard.
    tab_to(page, "button[data-copy]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == f"{base}/campaigns/cameras-off/"
    assert_accessible(page)

    # The share image is a PNG served from the site itself.
    image = page.request.get(f"{base}/campaigns/{letter.pk}/share.png?count=0")
    assert image.ok and image.headers["content-type"] == "image/png"

    # Mastodon: our own form asks for the server; a mistake is explained accessibly.
    tab_to(page, "a:text('Share on Mastodon')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/campaigns/{letter.pk}/share/mastodon/")
    assert_accessible(page)
    tab_to(page, "#mastodon-server")
    page.keyboard.type("not a server")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)

    # The thank-you page: the campaign's other action, the bulletin and sharing.
    page.goto(base + "/campaigns/cameras-off/sign/confirmed/")
    main = page.locator("main").inner_text()
    assert "Halt bedroom monitoring" in main and "Sign up to the bulletin" in main
    assert page.locator("button[data-copy]").is_visible()
    assert_accessible(page)
    assert_reflows(page)

    # The campaigns list and the priority area lead on to the actions.
    for path in ("/campaigns/", "/priorities/surveillance/"):
        page.goto(base + path)
        assert page.locator("main a[href='/campaigns/halt/sign/'], main a[href='/campaigns/halt/']").count() >= 1
        assert_accessible(page)
    assert page.context.cookies() == []
    assert outside_requests == []


def test_without_javascript_the_link_is_in_a_field_to_copy(browser: Browser, campaign: dict[str, Any]) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(campaign["base"] + "/campaigns/cameras-off/")
        field = page.locator("#share-url")
        assert field.get_attribute("readonly") is not None
        assert field.input_value() == campaign["base"] + "/campaigns/cameras-off/"
        assert not page.locator("button[data-copy]").is_visible()
        href = page.locator("a:text('Share by email')").get_attribute("href") or ""
        assert href.startswith("mailto:?")
    finally:
        context.close()

"""Signing an open letter in a real browser, by keyboard alone, with axe on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page

from chorus.campaigns.models import (
    CampaignUpdate,
    DisplayChoice,
    Invalidation,
    Moderation,
    Signature,
    SignatureKind,
    SignatureStatus,
)
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.tests.factories import CampaignIndexPageFactory, OpenLetterPageFactory, PetitionPageFactory
from chorus.pages.blocks import picture_sentences
from chorus.pages.tests.factories import make_site
from chorus.people.services import person_get_or_create
from e2e.conftest import assert_accessible, assert_accessible_in_dark, assert_reflows, sign_in_as_staff, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/campaigns/confirm/[A-Za-z0-9_-]+/)")


@pytest.fixture
def campaign(live_server: Any, settings: Any) -> dict[str, Any]:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 0
    home = make_site()
    index = CampaignIndexPageFactory(parent=home, show_in_menus=True)
    letter = OpenLetterPageFactory(
        parent=index,
        title="Cameras off our wards",
        slug="cameras-off",
        easy_read_summary=picture_sentences(
            ("camera", "Cameras watch people in their bedrooms."), ("stop", "We want them to stop.")
        ),
    )
    return {"base": live_server.url, "letter": letter}


def test_easy_read_version_with_pictures_and_its_short_sign_form_by_keyboard(
    page: Page, campaign: dict[str, Any]
) -> None:
    base = campaign["base"]
    page.goto(base + "/campaigns/cameras-off/easy-read/")
    assert_accessible(page)
    assert_accessible_in_dark(page)
    picture = page.locator("main .easy-read-row img").first
    assert picture.get_attribute("alt") == "A camera"
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")  # the bundled SVG loaded
    text = page.locator("main .easy-read-row__text").first
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert text.evaluate("p => parseFloat(getComputedStyle(p).fontSize)") >= 1.25 * body_size
    # Picture on the left on a wide screen; above the words on a phone.
    assert picture.bounding_box()["x"] < text.bounding_box()["x"]  # type: ignore[index]
    assert_reflows(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert picture.bounding_box()["y"] < text.bounding_box()["y"]  # type: ignore[index]
    page.set_viewport_size({"width": 1280, "height": 800})
    assert "OpenMoji" in page.locator("footer").inner_text()

    tab_to(page, "main a.button[href='/campaigns/cameras-off/easy-read/sign/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cameras-off/easy-read/sign/")
    assert_accessible(page)
    assert page.locator("form[method='post'] input:not([type='hidden']):not([name='website'])").count() == 3
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    tab_to(page, "#id_name")
    page.keyboard.type("Sam Lee")
    tab_to(page, "#id_email")
    page.keyboard.type("sam@example.org")
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cameras-off/sign/check-your-email/")
    assert CONFIRM_LINK.search(str(mail.outbox[-1].body)), "the same confirmation email as the full form"
    assert page.context.cookies() == []


def test_sign_a_letter_by_keyboard_confirm_and_see_the_count(page: Page, campaign: dict[str, Any]) -> None:
    base = campaign["base"]
    page.goto(base + "/campaigns/cameras-off/")
    assert_accessible(page)
    assert page.locator(".count__total").inner_text() == "0"
    assert page.context.cookies() == []  # the action page itself sets no cookie

    tab_to(page, "main a.button[href='/campaigns/cameras-off/sign/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cameras-off/sign/")
    assert_accessible(page)

    # Submitting with nothing filled in lists the problems and keeps focus reachable.
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)

    tab_to(page, "#id_name")
    page.keyboard.type("Robin Ash")
    tab_to(page, "#id_email")
    page.keyboard.type("robin@example.org")
    tab_to(page, "#id_show_name")
    page.keyboard.press("Space")
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cameras-off/sign/check-your-email/")
    assert "Check your email" in page.locator("h1").inner_text()
    assert_accessible(page)

    match = CONFIRM_LINK.search(str(mail.outbox[-1].body))
    assert match, "the email carries a confirmation link"
    page.goto(base + match.group(1))
    assert_accessible(page)
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=your signature is confirmed")
    assert_accessible(page)
    # A real browser's post from our own page passes the cross-site check, and the
    # whole flow (form, errors, check-your-email, confirm) has set no cookie.
    assert page.context.cookies() == []

    counts_refresh()
    page.goto(base + "/campaigns/cameras-off/?after-refresh")
    assert page.locator(".count__total").inner_text() == "1"
    assert_accessible(page)

    page.goto(base + "/campaigns/cameras-off/signatories/")
    assert "Robin A." in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(base + "/campaigns/cameras-off/easy-read/")
    assert_accessible(page)
    page.goto(base + "/campaigns/")
    assert_accessible(page)
    page.goto(base + "/campaigns/confirm/" + "x" * 43 + "/")  # an old or mistyped link
    assert "does not work" in page.locator("h1").inner_text()
    assert_accessible(page)


def test_closed_letter_and_petition_pages_are_accessible(page: Page, campaign: dict[str, Any]) -> None:
    index = campaign["letter"].get_parent()
    OpenLetterPageFactory(parent=index, title="Old letter", slug="old", state="closed")
    for path in ("/campaigns/old/", "/campaigns/old/sign/", "/campaigns/"):
        page.goto(campaign["base"] + path)
        assert_accessible(page)
    assert page.context.cookies() == []  # nothing to sign, so not even the CSRF cookie
    PetitionPageFactory(parent=index, title="Halt it", slug="halt", collect_postcode=True, goal=100)
    page.goto(campaign["base"] + "/campaigns/halt/")
    assert page.locator("progress").count() == 1
    assert_accessible(page)
    page.goto(campaign["base"] + "/campaigns/halt/sign/")
    assert page.locator("#id_postcode").count() == 1
    assert_accessible(page)


def test_campaign_staff_screens_are_accessible(page: Page, campaign: dict[str, Any], campaigner: Any) -> None:
    letter = campaign["letter"]
    person, _ = person_get_or_create(email="org@example.org")
    Signature.objects.create(
        action=letter,
        person=person,
        name="Contact Person",
        kind=SignatureKind.ORGANISATION,
        organisation="Peer Voices",
        organisation_type="user_led",
        moderation=Moderation.PENDING,
        display=DisplayChoice.NOT_LISTED,
        status=SignatureStatus.CONFIRMED,
        confirmed_at=letter.first_published_at,
    )
    decided, _ = person_get_or_create(email="decided@example.org")
    Signature.objects.create(
        action=letter, person=decided, name="Other Contact", kind=SignatureKind.ORGANISATION,
        organisation="Ward Watch", organisation_type="charity", moderation=Moderation.APPROVED,
        display=DisplayChoice.NOT_LISTED, status=SignatureStatus.CONFIRMED, confirmed_at=letter.first_published_at,
    )  # fmt: skip
    Invalidation.objects.create(
        action=letter, reason="A burst from one address", affected=4,
        criteria={"email_domain_hash": "", "ip_hash": "ab" * 16, "since": "", "until": ""},
    )  # fmt: skip
    update = CampaignUpdate.objects.create(
        action=letter, subject="We met the ward managers", body="They listened.\n\nMore soon.", recipients=3, sent=2,
        refused=1, started_at=letter.first_published_at, finished_at=letter.first_published_at,
    )  # fmt: skip
    sign_in_as_staff(page, campaigner, campaign["base"])
    for path in ("campaigns/", f"campaigns/{letter.pk}/", f"campaigns/{letter.pk}/moderation/",
                 f"campaigns/{letter.pk}/invalidate/", f"campaigns/{letter.pk}/invalidations/",
                 f"campaigns/{letter.pk}/send-update/",
                 f"campaigns/{letter.pk}/updates/", f"campaigns/{letter.pk}/updates/{update.pk}/",
                 "blocked-domains/", "blocked-addresses/"):  # fmt: skip
        page.goto(campaign["base"] + "/admin/" + path)
        assert page.url.endswith("/admin/" + path), page.url
        assert_accessible(page)
        assert_reflows(page)  # the chart shrinks; tables scroll in their own regions


def test_prepare_see_and_download_the_delivery_pack(page: Page, campaign: dict[str, Any], campaigner: Any) -> None:
    from pathlib import Path

    from chorus.campaigns.delivery_packs import delivery_pack_build
    from chorus.campaigns.models import DeliveryPack
    from chorus.campaigns.selectors import consent_scope
    from chorus.people.models import ConsentPurpose
    from chorus.people.services import consent_give

    letter, base = campaign["letter"], campaign["base"]
    person, _ = person_get_or_create(email="robin@example.org")
    Signature.objects.create(
        action=letter, person=person, name="Robin Ash", display=DisplayChoice.FULL_NAME,
        status=SignatureStatus.CONFIRMED, confirmed_at=letter.first_published_at,
    )  # fmt: skip
    consent_give(
        person=person, purpose=ConsentPurpose.PUBLISH_NAME, wording="Show my name", wording_version="t",
        source="test", scope=consent_scope(letter.pk),
    )  # fmt: skip
    sign_in_as_staff(page, campaigner, base)
    page.goto(f"{base}/admin/campaigns/{letter.pk}/")
    tab_to(page, f"main a[href='/admin/campaigns/{letter.pk}/delivery-packs/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/campaigns/{letter.pk}/delivery-packs/")
    assert_accessible(page)
    assert_reflows(page)

    # The test settings run tasks at once, so the pack is built before the status page shows.
    tab_to(page, "main form button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Status: Ready to download")
    assert_accessible(page)
    assert_reflows(page)
    with page.expect_download() as download_info:
        tab_to(page, "main a.button[href$='delivery-pack.pdf']")
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == "delivery-pack-cameras-off.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # A pack still waiting: the page says so, offers "Check again", and its small script
    # shows the pack by itself once a worker has built it.
    waiting = DeliveryPack.objects.create(action=letter, requested_by=campaigner)
    page.goto(f"{base}/admin/campaigns/{letter.pk}/delivery-packs/{waiting.pk}/")
    assert page.locator("main h2").first.inner_text() == "Status: Waiting to be built"
    assert page.locator("main a", has_text="Check again").count() == 1
    assert_accessible(page)
    delivery_pack_build(pack_id=waiting.pk)
    page.wait_for_selector("text=Status: Ready to download")
    assert_accessible(page)
    page.goto(f"{base}/admin/campaigns/{letter.pk}/delivery-packs/")
    assert_accessible(page)  # the list, with one pack deleted (replaced) and one ready


def test_close_signing_asks_first_by_keyboard(page: Page, campaign: dict[str, Any], campaigner: Any) -> None:
    letter, base = campaign["letter"], campaign["base"]
    sign_in_as_staff(page, campaigner, base)
    page.goto(f"{base}/admin/campaigns/{letter.pk}/")
    tab_to(page, "main form button:text-is('Close signing')")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"Close signing on {letter.title}?").wait_for()
    assert page.get_by_text("Nothing has changed yet.").is_visible()
    assert_accessible(page)
    assert_reflows(page)
    letter.refresh_from_db()
    assert letter.state == "open"
    tab_to(page, "main form button:text-is('Yes, close signing')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/campaigns/{letter.pk}/")
    page.get_by_text(f"{letter.title} is now: Closed.").wait_for()
    letter.refresh_from_db()
    assert letter.state == "closed"


def test_bulk_invalidation_asks_first_and_for_a_reason_by_keyboard(
    page: Page, campaign: dict[str, Any], campaigner: Any
) -> None:
    letter, base = campaign["letter"], campaign["base"]
    Signature.objects.bulk_create(
        Signature(action=letter, status=SignatureStatus.CONFIRMED, ip_hash="cd" * 16) for _ in range(2)
    )
    sign_in_as_staff(page, campaigner, base)
    page.goto(f"{base}/admin/campaigns/{letter.pk}/invalidate/?ip_hash={'cd' * 16}")
    tab_to(page, "main form button:text-is('Preview how many match')")
    page.keyboard.press("Enter")
    # The shared "are you sure?" page, with the reason asked above its button.
    page.get_by_role("heading", name="Invalidate 2 signatures?").wait_for()
    assert page.get_by_text("Nothing has changed yet.").is_visible()
    assert_accessible(page)
    assert_reflows(page)
    tab_to(page, "main form button:text-is('Yes, invalidate 2 signatures')")
    page.keyboard.press("Enter")
    page.get_by_text("Say why, for the audit log.").wait_for()  # no reason yet: asked again, nothing done
    assert_accessible(page)
    assert not Invalidation.objects.exists()
    page.fill("#id_reason", "one address, many names")
    tab_to(page, "main form button:text-is('Yes, invalidate 2 signatures')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/campaigns/{letter.pk}/")
    assert Invalidation.objects.get().reason == "one address, many names"

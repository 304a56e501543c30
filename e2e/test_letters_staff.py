"""A campaigner sends an office's weekly bundle of letters early, in a real browser and by keyboard:
the Letters screen, the "are you sure?" page, and the one email with its PDF. axe runs on every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from chorus.campaigns.models import ConstituentLetter, LetterBundle, LetterDelivery, LetterStatus
from chorus.campaigns.services.letter_delivery import letters_settle
from chorus.campaigns.tests.factories import CampaignIndexPageFactory
from chorus.campaigns.tests.letter_factories import (
    CARDIFF,
    HOLBORN,
    LetterToRepresentativePageFactory,
    confirmed_letter,
    seats_with_postcodes,
)
from chorus.pages.tests.factories import make_site
from e2e.conftest import assert_accessible, sign_in_as_staff, tab_to, wait_for_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_campaigner_sends_an_offices_bundle_of_letters_now(page: Page, live_server: Any, campaigner: Any) -> None:
    base = live_server.url
    seats_with_postcodes()
    index = CampaignIndexPageFactory(parent=make_site())
    action = LetterToRepresentativePageFactory(
        parent=index, title="Reform detention", slug="reform-detention", delivery=LetterDelivery.WEEKLY
    )
    for number in range(2):
        confirmed_letter(action, email=f"writer{number}@example.org", name=f"Writer {number}")
    confirmed_letter(action, email="cardiff@example.org", target_key=CARDIFF, postcode="CF24 0AA")
    sign_in_as_staff(page, campaigner, base)

    page.goto(f"{base}/admin/campaigns/{action.pk}/")
    letters_url = f"/admin/campaigns/{action.pk}/letters/"
    tab_to(page, f"main a[href='{letters_url}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{letters_url}")
    main = page.inner_text("main")
    assert "Holborn and St Pancras" in main and "Cardiff East" in main
    assert "Writer 0" not in main and "writer0@example.org" not in main  # counts, never writers
    assert_accessible(page)

    # By keyboard: Holborn's button, then the confirmation page's.
    tab_to(page, "main form:has(input[value='" + HOLBORN + "']) button[type=submit]", max_presses=200)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Send the 2 waiting letters to the MP for Holborn and St Pancras now?')")
    assert not LetterBundle.objects.exists()  # asking changes nothing
    assert_accessible(page)
    tab_to(page, "main button:has-text('Yes, send the letters now')", max_presses=200)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{letters_url}")
    page.wait_for_selector("text=2 letters to the MP for Holborn and St Pancras are on their way.")
    assert_accessible(page)

    # One email to the office, with both letters and the PDF.
    [email] = wait_for_mail("mp@example.org")
    assert email.subject.startswith("2 letters from constituents in Holborn and St Pancras")
    assert "Writer 0" in email.body and "Writer 1" in email.body
    [(filename, pdf, mimetype)] = email.attachments
    assert filename.endswith(".pdf") and mimetype == "application/pdf" and pdf.startswith(b"%PDF")
    letters_settle()
    assert ConstituentLetter.objects.filter(target_key=HOLBORN, status=LetterStatus.SENT).count() == 2
    assert ConstituentLetter.objects.get(target_key=CARDIFF).status == LetterStatus.QUEUED
    page.reload()
    assert "Sent early by" in page.inner_text("main")
    assert_accessible(page)

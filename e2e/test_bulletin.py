"""The bulletin in a real browser: subscribe by keyboard, confirm from the email, preferences, unsubscribe."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from chorus.bulletin.models import IssueStatus, Subscription, SubscriptionStatus
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.bulletin.tokens import manage_token
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from e2e.conftest import (
    assert_accessible,
    assert_accessible_in_dark,
    guide_picture,
    sign_in_as_staff,
    tab_to,
    wait_for_mail,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    home = make_site()
    areas = PriorityAreaIndexPageFactory(parent=home, slug="priorities")
    PriorityAreaPageFactory(parent=areas, title="Rights and dignity", slug="rights")
    PriorityAreaPageFactory(parent=areas, title="Data and surveillance", slug="data")
    index = make_index(home=home)
    issue = make_issue(index, slug="first", title="Members' bulletin, 1 December 2026", status=IssueStatus.SENT)
    mail.outbox = []
    return {"base": live_server.url, "index": index, "issue": issue}


def test_subscribe_by_keyboard_confirm_preferences_unsubscribe(page: Page, site: dict[str, Any]) -> None:
    base = site["base"]
    page.goto(base + "/bulletin/subscribe/")
    assert_accessible(page)
    tab_to(page, "#id_email")
    page.keyboard.type("robin@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Robin")
    tab_to(page, "input[name=topics] >> nth=1")
    page.keyboard.press("Space")
    time.sleep(1.1)  # the form's minimum fill time
    tab_to(page, "button[type=submit] >> text=Subscribe")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bulletin/check-your-email/")
    assert page.locator("h1").inner_text() == "Check your email"
    assert_accessible(page)

    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/bulletin/confirm/" in line).strip()
    page.goto(link.replace("http://127.0.0.1:8000", base))
    assert_accessible(page)
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('You are subscribed')")
    assert_accessible(page)
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert [area.slug for area in subscription.topics.all()] == ["data"]

    tab_to(page, "main a[href*='/bulletin/preferences/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Your bulletin preferences')")
    assert_accessible(page)
    tab_to(page, "button[value=unsubscribe]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=You have unsubscribed")
    assert_accessible(page)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED


def test_subscribe_errors_are_announced_and_accessible(page: Page, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/bulletin/subscribe/")
    page.fill("#id_email", "not an address")
    page.click("button[type=submit] >> text=Subscribe")
    page.wait_for_selector("#error-summary")
    assert page.input_value("#id_email") == "not an address"
    assert_accessible(page)


def test_one_click_unsubscribe_page_archive_and_issue(page: Page, site: dict[str, Any]) -> None:
    subscription = make_subscriber("leave@example.org")
    page.goto(site["base"] + f"/bulletin/unsubscribe/{manage_token(subscription.pk)}/")
    assert_accessible(page)
    assert page.context.cookies() == []  # the page sets no cookie
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('You have unsubscribed')")
    assert_accessible(page)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED

    page.goto(site["base"] + site["index"].url)
    assert_accessible(page)
    page.goto(site["base"] + site["issue"].url)
    assert page.locator("h1").inner_text() == "Members' bulletin, 1 December 2026"
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= 320")


def test_staff_screens_are_accessible(page: Page, site: dict[str, Any], administrator: Any) -> None:
    from chorus.bulletin.models import Delivery, DeliveryStatus
    from chorus.bulletin.services.lifecycle import deliveries_freeze

    draft = make_issue(site["index"], slug="draft", title="Members' bulletin, 8 December 2026")
    make_subscriber("doubt@example.org")
    deliveries_freeze(issue=site["issue"])
    Delivery.objects.update(status=DeliveryStatus.IN_DOUBT, claimed_by="host:1:abc:1", error="worker stopped")
    sign_in_as_staff(page, administrator, site["base"])
    for path in (
        "bulletin/",
        f"bulletin/{draft.pk}/",
        f"bulletin/{draft.pk}/preview/",
        f"bulletin/{site['issue'].pk}/",
        f"bulletin/{site['issue'].pk}/reconciliation/",
    ):
        page.goto(site["base"] + "/admin/" + path)
        assert page.url.endswith("/admin/" + path), page.url
        assert_accessible(page)
        if path.endswith("preview/"):
            assert_accessible_in_dark(page)  # the white phone screen keeps dark text and links
    assert "doubt@example.org" in page.inner_text("main")
    page.check("input[name=ids]")
    page.check("#outcome-sent")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=No deliveries are in doubt.")
    # Wagtail fades its flash messages in; axe must see the final colours.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.messages > ul')).opacity === '1'"
        " && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"
    )
    assert_accessible(page)


def test_the_bulletin_email_is_accessible_in_light_and_dark_and_at_phone_width(
    page: Page, site: dict[str, Any], administrator: Any
) -> None:
    """The HTML email itself, as a mail program shows it: axe in both colour schemes, one column
    no wider than 600px, nothing wider than a 320px phone, and each subscriber's edition."""
    from chorus.bulletin.tests.factories import area_section
    from chorus.pages.models import PriorityAreaPage

    rights, data = PriorityAreaPage.objects.order_by("path")
    issue = make_issue(
        site["index"],
        slug="editions",
        title="Members' bulletin, 8 December 2026",
        sections=[
            area_section(rights, [("Rights briefing", "/news/rights/")]),
            area_section(data, [("A long title about cameras on wards that wraps at phone width", "/news/c/")]),
            ("message", {"heading": "Meet us", "text": "Our open meeting is on Tuesday."}),
        ],
    )
    make_subscriber("data@example.org", topics=[data])
    sign_in_as_staff(page, administrator, site["base"])
    preview = f"{site['base']}/admin/bulletin/{issue.pk}/preview/"
    page.goto(preview)
    assert_accessible(page)
    tab_to(page, f"main a[href$='?edition={data.pk}']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"\?edition={data.pk}$"))
    assert "Rights briefing" not in page.inner_text("main")
    assert_accessible(page)

    for edition in ("all", str(data.pk)):
        page.goto(f"{site['base']}/admin/bulletin/{issue.pk}/preview/email/?edition={edition}")
        assert page.locator("h1").inner_text() == "Members' bulletin, 8 December 2026"
        assert_accessible(page)
        assert_accessible_in_dark(page)
        column = page.locator(".email-column").bounding_box()
        assert column is not None and column["width"] <= 600
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate("document.documentElement.scrollWidth <= 320")
        page.set_viewport_size({"width": 1280, "height": 900})
    # The reader chose Data: the email says so and leaves Rights out.
    assert "Rights briefing" not in page.inner_text("body")
    assert "You chose your topics" in page.inner_text("body")
    # Dark mode really changes the colours (the @media rules survived the inlining).
    page.emulate_media(color_scheme="dark")
    background = page.evaluate("getComputedStyle(document.querySelector('.email-column')).backgroundColor")
    page.emulate_media(color_scheme="light")
    assert background == "rgb(30, 30, 30)"


def test_an_editor_sends_a_test_then_the_issue_through_the_confirmation(
    page: Page, site: dict[str, Any], editor: Any
) -> None:
    issue = make_issue(site["index"], slug="to-send", title="Members' bulletin, 15 December 2026")
    make_subscriber("reader@example.org")
    sign_in_as_staff(page, editor, site["base"])
    page.goto(f"{site['base']}/admin/bulletin/{issue.pk}/")
    assert_accessible(page)
    guide_picture(page, "bulletin-issue-screen.png")

    page.click("main button[value=test]")
    page.wait_for_selector("text=marked TEST")
    assert_accessible(page)
    [test] = wait_for_mail(editor.email)
    assert test.subject.startswith("TEST: ") and test.body.startswith("TEST")
    assert not [message for message in mail.outbox if message.to == ["reader@example.org"]]

    page.click("main button[value=send]")
    page.wait_for_selector("text=Send this issue now?")
    assert "1 subscriber in 1 edition" in page.inner_text("main")
    assert_accessible(page)
    guide_picture(page, "bulletin-send-confirmation.png")
    page.click("main button:has-text('Yes, send to 1 subscriber')")
    page.wait_for_selector("text=Sending to 1 subscriber.")
    # The live progress says when it was updated in the screen's own 24-hour UK time.
    expect(page.locator("[data-field=updated]")).to_have_text(re.compile(r"^Updated \d\d:\d\d:\d\d \(UK time\)\.$"))
    [sent] = wait_for_mail("reader@example.org")
    assert not sent.subject.startswith("TEST")
    assert_accessible(page)
    guide_picture(page, "bulletin-sending-progress.png")

"""The self-service privacy page in a real browser, by keyboard, with axe on every page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page

from chorus.pages.tests.factories import make_site
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.services import consent_give, person_get_or_create
from e2e.conftest import assert_accessible, assert_reflows, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def base(live_server: Any) -> str:
    from django.core.cache import cache

    cache.clear()  # rate-limit counts live in the shared in-process cache
    make_site()
    person, _ = person_get_or_create(email="rowan@example.org", name="Rowan Ash", postcode="N1 9GU")
    for purpose in (ConsentPurpose.BULLETIN, ConsentPurpose.CAMPAIGN_UPDATES):
        consent_give(person=person, purpose=purpose, wording="Yes please.", wording_version="v1", source="e2e")
    mail.outbox.clear()
    return str(live_server.url)


def _ask_for_link(page: Page, base: str, email: str) -> None:
    page.goto(base + "/privacy/")
    assert_accessible(page)
    assert {cookie["name"] for cookie in page.context.cookies()} <= {"csrftoken"}
    tab_to(page, "#id_email")
    page.keyboard.type(email)
    page.wait_for_timeout(1100)  # a person takes longer than the anti-bot minimum
    page.keyboard.press("Enter")


def test_the_whole_flow_by_keyboard(page: Page, base: str) -> None:
    _ask_for_link(page, base, "not an address")
    page.locator("#error-summary").wait_for()
    assert page.locator("#id_email").input_value() == "not an address"
    assert_accessible(page)

    page.locator("#id_email").fill("")
    page.locator("#id_email").focus()
    page.keyboard.type("rowan@example.org")
    page.wait_for_timeout(1100)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(page)

    assert len(mail.outbox) == 1
    match = re.search(r"(/privacy/link/[^\s]+/)", mail.outbox[0].body)
    assert match
    link_path = match.group(1)

    page.goto(base + link_path)
    assert_accessible(page)
    tab_to(page, "button:has-text('Show my data')")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="The data we hold about you").wait_for()
    assert "Rowan Ash" in page.content()
    assert_accessible(page)

    with page.expect_download() as download_info:
        tab_to(page, "a:has-text('Download as JSON')")
        page.keyboard.press("Enter")
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert any(item["value"] == "N1 9GU" for group in data["groups"] for item in group["items"])

    tab_to(page, "button[aria-label^='Withdraw: Send me the weekly']")
    page.keyboard.press("Enter")
    page.get_by_text("Your agreement has been withdrawn").wait_for()
    assert_accessible(page)
    assert ConsentRecord.objects.filter(purpose=ConsentPurpose.BULLETIN, withdrawn_at__isnull=False).exists()

    tab_to(page, "a:has-text('Erase my data')")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Erase everything we hold about you?").wait_for()
    assert_accessible(page)
    tab_to(page, "button:has-text('Yes, erase everything')")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your data has been erased").wait_for()
    assert_accessible(page)
    assert Person.objects.get().erased_at is not None

    # The used link now gets a clear page, which is accessible too.
    page.goto(base + link_path)
    assert page.get_by_role("heading", name="This link does not work").is_visible()
    assert_accessible(page)


def test_a_used_link_and_a_made_up_link_get_clear_accessible_pages(page: Page, base: str) -> None:
    page.goto(base + "/privacy/link/made-up-token/")
    assert page.get_by_role("heading", name="This link does not work").is_visible()
    assert_accessible(page)
    _ask_for_link(page, base, "rowan@example.org")
    page.get_by_role("heading", name="Check your email").wait_for()
    link_path = re.search(r"(/privacy/link/[^\s]+/)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    page.goto(base + link_path)
    page.get_by_role("button", name="Show my data").click()
    page.get_by_role("heading", name="The data we hold about you").wait_for()
    page.goto(base + link_path)
    assert page.get_by_role("heading", name="This link has already been used").is_visible()
    assert_accessible(page)


def _sign_in(page: Page, base: str, user: Any) -> None:
    """Start a real session without the second factor, as the password step leaves it."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])


def _code(device: Any) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_staff_two_factor_setup_and_the_audit_log_by_keyboard(page: Page, base: str, administrator: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _sign_in(page, base, administrator)
    page.goto(base + "/admin/audit-log/")
    page.locator("#main h1", has_text="Set up two-factor sign-in").first.wait_for()
    assert page.locator("svg title").count() == 1
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=administrator)
    tab_to(page, "#id_token")
    page.keyboard.type(_code(device))
    page.keyboard.press("Enter")
    page.locator("h1", has_text="Audit log").first.wait_for()
    # Each event is a sentence in words, never the code the log stores.
    set_up = f"set up a second sign-in step for the staff account {administrator.get_username()}"
    assert set_up in page.locator("table.audit-events").inner_text()
    assert_accessible(page)
    assert_reflows(page)  # the events table scrolls in its own region
    tab_to(page, "#id_kind")
    page.keyboard.type("Second sign-in step set up")  # a select takes the choice typed
    tab_to(page, ".audit-filters button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**kind=accounts.two_factor.enrolled**")
    assert set_up in page.locator("table.audit-events").inner_text()
    assert_accessible(page)

    page.goto(base + "/admin/people/privacy-request/")
    tab_to(page, "#id_email")
    page.keyboard.type("rowan@example.org")
    page.keyboard.press("Enter")
    page.get_by_text("If Chorus holds data for that address").wait_for()
    assert_accessible(page)
    assert len(mail.outbox) == 1


def test_staff_two_factor_verify_page(page: Page, base: str, caseworker: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=caseworker, name="phone", confirmed=True)
    _sign_in(page, base, caseworker)
    page.goto(base + "/admin/")
    page.locator("#main h1", has_text="Sign in: second step").first.wait_for()
    assert_accessible(page)
    # A wrong code: the error sits by the field, under the id the input points at.
    tab_to(page, "#id_token")
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    page.locator("#id_token_error").wait_for()
    assert "did not match" in page.inner_text("#id_token_error")
    assert "id_token_error" in (page.get_attribute("#id_token", "aria-describedby") or "")
    assert_accessible(page)
    # django-otp holds back the next try for a second after a failure; skip the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.fill("#id_token", "")
    tab_to(page, "#id_token")
    page.keyboard.type(_code(device))
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/admin/")


def test_the_too_many_requests_page_is_accessible(page: Page, base: str) -> None:
    from django.test import RequestFactory

    from chorus.core.ratelimit import ip_hash, within_limits
    from chorus.people.views import IP_LIMITS

    # The live server runs in this process and shares its cache: use up this address's allowance.
    key = ip_hash(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1"))
    for _ in range(IP_LIMITS[0].count):
        within_limits("people.privacy.ip", key, IP_LIMITS)
    _ask_for_link(page, base, "rowan@example.org")
    page.get_by_role("heading", name="Too many requests").wait_for()
    assert_accessible(page)
    assert mail.outbox == []

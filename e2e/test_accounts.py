"""Staff account screens in a real browser: the second-factor reset, by keyboard, accessible."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from e2e.conftest import assert_accessible, assert_reflows, sign_in_as_staff, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reset_two_factor_screen_is_accessible_and_works_by_keyboard(
    page: Page, live_server: Any, administrator: Any, caseworker: Any
) -> None:
    TOTPDevice.objects.create(user=caseworker, name="phone", confirmed=True)
    sign_in_as_staff(page, administrator, live_server.url)
    path = f"/admin/users/reset-two-factor/{caseworker.pk}/"
    page.goto(live_server.url + path)
    assert_accessible(page)
    assert_reflows(page)

    # Sent without the box ticked: the error summary and the field's error, still accessible.
    tab_to(page, ".nice-padding form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert_accessible(page)

    tab_to(page, "#id_checked")
    page.keyboard.press("Space")
    tab_to(page, ".nice-padding form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/users/")
    assert "Two-factor sign-in reset" in page.locator("main").inner_text()
    assert not TOTPDevice.objects.filter(user=caseworker).exists()


def test_the_audit_log_shows_a_failed_check_accessibly(page: Page, live_server: Any, administrator: Any) -> None:
    from chorus.core.audit import log_action
    from chorus.core.audit_seals import audit_log_check
    from chorus.core.models import AuditEvent
    from chorus.core.tests.sealing import seal_now

    for number in range(3):
        log_action(f"core.test.event{number}", object_type="test", object_id=number)
    seal_now()
    AuditEvent.objects.filter(seal_sequence=2).delete()
    audit_log_check(screen="test")
    sign_in_as_staff(page, administrator, live_server.url)
    page.goto(live_server.url + "/admin/audit-log/")
    last_check = page.locator("#audit-last-check").inner_text()
    assert "Failed on" in last_check and "1 problem found" in last_check
    assert "Sealed entry 2 is missing" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_reflows(page)

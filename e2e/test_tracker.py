"""The policy tracker in a real browser: accessible, keyboard-usable, no cookies, no outside requests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.tracker.models import ItemKind, ResponseStatus, StageName
from chorus.tracker.tests.factories import (
    ResponseFactory,
    StageFactory,
    SubmissionWindowFactory,
    TrackedItemFactory,
    TrackerPageFactory,
)
from e2e.conftest import assert_accessible, assert_reflows, sign_in_as_staff, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    home = make_site()
    TrackerPageFactory(parent=home, show_in_menus=True)
    area = PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home), title="Data", slug="data")
    now = timezone.now()
    soon = SubmissionWindowFactory(
        item__title="Health data sharing proposals",
        item__slug="health-data",
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=5),
    ).item
    soon.priority_areas.add(area)
    soon.save()
    StageFactory(item=soon, name=StageName.OPENED, date=datetime.date(2026, 10, 1))
    ResponseFactory(item=soon, status=ResponseStatus.DRAFTING)
    SubmissionWindowFactory(
        item__title="Welfare reform bill evidence",
        item__slug="welfare",
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=40),
    )
    SubmissionWindowFactory(
        item__title="Care settings inquiry",
        item__slug="care-settings",
        item__kind=ItemKind.INQUIRY,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=4),
    )
    TrackedItemFactory(title="Mental health law reform", slug="mh-law", kind=ItemKind.BILL)
    return {"base": live_server.url}


PAGES = ["/tracker/", "/tracker/?kind=bill#all-items", "/tracker/?status=open&area=data", "/tracker/health-data/"]


def test_tracker_pages_are_accessible_and_set_no_cookie(page: Page, site: dict[str, Any]) -> None:
    for path in PAGES:
        page.goto(site["base"] + path)
        assert_accessible(page)
        assert page.context.cookies() == [], f"{path} set a cookie"
    page.goto(site["base"] + "/tracker/?kind=bill")
    assert "Mental health law reform" in page.locator("#all-items + nav + h3 + ul").inner_text()


def test_tracker_reflows_at_320_pixels(page: Page, site: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ["/tracker/", "/tracker/health-data/"]:
        page.goto(site["base"] + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"


def test_keyboard_user_filters_and_opens_an_item(page: Page, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/tracker/")
    tab_to(page, "a[href='?kind=inquiry#all-items']", max_presses=120)
    page.keyboard.press("Enter")
    page.wait_for_url("**/tracker/?kind=inquiry#all-items")
    assert_accessible(page)
    tab_to(page, "#all-items ~ ul a[href='/tracker/care-settings/']", max_presses=150)
    page.keyboard.press("Enter")
    page.wait_for_url("**/tracker/care-settings/")
    assert page.locator("h1").inner_text() == "Care settings inquiry"
    assert_accessible(page)
    page.goto(site["base"] + "/tracker/")
    tab_to(page, "main a[href='/tracker/health-data/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tracker/health-data/")
    assert "You can respond yourself" in page.locator("main").inner_text()
    assert_accessible(page)


def test_whats_due_staff_screen_is_accessible(page: Page, site: dict[str, Any], live_server: Any) -> None:
    from django.contrib.auth.models import Group

    from chorus.accounts.models import User
    from chorus.accounts.services import roles_sync

    roles_sync()
    user = User.objects.create_user(username="cam", password="correct-horse-battery", email="cam@chorus.test")
    user.groups.add(Group.objects.get(name="Campaigner"))
    sign_in_as_staff(page, user, live_server.url)
    page.goto(site["base"] + "/admin/tracker/due/")
    assert "Health data sharing proposals" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_reflows(page)  # the table scrolls in its own region, not cut off by the admin

"""The public site in a real browser: accessible, keyboard-usable, private."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from chorus.news.models import ArticleKind
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import (
    CoalitionFactory,
    CoalitionIndexPageFactory,
    PriorityAreaIndexPageFactory,
    PriorityAreaPageFactory,
    StandardPageFactory,
    make_site,
)
from e2e.conftest import assert_accessible, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    home = make_site()
    home.spotlight_heading = "Member campaign: stop camera surveillance on wards"
    home.spotlight_text = "Members are campaigning to end constant video monitoring in inpatient care."
    home.save_revision().publish()
    index = PriorityAreaIndexPageFactory(parent=home, slug="priorities", show_in_menus=True)
    area = PriorityAreaPageFactory(
        parent=index,
        title="Rights and dignity",
        slug="rights",
        focus_points=[("focus_point", {"title": "Coercion", "text": "Reduce force."})],
    )
    CoalitionIndexPageFactory(parent=home, slug="coalitions", show_in_menus=True)
    CoalitionFactory(name="Data Justice Alliance")
    news = ArticleIndexPageFactory(parent=home, slug="news", show_in_menus=True)
    article = ArticlePageFactory(
        parent=news,
        title="Our response to the data plan",
        slug="data-plan",
        kind=ArticleKind.CONSULTATION_RESPONSE,
        easy_read_body=[("paragraph", "<p>We said no to sharing your data.</p>")],
    )
    article.priority_areas.add(area)
    article.save_revision().publish()
    StandardPageFactory(parent=home, title="Our approach", slug="approach", show_in_menus=True)
    return {"base": live_server.url}


PUBLIC_PAGES = [
    "/",
    "/priorities/",
    "/priorities/rights/",
    "/coalitions/",
    "/news/",
    "/news/?kind=statement",
    "/news/data-plan/",
    "/news/data-plan/easy-read/",
    "/approach/",
    "/search/?q=data",
    "/search/",
    "/no-such-page/",
]


def test_every_public_page_type_is_accessible_and_sets_no_cookie(page: Page, site: dict[str, Any]) -> None:
    for path in PUBLIC_PAGES:
        page.goto(site["base"] + path)
        assert_accessible(page)
        assert page.context.cookies() == [], f"{path} set a cookie"


def test_pages_reflow_at_320_pixels_without_sideways_scrolling(page: Page, site: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ["/", "/news/", "/news/data-plan/"]:
        page.goto(site["base"] + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
        assert_accessible(page)


def test_keyboard_walk_home_to_area_to_article_to_search(page: Page, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    tab_to(page, "main a[href='/priorities/rights/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/priorities/rights/")
    assert_accessible(page)
    tab_to(page, "main a[href='/news/data-plan/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/news/data-plan/")
    assert page.locator("h1").inner_text() == "Our response to the data plan"
    assert_accessible(page)
    tab_to(page, "#site-search-q")
    page.keyboard.type("data plan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=data+plan")
    assert "Our response to the data plan" in page.locator("main").inner_text()
    assert_accessible(page)


def test_admin_login_page_is_accessible(page: Page, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/admin/login/")
    assert_accessible(page)

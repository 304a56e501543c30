"""The Nu HTML Checker runs on every page the browser tests open, and it does find errors."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from chorus.pages.tests.factories import make_site
from e2e.conftest import SentPages
from e2e.html_checker import NuChecker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VALID = '<!doctype html><html lang="en"><title>Fine</title><p><time datetime="2026-12-07T16:30:00+00:00">now</time>'


def test_the_checker_reports_an_invalid_time_and_passes_a_valid_one(nu_checker: NuChecker) -> None:
    # The error every timestamped page had: microseconds in <time datetime>.
    invalid = VALID.replace("16:30:00+00:00", "16:30:00.123456+00:00")
    assert any("datetime" in error for error in nu_checker.errors(invalid))
    assert nu_checker.errors(VALID) == []


def test_every_html_page_the_browser_opens_is_kept_for_checking(
    page: Page, live_server: Any, sent_pages: SentPages
) -> None:
    make_site()
    page.goto(live_server.url + "/")
    page.goto(live_server.url + "/no-such-page/")
    page.goto(live_server.url + "/static/css/chorus.css")  # not HTML: not checked
    documents = sent_pages.documents(page)
    assert [url.removeprefix(live_server.url) for url, _ in documents] == ["/", "/no-such-page/"]
    # Each page's own HTML, even after the browser has moved on.
    assert all(html.lstrip().lower().startswith("<!doctype html>") for _, html in documents)
    assert "Page not found" in documents[1][1]


def test_wagtails_own_markup_errors_are_forgiven_only_on_admin_pages(nu_checker: NuChecker) -> None:
    from_wagtail = VALID.replace("<p>", "<p><button><div>toggle</div></button>")
    assert nu_checker.errors(from_wagtail)  # a public page: no exceptions
    assert nu_checker.errors(from_wagtail, wagtail_admin=True) == []
    # Any other error still fails an admin page.
    other = VALID.replace("<p>", '<p><img src="x.png">')
    assert nu_checker.errors(other, wagtail_admin=True)

"""Real-browser fixtures: the system Chromium driven by Playwright, axe-core on every page.

Every page a test opens is watched: a request to anything but the test server fails
the test (no third-party requests, ever), every HTML document the server sends is
checked by the Nu HTML Checker and must have no error (``e2e/html_checker.py``), and
``assert_accessible`` runs axe-core
with the WCAG 2.2 A and AA rules; ``assert_accessible_in_dark`` does so in the dark
colour scheme and ``assert_reflows`` checks a page at 320 CSS pixels.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from e2e.html_checker import NuChecker

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_axe = Axe()


# Browser tests use the suite's SQLite database file (conftest.py), never memory: the live
# server answers a page and the requests it starts (Wagtail's icon sprite) on separate
# threads, and an in-memory database refuses a second writer at once ("database table is
# locked"), where a file makes it wait, as it would in real use.


@pytest.fixture(autouse=True)
def indexed_for_search(search_index: None) -> None:
    """Browser tests run the site as production does, with pages indexed for search."""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def nu_checker() -> Iterator[NuChecker]:
    checker = NuChecker.start()
    yield checker
    checker.stop()


@pytest.fixture
def outside_requests() -> list[str]:
    return []


def is_our_html_document(response: Response) -> bool:
    if response.request.resource_type != "document" or urlsplit(response.url).hostname not in LOCAL_HOSTS:
        return False
    if 300 <= response.status < 400:
        return False  # a redirect has no page to check
    return response.headers.get("content-type", "").startswith("text/html")


class SentPages:
    """The HTML pages the server sends during a test, public or staff, kept to be checked.

    A page's body must be read before the browser navigates away from it, so it is read
    in the response event itself; ``documents()`` first lets any reading still under way
    finish (a response event runs while the test waits for the page to load).
    """

    def __init__(self) -> None:
        self.kept: list[tuple[str, str]] = []
        self.reading = 0
        self.unreadable: list[str] = []

    def keep(self, response: Response) -> None:
        if not is_our_html_document(response):
            return
        self.reading += 1
        try:
            self.kept.append((response.url, response.text()))
        except PlaywrightError:
            # Navigated away before the body could be read (a script moved on at once).
            self.unreadable.append(response.url)
        finally:
            self.reading -= 1

    def documents(self, page: Page) -> list[tuple[str, str]]:
        """(address, HTML as sent) for each page so far."""
        for _ in range(500):
            if not self.reading:
                break
            page.wait_for_timeout(10)  # hands control to the event that is reading a body
        return list(self.kept)


@pytest.fixture
def sent_pages() -> SentPages:
    return SentPages()


@pytest.fixture
def page(
    browser: Browser, outside_requests: list[str], nu_checker: NuChecker, sent_pages: SentPages
) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.on("response", sent_pages.keep)

    def watch(request: Any) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in LOCAL_HOSTS:
            outside_requests.append(request.url)

    context.on("request", watch)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    documents = sent_pages.documents(page)
    context.close()
    assert not outside_requests, f"Pages requested outside addresses: {outside_requests}"
    invalid = [
        f"{url}\n  " + "\n  ".join(errors)
        for url, html in documents
        if (errors := nu_checker.errors(html, wagtail_admin=urlsplit(url).path.startswith("/admin/")))
    ]
    assert not invalid, "The Nu HTML Checker found errors:\n" + "\n".join(invalid)


def assert_accessible(page: Page, *, context: Any = None) -> None:
    """Run axe-core (WCAG 2.2 A and AA rules) on the current page; fail on any violation."""
    # Wagtail fades its messages in ("Saved", "Sent"): axe must measure their final colours,
    # not a frame halfway (it once saw the success message part-faded and failed contrast).
    page.wait_for_function(
        """() => [...document.querySelectorAll('.messages > ul')].every(list =>
            getComputedStyle(list).opacity === '1'
            && list.getAnimations().every(a => a.playState !== 'running'))"""
    )
    results = _axe.run(page, context=context, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    if violations:
        lines = [f"{page.url}: {len(violations)} accessibility violation(s)"]
        for violation in violations:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
        raise AssertionError("\n".join(lines))


def wait_for_transitions(page: Page) -> None:
    """Wait until no CSS transition is running.

    Wagtail's admin fades its colours when the colour scheme changes: axe must measure the
    colours people end up seeing, not a frame halfway (it saw #5c5c5c text on #222222).
    Animations are not waited for: Wagtail pulses a sidebar badge for 25 seconds.
    """
    page.wait_for_function(
        "() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"
    )


def assert_accessible_in_dark(page: Page) -> None:
    """Run axe again with the dark colour scheme (the site and Wagtail's admin follow the OS)."""
    page.emulate_media(color_scheme="dark")
    try:
        wait_for_transitions(page)
        assert_accessible(page)
    finally:
        page.emulate_media(color_scheme="light")
        wait_for_transitions(page)


# Wagtail's editors park their closed side panel and collapsed minimap just past main's
# right edge, ready to slide in: that is not content cut off, so it is left out of the
# measurement. Opened, each must fit at 320px too (e2e/test_staff_editors.py opens them).
PARKED_WHILE_CLOSED = "aside.form-side:not(.form-side--open), .w-minimap:not(.w-minimap--expanded)"


def assert_reflows(page: Page, *, width: int = 320) -> None:
    """At 320 CSS pixels (a phone, or 1280 at 400% zoom) nothing is wider than the screen.

    Wagtail's admin hides sideways overflow on its main element, so there wide content is
    cut off rather than scrolled: compare main's content width with its box as well.
    """
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 640})
    try:
        # Wagtail folds its sidebar away a moment after the resize: wait until main's width
        # is the same on two readings 100ms apart.
        page.evaluate("window.__mainWidth = -1")
        page.wait_for_function(
            """() => {
                const now = document.querySelector("main").clientWidth;
                const settled = now === window.__mainWidth;
                window.__mainWidth = now;
                return settled;
            }""",
            polling=100,
        )
        page_width, main_width, main_box = page.evaluate(
            """(parked) => {
                const main = document.querySelector("main");
                const away = [...main.querySelectorAll(parked)].map(e => [e, e.style.display]);
                away.forEach(([e]) => { e.style.display = "none"; });
                const widths = [document.documentElement.scrollWidth, main.scrollWidth, main.clientWidth];
                away.forEach(([e, display]) => { e.style.display = display; });
                return widths;
            }""",
            PARKED_WHILE_CLOSED,
        )
    finally:
        if size:
            page.set_viewport_size(size)
    assert page_width <= width, f"{page.url} scrolls sideways at {width}px: {page_width}px wide"
    assert main_width <= main_box, f"{page.url} cuts off content at {width}px: {main_width}px in a {main_box}px main"


def sign_in_as_staff(page: Page, user: Any, base: str) -> None:
    """Give the browser the session of a member of staff who has passed the second step."""
    from conftest import client_for  # the project's root conftest, importable once Django is set up

    session = client_for(user).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base}])


def tab_to(page: Page, selector: str, *, max_presses: int = 80) -> None:
    """Press Tab until the element matching the selector has focus, as a keyboard user would."""
    target = page.locator(selector).first
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Could not reach {selector} with the Tab key")


# Pictures for docs/staff-guide.md, retaken when CHORUS_STAFF_GUIDE_SCREENSHOTS=1 is set (not on
# every run: the figures and times on screen change, and a test run should not change the repository).
GUIDE_PICTURES = Path(__file__).resolve().parents[1] / "docs" / "staff-guide"


def guide_picture(page: Page, name: str, *, showing: str = "") -> None:
    """Save what the browser shows now as docs/staff-guide/<name>, for the staff guide.

    The picture is the 1280 by 900 window, not the whole page, so each file stays small
    (well under 150 KB); ``showing`` (a selector) first scrolls the part the guide talks
    about to the top of the window.
    """
    if os.environ.get("CHORUS_STAFF_GUIDE_SCREENSHOTS") != "1":
        return
    if showing:
        page.locator(showing).first.evaluate("element => element.scrollIntoView({block: 'start'})")
    wait_for_transitions(page)
    GUIDE_PICTURES.mkdir(exist_ok=True)
    page.screenshot(path=GUIDE_PICTURES / name)
    if showing:
        page.evaluate("window.scrollTo(0, 0)")


def wait_for_mail(to: str, *, subject: str = "", seconds: float = 15.0) -> list[Any]:
    """The emails sent to one address so far (only those whose subject has ``subject`` in it),
    waiting for the first: the outbox sends after the request's transaction commits, in the
    live server's thread."""
    from django.core import mail

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [message for message in mail.outbox if message.to == [to] and subject in message.subject]
        if found:
            return found
        time.sleep(0.2)
    return []

"""Wagtail's editing screens for our page types, snippets and model forms, with axe on each.

Every page type's edit screen is opened by the persona who edits it (an editor; a
campaigner for open letters and petitions) with its StreamFields holding every kind of
block, so each widget is drawn. Each screen is checked in the light and dark colour
schemes and at 320 CSS pixels. Rich-text (Draftail) editors get their accessible names
from chorus/static/js/editor-field-names.js; the last tests check that a rich-text
block added after the page has loaded is named too.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from wagtail.admin.models import EditingSession

from chorus.accounts.models import User
from chorus.accounts.services import roles_sync
from chorus.bulletin.tests.factories import make_index, make_issue
from chorus.campaigns.models import BlockedEmailDomain, BlockedIpHash
from chorus.campaigns.tests.factories import CampaignIndexPageFactory, OpenLetterPageFactory, PetitionPageFactory
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import (
    CoalitionFactory,
    CoalitionIndexPageFactory,
    PriorityAreaIndexPageFactory,
    PriorityAreaPageFactory,
    StandardPageFactory,
    make_site,
)
from chorus.support.models import SupportPage
from chorus.tracker.tests.factories import (
    ResponseFactory,
    StageFactory,
    SubmissionWindowFactory,
    TrackedItemFactory,
    TrackerPageFactory,
)
from e2e.conftest import (
    assert_accessible,
    assert_accessible_in_dark,
    assert_reflows,
    sign_in_as_staff,
    wait_for_transitions,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# One of every block BodyBlock offers (the document block left empty: no file to choose).
BODY = [
    ("heading", "Why cameras on wards harm recovery"),
    ("paragraph", "<p>People told us they feel <b>watched</b>, not cared for.</p>"),
    ("quote", {"quote": "I could not sleep with the camera on me.", "attribution": "A member"}),
    (
        "call_to_action",
        {
            "heading": "Add your name",
            "text": "It takes a minute.",
            "link_page": None,
            "link_url": "https://example.org/sign",
            "link_text": "Sign the open letter",
        },
    ),
    ("document", None),
]
# The Easy Read StreamField's every kind of block: a sentence with a bundled picture, and
# plain text (Easy Read written before pictures).
EASY_READ = [
    (
        "picture_sentence",
        {"text": "Cameras watch people.", "symbol": "camera", "image": None, "image_alt": ""},
    ),
    ("paragraph", "<p>We want them to stop.</p>"),
]


@pytest.fixture
def tree(live_server: Any) -> dict[str, Any]:
    """A site holding one page of every type, and a row for each snippet and model form."""
    home = make_site()
    home.approach = "<p>We start from what members tell us.</p>"
    home.save_revision().publish()
    areas = PriorityAreaIndexPageFactory(parent=home, slug="priorities")
    news = ArticleIndexPageFactory(parent=home, slug="news")
    campaigns = CampaignIndexPageFactory(parent=home)
    support = SupportPage(
        title="Get support", slug="support", intro="We help.", alert_text="Tell us.", campaign_text="Ask us."
    )
    home.add_child(instance=support)
    bulletin = make_index(home)
    item = TrackedItemFactory(title="Health data sharing proposals")
    StageFactory(item=item)
    SubmissionWindowFactory(item=item)
    pages = {
        "home": home,
        "standard": StandardPageFactory(parent=home, title="Our approach", body=BODY),
        "priority area index": areas,
        "priority area": PriorityAreaPageFactory(
            parent=areas,
            title="Rights and dignity",
            body=BODY,
            focus_points=[("focus_point", {"title": "Coercion", "text": "Reduce force."})],
        ),
        "coalition index": CoalitionIndexPageFactory(parent=home, slug="coalitions"),
        "article index": news,
        "article": ArticlePageFactory(parent=news, title="Our response", body=BODY, easy_read_body=EASY_READ),
        "campaign index": campaigns,
        "open letter": OpenLetterPageFactory(
            parent=campaigns, title="Cameras off our wards", body=BODY, easy_read_summary=EASY_READ
        ),
        "petition": PetitionPageFactory(parent=campaigns, title="Halt the data plan", body=BODY),
        "support": support,
        "tracker": TrackerPageFactory(parent=home),
        "bulletin index": bulletin,
        "bulletin issue": make_issue(bulletin, publish=False),
    }
    roles_sync()  # campaigners' page permissions apply to the campaign index made above
    return {
        "base": live_server.url,
        "pages": pages,
        "coalition": CoalitionFactory(name="Data Justice Alliance"),
        "item": item,
        "response": ResponseFactory(item=item),
        "domain": BlockedEmailDomain.objects.create(domain="throwaway-mail.example", reason="Bulk sign-ups"),
        "address": BlockedIpHash.objects.create(ip_hash="a" * 64, reason="A burst of sign-ups"),
    }


def open_screen(page: Page, url: str) -> None:
    """Open a screen, once the editor being left (if any) has ended its editing session.

    Wagtail's editor ends its session with a beacon when it is left, which Playwright
    cannot see; the test waits for its effect instead, so that the request does not reach
    the server while the test database is being flushed.
    """
    editing_session = page.locator("form.w-editing-sessions")
    release = editing_session.get_attribute("data-w-action-url-value") if editing_session.count() else None
    page.goto(url)
    if release:
        session_id = int(release.rstrip("/").rsplit("/", 1)[1])
        for _ in range(100):
            if not EditingSession.objects.filter(pk=session_id).exists():
                break
            page.wait_for_timeout(50)
        else:
            raise AssertionError(f"The editor's session {session_id} was not released")
    path = urlsplit(url).path
    assert urlsplit(page.url).path == path, f"{path} led to {page.url}"
    # Draftail draws its editors after the page has loaded.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-draftail-editor-wrapper]')]"
        ".every(wrapper => wrapper.querySelector('[role=textbox]'))"
    )


def check_screen(page: Page, url: str) -> None:
    open_screen(page, url)
    assert_accessible(page)
    assert_accessible_in_dark(page)
    assert_reflows(page)


def test_page_editors_are_accessible(page: Page, tree: dict[str, Any], editor: User) -> None:
    base, pages = tree["base"], tree["pages"]
    sign_in_as_staff(page, editor, base)
    for key, each in pages.items():
        if key in ("open letter", "petition"):
            continue  # the campaigner's, below
        check_screen(page, f"{base}/admin/pages/{each.pk}/edit/")
    for model, parent in (
        ("pages/standardpage", "home"),
        ("pages/priorityareapage", "priority area index"),
        ("news/articlepage", "article index"),
        ("bulletin/bulletinissue", "bulletin index"),
    ):
        check_screen(page, f"{base}/admin/pages/add/{model}/{pages[parent].pk}/")
    open_screen(page, f"{base}/admin/")


def test_campaign_page_editors_are_accessible(page: Page, tree: dict[str, Any], campaigner: User) -> None:
    base, pages = tree["base"], tree["pages"]
    sign_in_as_staff(page, campaigner, base)
    for key in ("open letter", "petition"):
        check_screen(page, f"{base}/admin/pages/{pages[key].pk}/edit/")
    for model in ("campaigns/openletterpage", "campaigns/petitionpage"):
        check_screen(page, f"{base}/admin/pages/add/{model}/{pages['campaign index'].pk}/")
    open_screen(page, f"{base}/admin/")


def test_snippet_and_model_forms_are_accessible(
    page: Page, tree: dict[str, Any], editor: User, campaigner: User
) -> None:
    base = tree["base"]
    sign_in_as_staff(page, editor, base)
    for path in (
        f"snippets/pages/coalition/edit/{tree['coalition'].pk}/",
        "snippets/pages/coalition/add/",
        f"tracker/items/edit/{tree['item'].pk}/",
        "tracker/items/new/",
        f"tracker/responses/edit/{tree['response'].pk}/",
        "tracker/responses/new/",
    ):
        check_screen(page, f"{base}/admin/{path}")
    open_screen(page, f"{base}/admin/")
    sign_in_as_staff(page, campaigner, base)
    for path in (
        f"blocked-domains/edit/{tree['domain'].pk}/",
        "blocked-domains/new/",
        f"blocked-addresses/edit/{tree['address'].pk}/",
        "blocked-addresses/new/",
    ):
        check_screen(page, f"{base}/admin/{path}")
    open_screen(page, f"{base}/admin/")


def test_editor_side_panels_and_minimap_fit_at_320_pixels(page: Page, tree: dict[str, Any], editor: User) -> None:
    """Closed, Wagtail parks these just off the screen (assert_reflows leaves them out); open, they fit."""
    base = tree["base"]
    sign_in_as_staff(page, editor, base)
    for path in (
        f"pages/{tree['pages']['article'].pk}/edit/",
        f"snippets/pages/coalition/edit/{tree['coalition'].pk}/",
    ):
        open_screen(page, f"{base}/admin/{path}")
        page.set_viewport_size({"width": 320, "height": 640})
        page.click("#w-minimap-toggle")
        page.wait_for_selector(".w-minimap--expanded")
        wait_for_transitions(page)
        assert_reflows(page)
        assert_accessible(page)
        page.click("#w-minimap-toggle")
        page.wait_for_selector("#w-minimap-toggle[aria-expanded=false]")
        toggles = page.locator("[data-side-panel-toggle]")
        assert toggles.count(), f"{path} has no side panels"
        for toggle in toggles.all():
            toggle.click()  # status, preview, checks: one at a time
            page.wait_for_selector("aside.form-side--open")
            wait_for_transitions(page)
            assert_reflows(page)
            assert_accessible(page)
            toggle.click()
            page.wait_for_selector("aside.form-side:not(.form-side--open)", state="attached")
        page.set_viewport_size({"width": 1280, "height": 900})
    open_screen(page, f"{base}/admin/")


def test_rich_text_editors_are_named_by_their_labels(page: Page, tree: dict[str, Any], editor: User) -> None:
    base, pages = tree["base"], tree["pages"]
    sign_in_as_staff(page, editor, base)
    open_screen(page, f"{base}/admin/pages/{pages['home'].pk}/edit/")
    expect(page.get_by_role("textbox", name="Approach", exact=True)).to_have_count(1)
    open_screen(page, f"{base}/admin/pages/{pages['article'].pk}/edit/")
    expect(page.get_by_role("textbox", name="Body Paragraph", exact=True)).to_have_count(1)
    expect(page.get_by_role("textbox", name="Easy read body Text without a picture", exact=True)).to_have_count(1)

    # A paragraph added to a new article's body is named as soon as Draftail draws it.
    open_screen(page, f"{base}/admin/pages/add/news/articlepage/{pages['article index'].pk}/")
    body = page.locator("[data-contentpath=body]")
    body.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Paragraph").click()
    added = page.get_by_role("textbox", name="Body Paragraph", exact=True)
    expect(added).to_have_count(1)
    added.click()
    page.keyboard.type("People told us they feel watched.")
    assert_accessible(page)
    open_screen(page, f"{base}/admin/")


def test_inline_panels_add_rows_on_a_tracked_item(page: Page, tree: dict[str, Any], editor: User) -> None:
    """Wagtail starts inline panels with an inline script: the admin's policy must let it run."""
    base = tree["base"]
    sign_in_as_staff(page, editor, base)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    open_screen(page, f"{base}/admin/tracker/items/edit/{tree['item'].pk}/")
    total = page.locator("#id_stages-TOTAL_FORMS")  # the formset's count of stage forms
    before = int(total.input_value())
    page.get_by_role("button", name=re.compile(r"^Add stage$", re.IGNORECASE)).first.click()
    expect(total).to_have_value(str(before + 1))
    expect(page.locator(f"#inline_child_stages-{before}")).to_be_visible()
    assert not [text for text in messages if "Content Security Policy" in text], messages
    assert_accessible(page)
    open_screen(page, f"{base}/admin/")


def test_the_live_preview_panel_shows_the_page(page: Page, tree: dict[str, Any], editor: User) -> None:
    """The preview is framed by the site itself; the admin's policy allows exactly that (ADR 0010)."""
    base, article = tree["base"], tree["pages"]["article"]
    sign_in_as_staff(page, editor, base)
    open_screen(page, f"{base}/admin/pages/{article.pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").click()
    # Wagtail loads the preview into a new frame and swaps it in when it has loaded.
    preview = page.frame_locator("[data-side-panel='preview'] iframe[src*='/preview/']").first
    expect(preview.locator("h1")).to_have_text(article.title)
    assert_accessible(page)
    open_screen(page, f"{base}/admin/")


def test_a_tracked_item_draft_is_saved_and_previewed(page: Page, tree: dict[str, Any], editor: User) -> None:
    """Save draft keeps the item off the public tracker; the preview panel shows the draft as the item page."""
    base, item = tree["base"], tree["item"]
    sign_in_as_staff(page, editor, base)
    open_screen(page, f"{base}/admin/tracker/items/edit/{item.pk}/")
    page.get_by_label(re.compile(r"^Title")).fill("Health data sharing: our draft")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("changes the public cannot see yet")).to_be_visible()
    item.refresh_from_db()
    assert item.title == "Health data sharing proposals" and item.has_unpublished_changes
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("[data-side-panel='preview'] iframe[src*='/preview/']").first
    expect(preview.locator("h1")).to_have_text("Health data sharing: our draft")
    assert_accessible(page)
    open_screen(page, f"{base}/admin/")

"""Pictures on articles and campaign pages, in a real browser: accessible, valid HTML, and fitting a phone."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Picture
from playwright.sync_api import Page, expect
from wagtail.images import get_image_model
from wagtail.models import Collection

from chorus.accounts.models import User
from chorus.accounts.services import roles_sync
from chorus.campaigns.tests.factories import CampaignIndexPageFactory, OpenLetterPageFactory
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.pictures import TEXT_ALTERNATIVE_NEEDED, make_responsive_renditions
from chorus.pages.tests.factories import make_site
from chorus.pages.tests.test_image_metadata import WAGTAIL_RENDITION_LEAK
from e2e.conftest import assert_accessible, assert_reflows, sign_in_as_staff
from e2e.test_staff_editors import open_screen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ALT = "Members holding a banner that says Care not cameras outside a hospital"


def _picture(name: str) -> Any:
    if Collection.get_first_root_node() is None:  # an earlier browser test emptied the database
        Collection.add_root(name="Root")
    output = io.BytesIO()
    Picture.new("RGB", (1200, 450), "#1d4f91").save(output, format="PNG")
    image = get_image_model().objects.create(title=name, file=SimpleUploadedFile(name, output.getvalue()))
    # Made here, as the demo does, not by the server thread while it answers the browser.
    make_responsive_renditions(image)
    return image


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home, slug="news", show_in_menus=True)
    article = ArticlePageFactory(
        parent=news, slug="pictured", title="Members march", lead_image=_picture("march.png"), lead_image_alt=ALT
    )
    campaigns = CampaignIndexPageFactory(parent=home)
    OpenLetterPageFactory(
        parent=campaigns,
        slug="banner-letter",
        title="Cameras off our wards",
        lead_image=_picture("banner.png"),
        lead_image_decorative=True,
    )
    roles_sync()  # editors' page permissions apply to the pages made above
    return {"base": live_server.url, "article": article}


@pytest.mark.parametrize(
    ("path", "alt"), [("/news/pictured/", ALT), ("/campaigns/banner-letter/", "")], ids=["article", "letter"]
)
def test_a_page_with_a_picture_is_accessible_and_fits_a_phone(
    page: Page, site: dict[str, Any], path: str, alt: str
) -> None:
    page.goto(site["base"] + path)
    picture = page.locator("article img.responsive-image")
    assert picture.count() == 1
    assert picture.get_attribute("alt") == alt
    assert picture.get_attribute("loading") == "lazy"
    assert int(picture.get_attribute("width") or 0) > 0 and int(picture.get_attribute("height") or 0) > 0
    assert ".webp" in (picture.get_attribute("srcset") or "")
    assert_accessible(page)
    assert_reflows(page)


# The editor's image chooser shows a thumbnail, which the server makes while it answers.
@WAGTAIL_RENDITION_LEAK
def test_an_editor_is_told_beside_the_field_when_a_picture_has_no_words(
    page: Page, site: dict[str, Any], editor: User
) -> None:
    base, article = site["base"], site["article"]
    sign_in_as_staff(page, editor, base)
    open_screen(page, f"{base}/admin/pages/{article.pk}/edit/")
    expect(page.get_by_role("heading", name="Picture", exact=True)).to_be_visible()
    page.get_by_label("Picture's text alternative").fill("   ")
    page.get_by_role("button", name="Save draft").click()
    alt_field = page.locator("[data-field-wrapper]").filter(has=page.get_by_label("Picture's text alternative"))
    expect(alt_field.get_by_text(TEXT_ALTERNATIVE_NEEDED)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The picture is only decoration").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(TEXT_ALTERNATIVE_NEEDED)).to_have_count(0)
    article.refresh_from_db()
    assert article.get_latest_revision_as_object().lead_image_decorative
    open_screen(page, f"{base}/admin/")  # ends the editing session before the database is emptied

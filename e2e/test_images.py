"""Pictures on articles and campaign pages, in a real browser: accessible, valid HTML, and fitting a phone."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Picture
from playwright.sync_api import Page
from wagtail.images import get_image_model

from chorus.campaigns.tests.factories import CampaignIndexPageFactory, OpenLetterPageFactory
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.pictures import make_responsive_renditions
from chorus.pages.tests.factories import make_site
from e2e.conftest import assert_accessible, assert_reflows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ALT = "Members holding a banner that says Care not cameras outside a hospital"


def _picture(name: str) -> Any:
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
    ArticlePageFactory(parent=news, slug="pictured", title="Members march", lead_image=_picture("march.png"), lead_image_alt=ALT)
    campaigns = CampaignIndexPageFactory(parent=home)
    OpenLetterPageFactory(
        parent=campaigns,
        slug="banner-letter",
        title="Cameras off our wards",
        lead_image=_picture("banner.png"),
        lead_image_decorative=True,
    )
    return {"base": live_server.url}


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

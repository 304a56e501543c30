"""A picture on articles, open letters and petitions: words for people who cannot see it, and sized for each screen.

One rule for every picture a page carries (chorus.pages.pictures): a text alternative is needed
unless the editor says the picture is only decoration, and then screen readers skip it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as Picture
from wagtail.admin.panels import MultiFieldPanel
from wagtail.images import get_image_model
from wagtail.models import Page

from chorus.campaigns.tests.factories import CampaignIndexPageFactory, OpenLetterPageFactory, PetitionPageFactory
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.blocks import picture_sentences
from chorus.pages.pictures import TEXT_ALTERNATIVE_NEEDED, make_responsive_renditions
from chorus.pages.tests.factories import make_site
from chorus.pages.tests.test_image_metadata import WAGTAIL_RENDITION_LEAK

pytestmark = pytest.mark.django_db

ALT = "Members holding a banner that says Care not cameras outside a hospital"


def _picture(name: str = "march.png") -> Any:
    output = io.BytesIO()
    Picture.new("RGB", (800, 400), "#1d4f91").save(output, format="PNG")
    return get_image_model().objects.create(title=name, file=SimpleUploadedFile(name, output.getvalue()))


def _article(home: Page, **fields: Any) -> Page:
    news = ArticleIndexPageFactory(parent=home, slug="news")
    page: Page = ArticlePageFactory(parent=news, slug="a-response", **fields)
    return page


def _letter(home: Page, **fields: Any) -> Page:
    page: Page = OpenLetterPageFactory(parent=CampaignIndexPageFactory(parent=home), slug="a-letter", **fields)
    return page


def _petition(home: Page, **fields: Any) -> Page:
    page: Page = PetitionPageFactory(parent=CampaignIndexPageFactory(parent=home), slug="a-petition", **fields)
    return page


PAGE_KINDS: list[Callable[..., Page]] = [_article, _letter, _petition]
KIND_IDS = ["article", "open letter", "petition"]


def _lead_picture_tag(client: Client, page: Page) -> str | None:
    """The first <img> inside the page's <article>, or None when it has none."""
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    article = html[html.index("<article") : html.index("</article>")]
    found = re.search(r"<img\b[^>]*>", article)
    return found.group(0) if found else None


# --- The rule, when an editor saves ----------------------------------------------------------------


@pytest.mark.parametrize("make_page", PAGE_KINDS, ids=KIND_IDS)
def test_a_picture_needs_a_text_alternative_unless_it_is_only_decoration(make_page: Callable[..., Page]) -> None:
    page: Any = make_page(make_site())
    page.full_clean()  # no picture: nothing more to say

    page.lead_image = _picture()
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert refused.value.message_dict["lead_image_alt"] == [TEXT_ALTERNATIVE_NEEDED]
    assert "Describe what the picture shows" in TEXT_ALTERNATIVE_NEEDED

    page.lead_image_alt = " \t\n "
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert "lead_image_alt" in refused.value.message_dict, "spaces alone are not a text alternative"

    page.lead_image_decorative = True
    page.full_clean()

    page.lead_image_decorative = False
    page.lead_image_alt = ALT
    page.full_clean()


def test_the_home_spotlight_picture_keeps_the_same_rule_and_words() -> None:
    home: Any = make_site()
    home.spotlight_heading = "Cameras off our wards"
    home.spotlight_image = _picture()
    home.spotlight_image_alt = "   "
    with pytest.raises(ValidationError) as refused:
        home.full_clean()
    assert refused.value.message_dict["spotlight_image_alt"] == [TEXT_ALTERNATIVE_NEEDED]


@pytest.mark.parametrize("make_page", PAGE_KINDS, ids=KIND_IDS)
def test_the_editor_finds_the_three_fields_in_one_picture_panel(make_page: Callable[..., Page]) -> None:
    page = make_page(make_site())
    panels = [
        panel
        for panel in type(page).content_panels
        if isinstance(panel, MultiFieldPanel) and panel.heading == "Picture"
    ]
    assert len(panels) == 1
    (panel,) = panels
    assert [child.field_name for child in panel.children] == [
        "lead_image",
        "lead_image_alt",
        "lead_image_decorative",
    ]
    assert "decoration" in panel.help_text


def test_the_text_alternative_is_not_indexed_for_search() -> None:
    from chorus.campaigns.models import ActionPage
    from chorus.news.models import ArticlePage

    for model in (ArticlePage, ActionPage):
        indexed = {field.field_name for field in model.get_search_fields()}
        assert "summary" in indexed
        assert not indexed & {"lead_image", "lead_image_alt"}


# --- What readers get ------------------------------------------------------------------------------


@WAGTAIL_RENDITION_LEAK
@pytest.mark.parametrize("make_page", PAGE_KINDS, ids=KIND_IDS)
def test_the_picture_is_responsive_webp_with_its_size_and_loaded_lazily(
    make_page: Callable[..., Page], client: Client
) -> None:
    page = make_page(make_site(), lead_image=_picture(), lead_image_alt=ALT)
    tag = _lead_picture_tag(client, page)
    assert tag is not None
    assert f'alt="{ALT}"' in tag
    assert 'loading="lazy"' in tag
    assert re.search(r'\bwidth="\d+"', tag) and re.search(r'\bheight="\d+"', tag)
    srcset = re.search(r'srcset="([^"]+)"', tag)
    assert srcset is not None
    candidates = [candidate.split() for candidate in srcset.group(1).split(",")]
    assert len(candidates) == 3 and all(url.endswith(".webp") for url, _ in candidates)


@WAGTAIL_RENDITION_LEAK
@pytest.mark.parametrize("make_page", PAGE_KINDS, ids=KIND_IDS)
def test_a_decorative_picture_has_an_empty_text_alternative(make_page: Callable[..., Page], client: Client) -> None:
    # The words an editor typed before ticking "decoration" are not read out.
    page = make_page(make_site(), lead_image=_picture(), lead_image_alt="A blue square", lead_image_decorative=True)
    tag = _lead_picture_tag(client, page)
    assert tag is not None
    assert 'alt=""' in tag
    assert "A blue square" not in tag


@pytest.mark.parametrize("make_page", PAGE_KINDS, ids=KIND_IDS)
def test_a_page_without_a_picture_shows_none(make_page: Callable[..., Page], client: Client) -> None:
    page = make_page(make_site())
    assert _lead_picture_tag(client, page) is None


@WAGTAIL_RENDITION_LEAK
def test_the_easy_read_version_keeps_to_its_own_pictures(client: Client) -> None:
    # Easy Read puts a picture beside each sentence; a lead picture there would stand beside none.
    article = _article(
        make_site(),
        lead_image=_picture("lead.png"),
        lead_image_alt=ALT,
        easy_read_body=picture_sentences(("camera", "Some wards have cameras.")),
    )
    assert ALT in client.get(article.url).content.decode()
    easy_read = client.get(article.url + "easy-read/").content.decode()
    assert "Some wards have cameras." in easy_read
    assert ALT not in easy_read and "/lead." not in easy_read


def test_renditions_made_ahead_are_the_ones_the_page_asks_for(client: Client) -> None:
    # make_responsive_renditions and includes/responsive_image.html must name the same sizes, or
    # the first reader of each demo page would still wait for the pictures to be made.
    picture = _picture()
    make_responsive_renditions(picture)
    made = picture.renditions.count()
    assert made == 3
    page = _article(make_site(), lead_image=picture, lead_image_alt=ALT)
    assert _lead_picture_tag(client, page) is not None
    assert picture.renditions.count() == made


# --- The demo ------------------------------------------------------------------------------------


def test_the_demo_banners_are_decorative_drawn_once_and_ready(client: Client) -> None:
    from chorus.news import demo as news_demo
    from chorus.news.models import ArticlePage
    from chorus.pages import demo as pages_demo

    pages_demo.load()
    news_demo.load()
    images = get_image_model().objects.count()
    renditions = get_image_model().get_rendition_model().objects.count()
    pictured = list(ArticlePage.objects.filter(lead_image__isnull=False))
    assert {article.slug for article in pictured} == set(news_demo.BANNERS)
    assert images == len(news_demo.BANNERS)
    for article in pictured:
        assert article.lead_image_decorative, "an abstract banner carries no information"
        with article.lead_image.open_file() as stored, Picture.open(stored) as banner:
            assert banner.format == "PNG" and banner.size == (1200, 450)
        tag = _lead_picture_tag(client, article)
        assert tag is not None and 'alt=""' in tag

    news_demo.load()
    assert get_image_model().objects.count() == images
    assert get_image_model().get_rendition_model().objects.count() == renditions


def test_the_demo_open_letter_has_a_decorative_banner(client: Client) -> None:
    from chorus.campaigns import demo as campaigns_demo

    _, letter, petition = campaigns_demo._ensure_pages()  # the pages alone, without demo signatures
    assert letter.lead_image is not None and letter.lead_image_decorative
    assert petition.lead_image is None
    tag = _lead_picture_tag(client, letter)
    assert tag is not None and 'alt=""' in tag

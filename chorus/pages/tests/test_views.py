"""Public pages render, set no cookies, and carry privacy and caching headers."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client

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

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_tree() -> dict[str, Any]:
    home = make_site()
    areas_index = PriorityAreaIndexPageFactory(parent=home, slug="priorities")
    area = PriorityAreaPageFactory(parent=areas_index, title="Rights and dignity", slug="rights")
    coalitions = CoalitionIndexPageFactory(parent=home, slug="coalitions")
    coalition = CoalitionFactory(name="Data Justice Alliance")
    news = ArticleIndexPageFactory(parent=home, slug="news")
    article = ArticlePageFactory(
        parent=news,
        title="Our response to the data plan",
        slug="data-plan",
        kind=ArticleKind.CONSULTATION_RESPONSE,
        easy_read_body=[("paragraph", "<p>Easy words.</p>")],
    )
    article.priority_areas.add(area)
    article.coalitions.add(coalition)
    article.save_revision().publish()
    approach = StandardPageFactory(parent=home, title="Our approach", slug="approach")
    return {
        "home": home,
        "area": area,
        "news": news,
        "article": article,
        "approach": approach,
        "coalitions": coalitions,
    }


def test_content_pages_render_without_setting_cookies(client: Client, site_tree: dict[str, Any]) -> None:
    for url in [
        "/",
        "/priorities/",
        "/priorities/rights/",
        "/coalitions/",
        "/news/",
        "/news/data-plan/",
        "/news/data-plan/easy-read/",
        "/approach/",
        "/search/?q=data",
        "/feeds/articles/",
        "/sitemap.xml",
        "/robots.txt",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, f"{url} set a cookie: {list(response.cookies)}"


def test_pages_send_a_strict_content_security_policy(client: Client, site_tree: dict[str, Any]) -> None:
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "<script" not in response.content.decode()


def test_public_pages_are_cacheable_by_shared_caches(client: Client, site_tree: dict[str, Any]) -> None:
    cache_control = client.get("/news/data-plan/")["Cache-Control"]
    assert "public" in cache_control
    assert "stale-while-revalidate" in cache_control
    assert "stale-if-error" in cache_control


def test_home_page_shows_areas_coalitions_and_latest_news(client: Client, site_tree: dict[str, Any]) -> None:
    html = client.get("/").content.decode()
    assert "Rights and dignity" in html
    assert "Data Justice Alliance" in html
    assert "Our response to the data plan" in html
    assert 'href="/news/">All news and briefings</a>' in html
    assert 'href="/coalitions/">What we do in each coalition</a>' in html


def test_priority_area_lists_its_articles(client: Client, site_tree: dict[str, Any]) -> None:
    html = client.get("/priorities/rights/").content.decode()
    assert "Our work in this area" in html
    assert "Our response to the data plan" in html


def test_article_listing_filters_by_kind_area_and_year(client: Client, site_tree: dict[str, Any]) -> None:
    ArticlePageFactory(parent=site_tree["news"], title="A statement on policing", kind=ArticleKind.STATEMENT)
    html = client.get("/news/?kind=statement").content.decode()
    assert "A statement on policing" in html
    assert "Our response to the data plan" not in html
    html = client.get("/news/?area=rights").content.decode()
    assert "Our response to the data plan" in html
    assert "A statement on policing" not in html
    assert "1 article matching" in client.get("/news/?year=2026&area=rights").content.decode()


def test_article_listing_ignores_malformed_filters(client: Client, site_tree: dict[str, Any]) -> None:
    response = client.get("/news/?kind=bad&year=99999999999&page=-3")
    assert response.status_code == 200
    # A NUL character is no filter value at all: the whole request is refused (core.middleware).
    assert client.get("/news/?kind=%00bad").status_code == 400


def test_easy_read_is_404_when_there_is_none(client: Client, site_tree: dict[str, Any]) -> None:
    article = ArticlePageFactory(parent=site_tree["news"], slug="no-easy-read")
    assert client.get(f"{article.url}easy-read/").status_code == 404


def test_search_finds_articles_and_pages(search_index: None, client: Client, site_tree: dict[str, Any]) -> None:
    html = client.get("/search/?q=response").content.decode()
    assert "Our response to the data plan" in html
    assert client.get("/search/?q=" + "x" * 5000).status_code == 200


@pytest.mark.parametrize("url", ["/feeds/articles/", "/feeds/areas/rights/", "/feeds/kinds/consultation-response/"])
def test_feeds_parse_as_atom(client: Client, site_tree: dict[str, Any], url: str) -> None:
    feed = feedparser.parse(client.get(url).content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Our response to the data plan"]


def test_unknown_feeds_are_404(client: Client, site_tree: dict[str, Any]) -> None:
    assert client.get("/feeds/areas/nope/").status_code == 404
    assert client.get("/feeds/kinds/nope/").status_code == 404


def test_sitemap_is_valid_xml_listing_pages(client: Client, site_tree: dict[str, Any]) -> None:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locations = [element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(loc and loc.endswith("/news/data-plan/") for loc in locations)


def test_unknown_page_uses_the_site_design(client: Client, site_tree: dict[str, Any]) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_call_to_action_without_a_link_shows_no_empty_link(client: Client, site_tree: dict[str, Any]) -> None:
    page = StandardPageFactory(
        parent=site_tree["home"],
        slug="help",
        body=[("call_to_action", {"heading": "Get help", "text": "Ask us.", "link_text": "Ask"})],
    )
    html = client.get(page.url).content.decode()
    assert "Get help" in html
    assert 'href=""' not in html

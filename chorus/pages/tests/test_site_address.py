"""The Wagtail Site follows SITE_URL, so sitemap.xml and the Atom feeds link to the real address."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from wagtail.models import Site

from chorus.core.checks import check_site_follows_site_url
from chorus.core.sites import address_from_site_url, align_default_site
from chorus.news import demo as news_demo
from chorus.pages import demo as pages_demo

pytestmark = pytest.mark.django_db

SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def sitemap_locations(client: Client) -> list[str]:
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    return [element.text or "" for element in root.iter(SITEMAP_LOC)]


@pytest.mark.parametrize(
    ("site_url", "hostname", "port"),
    [
        ("https://chorus.example.org", "chorus.example.org", 443),
        ("http://127.0.0.1:8000", "127.0.0.1", 8000),
        ("http://chorus.test", "chorus.test", 80),
    ],
)
def test_the_site_address_is_read_from_site_url(site_url: str, hostname: str, port: int) -> None:
    address = address_from_site_url(site_url)
    assert (address.hostname, address.port) == (hostname, port)


@override_settings(SITE_URL="https://chorus.example.org")
def test_loading_the_demo_gives_sitemap_and_feeds_the_site_url(client: Client) -> None:
    pages_demo.load()
    news_demo.load()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("chorus.example.org", 443)

    locations = sitemap_locations(client)
    assert locations and all(loc.startswith("https://chorus.example.org/") for loc in locations)

    feed = feedparser.parse(client.get("/feeds/articles/").content)
    links = [entry.link for entry in feed.entries]
    assert links and all(link.startswith("https://chorus.example.org/") for link in links)


def test_the_check_warns_while_the_site_differs_and_align_site_fixes_it() -> None:
    pages_demo.load()
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    with override_settings(SITE_URL="https://chorus.example.org"):
        warnings = check_site_follows_site_url(databases=["default"])
        assert [warning.id for warning in warnings] == ["core.W201"]
        assert "http://localhost" in warnings[0].msg
        # Only when the check may read the database (migrate, check --database default).
        assert check_site_follows_site_url(databases=None) == []

        out = io.StringIO()
        call_command("align_site", stdout=out)
        assert "https://chorus.example.org" in out.getvalue()
        assert check_site_follows_site_url(databases=["default"]) == []


def test_align_site_refuses_an_address_a_site_cannot_hold() -> None:
    pages_demo.load()
    with override_settings(SITE_URL="https://chorus.example.org:8443"), pytest.raises(CommandError):
        call_command("align_site", stdout=io.StringIO())


def test_align_site_without_a_site_says_what_to_do() -> None:
    Site.objects.all().delete()
    assert align_default_site() is None
    with pytest.raises(CommandError, match="migrate"):
        call_command("align_site", stdout=io.StringIO())

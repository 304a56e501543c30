"""Search finds campaign actions and tracked items, and stems English words on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from chorus.campaigns.tests.factories import make_campaigns, petition
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site
from chorus.tracker.tests.factories import TrackedItemFactory, TrackerPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index")]


@pytest.fixture
def content(db: Any) -> None:
    index = make_campaigns()
    home = index.get_parent()
    petition(index, title="Take the cameras off our wards", summary="Ward cameras watch people in crisis.")
    news = ArticleIndexPageFactory(parent=home, slug="news")
    ArticlePageFactory(parent=news, title="Listening devices in hospitals", summary="Recorded conversations.")
    TrackerPageFactory(parent=home)
    TrackedItemFactory(
        title="Surveillance in inpatient settings",
        slug="surveillance-inquiry",
        summary="An inquiry into monitoring technologies on mental health wards.",
        owner_body="Health and Social Care Committee",
    )


def test_the_database_backend_in_use_is_the_one_under_test() -> None:
    # The suite runs on SQLite and again on PostgreSQL (make test): both must stem.
    assert connection.vendor in {"sqlite", "postgresql"}


def test_a_singular_word_finds_the_plural_campaign_action(client: Client, content: None) -> None:
    html = client.get("/search/?q=camera").content.decode()
    assert "Take the cameras off our wards" in html
    assert "Petition" in html  # said what kind of page it is


def test_a_plural_word_finds_the_singular_and_other_forms(client: Client, content: None) -> None:
    html = client.get("/search/?q=hospital+device").content.decode()
    assert "Listening devices in hospitals" in html
    assert "No results" not in html


def test_search_finds_tracked_items_with_a_link_to_them(client: Client, content: None) -> None:
    html = client.get("/search/?q=monitoring+technology").content.decode()
    assert "Consultations, inquiries and bills we follow" in html
    assert 'href="/tracker/surveillance-inquiry/"' in html
    assert "Health and Social Care Committee" in html


def test_nothing_found_says_so_once(client: Client, content: None) -> None:
    html = client.get("/search/?q=zebracrossing").content.decode()
    assert html.count("No results for") == 1
    assert "we follow" not in html


def test_tracked_items_need_a_tracker_page_to_link_to(client: Client) -> None:
    make_site()
    TrackedItemFactory(title="Orphaned inquiry", slug="orphan", summary="Nowhere to show it.")
    html = client.get("/search/?q=orphaned").content.decode()
    assert "Orphaned inquiry" not in html and "No results for" in html

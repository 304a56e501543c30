"""The demo loader builds the whole site once; loading it again changes nothing."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, Revision, Site

from chorus.core.sections import DEMO_CONTENT, Contribution, DemoContent
from chorus.news import demo as news_demo
from chorus.news.models import ArticleIndexPage, ArticleKind, ArticlePage
from chorus.pages import demo as pages_demo
from chorus.pages.models import Coalition, HomePage, PriorityAreaPage

pytestmark = pytest.mark.django_db


def load_all() -> None:
    pages_demo.load()
    news_demo.load()


def snapshot() -> tuple[int, int, int, list[str]]:
    return (
        Page.objects.count(),
        Revision.objects.count(),
        Coalition.objects.count(),
        sorted(Page.objects.values_list("url_path", flat=True)),
    )


def test_loading_the_demo_twice_changes_nothing() -> None:
    load_all()
    first = snapshot()
    load_all()
    assert snapshot() == first


@pytest.fixture(scope="class")
def demo_loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for a class of tests that only read it, and rolled back after them.

    Each test still runs in a transaction of its own inside this one, as in Django's
    TestCase with setUpTestData, so nothing one test does is seen by the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_all()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_loaded")
class TestTheLoadedDemo:
    def test_demo_has_the_network_content(self) -> None:
        home = HomePage.objects.get()
        assert Site.objects.get(is_default_site=True).root_page_id == home.pk
        assert home.approach and home.spotlight_heading
        assert PriorityAreaPage.objects.live().count() == 4
        assert all(len(area.focus_points) >= 3 for area in PriorityAreaPage.objects.all())
        assert Coalition.objects.count() == 5
        articles = ArticlePage.objects.live()
        assert articles.count() >= 12
        assert {ArticleKind.CONSULTATION_RESPONSE, ArticleKind.WRITTEN_EVIDENCE, ArticleKind.OPEN_LETTER} <= set(
            articles.values_list("kind", flat=True)
        )
        # Realistic past dates spread over recent months, whenever the demo is loaded.
        dates = sorted(articles.values_list("date", flat=True))
        today = timezone.localdate()
        assert today - dates[0] > datetime.timedelta(days=180) and today - dates[-1] <= datetime.timedelta(days=7)
        assert len({(day.year, day.month) for day in dates}) >= 8
        assert sum(1 for article in articles if article.has_easy_read) >= 3
        assert all(article.priority_areas.exists() for article in articles)
        assert articles.filter(coalitions__isnull=False).exists()
        assert all(day < today for day in dates)
        # Published when they are dated, not when the demo was loaded.
        assert all(timezone.localdate(article.first_published_at) == article.date for article in articles)

    def test_main_sections_are_in_the_menu_and_slugs_are_stable(self) -> None:
        in_menu = set(HomePage.objects.get().get_children().live().in_menu().values_list("slug", flat=True))
        assert {"our-approach", "priorities", "coalitions", "resources", "news"} <= in_menu
        index = ArticleIndexPage.objects.get()
        for slug in [
            news_demo.CONSULTATION_RESPONSE_SLUG,
            news_demo.WRITTEN_EVIDENCE_SLUG,
            news_demo.OPEN_LETTER_SLUG,
            news_demo.STATEMENT_POLICE_SLUG,
            news_demo.ANALYSIS_STRATEGY_SLUG,
        ]:
            assert ArticlePage.objects.child_of(index).get(slug=slug).url == f"/news/{slug}/"

    def test_demo_pages_render(self, client: Client) -> None:
        for page in Page.objects.live().filter(depth__gte=2):
            response = client.get(page.url)
            assert response.status_code == 200, page.url
            assert not response.cookies, page.url


def test_load_demo_runs_each_registered_demo_in_order() -> None:
    """The command names no app: it runs what each app registered (chorus.core.sections.DEMO_CONTENT)."""
    ran: list[str] = []

    def loader(name: str, summary: str, order: int) -> Contribution[DemoContent]:
        def load() -> str:
            ran.append(name)
            return summary

        return Contribution(name=name, label=name, order=order, source=load)

    first, second = loader("first", "3 pages", order=1), loader("second", "", order=5)
    output = io.StringIO()
    with DEMO_CONTENT.replaced([second, first]):
        call_command("load_demo", stdout=output)
    assert ran == ["first", "second"]
    assert output.getvalue().splitlines() == ["first: 3 pages", "second: ok"]


@pytest.mark.django_db
def test_the_demo_home_page_heading_says_what_the_network_does_and_the_title_names_it(client: Any) -> None:
    from chorus.pages.demo import HOME_HEADING, ensure_home

    ensure_home()
    html = client.get("/").content.decode()
    assert f"<h1>{HOME_HEADING}</h1>" in html
    assert "<title>Chorus Network</title>" in html

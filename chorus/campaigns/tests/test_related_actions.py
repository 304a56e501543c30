"""Content that leads somewhere: articles and priority areas link campaign actions chosen
by editors, and a priority area lists its open actions and open tracker items by itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chorus.campaigns.models import CampaignIndexPage
from chorus.campaigns.tests.factories import letter, petition
from chorus.campaigns.workflow import ActionState
from chorus.news.models import ArticleRelatedAction
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.models import PriorityAreaPage, PriorityAreaRelatedAction
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory
from chorus.tracker.tests.factories import SubmissionWindowFactory, TrackedItemFactory, TrackerPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(index: CampaignIndexPage) -> PriorityAreaPage:
    home = index.get_parent()
    areas = PriorityAreaIndexPageFactory(parent=home, title="Priorities", slug="priorities")
    page: PriorityAreaPage = PriorityAreaPageFactory(parent=areas, title="Surveillance", slug="surveillance")
    return page


def test_an_article_and_its_easy_read_version_link_the_letter_an_editor_chose(index: Any, client: Client) -> None:
    action = letter(index, title="Cameras off our wards", slug="cameras-off")
    articles = ArticleIndexPageFactory(parent=index.get_parent(), slug="news")
    article = ArticlePageFactory(
        parent=articles, easy_read_body=[("paragraph", "<p>You can sign the letter too.</p>")]
    )
    ArticleRelatedAction.objects.create(page=article, action=action, sort_order=0)

    html = client.get(article.url).content.decode()
    assert '<h2 id="take-action-heading">Take action</h2>' in html
    assert 'href="/campaigns/cameras-off/sign/">Sign the open letter: Cameras off our wards</a>' in html

    easy = client.get(article.url + "easy-read/").content.decode()
    assert 'href="/campaigns/cameras-off/sign/">Sign Cameras off our wards</a>' in easy


def test_an_unpublished_related_action_is_not_offered(index: Any, client: Client) -> None:
    action = letter(index, title="Withdrawn letter", slug="withdrawn")
    action.unpublish()
    articles = ArticleIndexPageFactory(parent=index.get_parent(), slug="news")
    article = ArticlePageFactory(parent=articles)
    ArticleRelatedAction.objects.create(page=article, action=action, sort_order=0)
    html = client.get(article.url).content.decode()
    assert "Withdrawn letter" not in html
    assert "take-action-heading" not in html


def test_a_priority_area_lists_its_open_actions_and_those_an_editor_features_first(
    index: Any, area: PriorityAreaPage, client: Client
) -> None:
    featured = petition(index, title="Featured petition", slug="featured")
    featured.priority_areas.set([area])
    featured.save()
    tagged = letter(index, title="Tagged letter", slug="tagged", closing_date=timezone.localdate() + timedelta(days=3))
    tagged.priority_areas.set([area])
    tagged.save()
    closed = letter(index, title="Closed letter", state=ActionState.CLOSED)
    closed.priority_areas.set([area])
    closed.save()
    letter(index, title="Another area's letter")
    PriorityAreaRelatedAction.objects.create(page=area, action=featured, sort_order=0)

    html = client.get(area.url).content.decode()
    assert html.index("Featured petition") < html.index("Open to sign") < html.index("Tagged letter")
    assert html.count(">Featured petition</a>") == 1  # featured, so not listed again
    assert "closes in 3 days (" in html
    assert "Closed letter" not in html
    assert "Another area&#x27;s letter" not in html and "Another area's letter" not in html


def test_a_priority_area_lists_tracker_items_open_for_responses(area: PriorityAreaPage, client: Client) -> None:
    TrackerPageFactory(parent=area.get_parent().get_parent(), slug="tracker")
    now = timezone.now()
    open_item = TrackedItemFactory(title="Consultation on ward cameras", slug="ward-cameras")
    open_item.priority_areas.set([area])
    open_item.save()
    SubmissionWindowFactory(item=open_item, opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=10))
    closed_item = TrackedItemFactory(title="Closed inquiry")
    closed_item.priority_areas.set([area])
    closed_item.save()
    SubmissionWindowFactory(item=closed_item, opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))

    html = client.get(area.url).content.decode()
    assert "<h2>Open for responses</h2>" in html
    assert 'href="/tracker/ward-cameras/">Consultation on ward cameras</a>' in html
    assert "Closes in 10 days (" in html
    assert "Closed inquiry" not in html


def test_a_priority_area_with_nothing_open_shows_neither_list(area: PriorityAreaPage, client: Client) -> None:
    html = client.get(area.url).content.decode()
    assert "Open to sign" not in html
    assert "Open for responses" not in html

"""The demo loader is idempotent and links responses to demo articles when they exist."""

from __future__ import annotations

import pytest

from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site
from chorus.tracker import demo
from chorus.tracker.models import Response, ResponseStatus, TrackedItem, TrackerPage

pytestmark = pytest.mark.django_db


def test_demo_loads_a_dozen_items_once_and_links_articles() -> None:
    home = make_site()
    ArticlePageFactory(parent=ArticleIndexPageFactory(parent=home), slug="response-10-year-health-plan")
    assert demo.load() == "12 tracked items created, 0 already there"
    assert demo.load() == "0 tracked items created, 12 already there"
    assert TrackedItem.objects.count() == 12
    assert TrackerPage.objects.count() == 1
    plan = Response.objects.get(item__slug="national-health-plan-consultation")
    assert plan.status == ResponseStatus.PUBLISHED
    assert plan.article is not None and plan.article.slug == "response-10-year-health-plan"
    assert Response.objects.get(item__slug="review-of-private-detention").article is None
    assert {item.kind for item in TrackedItem.objects.all()} >= {"bill", "consultation", "inquiry", "review"}

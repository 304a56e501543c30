"""Linking a request to articles, campaigns and tracker items with Wagtail's choosers (issue 23):
only those kinds of record can be linked, one at a time; unticking a link removes it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chorus.campaigns.tests.factories import CampaignIndexPageFactory, PetitionPageFactory
from chorus.core.models import AuditEvent
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.support.models import SupportRequest
from chorus.support.tests.factories import make_request
from chorus.tracker.tests.factories import TrackedItemFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

CHOOSER = "/admin/support_tracked_item_chooser/"


@pytest.fixture
def pages() -> dict[str, Any]:
    home = make_site()
    return {
        "article": ArticlePageFactory(parent=ArticleIndexPageFactory(parent=home), title="Cameras on wards"),
        "petition": PetitionPageFactory(parent=CampaignIndexPageFactory(parent=home), title="Stop the cameras"),
        "area": PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home), title="Surveillance"),
    }


@pytest.fixture
def support_request() -> SupportRequest:
    return make_request(email="")[0]


def _url(support_request: SupportRequest) -> str:
    return f"/admin/support/{support_request.pk}/"


def test_the_request_page_offers_choosers_not_a_multi_select(caseworker: Any, support_request: SupportRequest) -> None:
    content = client_for(caseworker).get(_url(support_request)).content.decode()
    assert "Hold Ctrl" not in content
    assert 'name="page"' in content and 'name="tracked_item"' in content
    # The page chooser opens on articles and campaign actions only.
    assert "news.articlepage" in content and "campaigns.actionpage" in content
    assert CHOOSER in content


def test_articles_campaigns_and_tracker_items_can_be_linked(
    caseworker: Any, support_request: SupportRequest, pages: dict[str, Any]
) -> None:
    item = TrackedItemFactory()
    client = client_for(caseworker)
    client.post(_url(support_request), {"action": "link", "page": pages["article"].pk})
    client.post(_url(support_request), {"action": "link", "page": pages["petition"].pk, "tracked_item": item.pk})
    assert {p.pk for p in support_request.linked_pages.all()} == {pages["article"].pk, pages["petition"].pk}
    assert list(support_request.linked_tracker_items.all()) == [item]
    event = AuditEvent.objects.filter(action="support.request.linked").order_by("id").last()
    assert event is not None and event.data == {"page": pages["petition"].pk, "tracker_item": item.pk}
    content = client.get(_url(support_request)).content.decode()
    assert "Tracker: " in content and "Stop the cameras" in content


def test_a_page_of_another_kind_cannot_be_linked(
    caseworker: Any, support_request: SupportRequest, pages: dict[str, Any]
) -> None:
    response = client_for(caseworker).post(_url(support_request), {"action": "link", "page": pages["area"].pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not support_request.linked_pages.exists()


def test_linking_nothing_says_what_to_choose(caseworker: Any, support_request: SupportRequest) -> None:
    response = client_for(caseworker).post(_url(support_request), {"action": "link"})
    assert "Choose an article or campaign, or a tracker item, to link." in response.content.decode()


def test_unticking_a_link_removes_it_and_keeps_the_others(
    caseworker: Any, support_request: SupportRequest, pages: dict[str, Any]
) -> None:
    item = TrackedItemFactory()
    support_request.linked_pages.set([pages["article"], pages["petition"]])
    support_request.linked_tracker_items.set([item])
    client_for(caseworker).post(
        _url(support_request), {"action": "categorise", "tags": "wards", "pages": [pages["petition"].pk]}
    )
    assert list(support_request.linked_pages.all()) == [pages["petition"].page_ptr]
    assert not support_request.linked_tracker_items.exists()


# --- the tracker-item chooser: the three permission checks ---


def test_tracker_chooser_sends_anonymous_visitors_to_sign_in() -> None:
    response = Client().get(CHOOSER)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["editor", "campaigner"])
def test_tracker_chooser_refuses_staff_who_do_not_triage(persona: str, request: Any) -> None:
    assert client_for(request.getfixturevalue(persona)).get(CHOOSER).status_code == 403


def test_tracker_chooser_lists_items_for_caseworkers(caseworker: Any) -> None:
    TrackedItemFactory(title="Consultation on ward cameras")
    response = client_for(caseworker).get(CHOOSER)
    assert response.status_code == 200
    assert "Consultation on ward cameras" in response.content.decode()

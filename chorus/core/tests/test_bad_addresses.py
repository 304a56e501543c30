"""A NUL character in an address is a 400 Bad Request; in a posted form, a message on the form."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from chorus.core.antibot import _SALT
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site
from chorus.support.models import SupportRequest
from chorus.tracker.tests.factories import TrackerPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db: Any) -> None:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home, slug="news")
    ArticlePageFactory(parent=news, slug="an-article")
    TrackerPageFactory(parent=home, slug="tracker")


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=a%00b",
        "/news/?area=a%00b",
        "/news/?kind=news&area=%00",
        "/news/?a%00=1",
        "/tracker/?area=a%00b",
        "/campaigns/x/count.json?x=%00",
        "/news/an%00article/",
    ],
)
def test_nul_in_the_address_is_a_bad_request(site: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 400
    assert b"We could not read that request" in response.content


def test_the_same_addresses_without_nul_still_work(site: None) -> None:
    for url in ("/search/?q=policy", "/news/?area=ab", "/tracker/?area=ab", "/news/an-article/"):
        assert Client().get(url).status_code == 200, url


def test_nul_in_a_posted_form_field_is_a_message_on_the_form_with_the_answers_kept() -> None:
    response = Client().post(
        "/support/policy-issue/",
        {
            "description": "Our trust\x00 asks for papers.",
            "where_category": "national",
            "contact_method": "none",
            "name": "Kept Name",
            "form_started": signing.dumps(time.time() - 30, salt=_SALT),
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Null characters are not allowed." in content
    assert "Kept Name" in content
    assert not SupportRequest.objects.exists()

"""The demo campaign loads, and loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from chorus.campaigns import demo
from chorus.campaigns.models import CampaignUpdate, OpenLetterPage, PetitionPage, Signature
from chorus.campaigns.selectors import (
    action_count,
    actions_alongside,
    listed_signatures,
    postcode_areas,
    sent_updates,
    update_recipients,
)
from chorus.news.easy_read_check import easy_read_check
from chorus.pages import demo as pages_demo
from chorus.pages.models import HomePage

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_spotlit() -> None:
    demo.load()
    signatures = Signature.objects.count()
    assert signatures >= 300
    demo.load()
    assert Signature.objects.count() == signatures
    letter = OpenLetterPage.objects.get()
    assert PetitionPage.objects.count() == 1
    home = HomePage.objects.get()
    assert home.spotlight_page_id == letter.pk
    assert action_count(action_id=letter.pk).total > 100
    assert listed_signatures(action_id=letter.pk).filter(kind="organisation").exists()
    petition = PetitionPage.objects.get()
    areas = dict(postcode_areas(action_id=petition.pk))
    assert len(areas) >= 3 and sum(areas.values()) == action_count(action_id=petition.pk).total
    # Both Easy Read versions are sentences beside bundled symbols, and read easily.
    for action in (letter, petition):
        blocks = list(action.easy_read_summary)
        assert blocks and all(block.block_type == "picture_sentence" and block.value["symbol"] for block in blocks)
        assert easy_read_check(action.easy_read_summary).warnings == []


def test_the_spotlit_letter_has_signers_who_want_updates_and_one_update_already_sent() -> None:
    demo.load()
    demo.load()
    letter = OpenLetterPage.objects.get()
    queued = update_recipients(action_id=letter.pk).count()
    assert queued > 100
    (sent,) = sent_updates(action_id=letter.pk)
    figures = sent.figures
    assert figures.queued == queued and figures.to_send == 0 and figures.sent < queued
    assert figures.sent + figures.stopped + figures.refused + figures.given_up == queued
    assert CampaignUpdate.objects.count() == 1 and sent.update.finished_at is not None


def test_the_spotlight_brings_the_campaigns_other_open_action() -> None:
    pages_demo.load()  # the priority areas the two actions share
    demo.load()
    letter, petition = OpenLetterPage.objects.get(), PetitionPage.objects.get()
    assert actions_alongside(letter) == [petition]
    home_page = Client().get(HomePage.objects.get().url).content.decode()
    assert f'href="{letter.url}"' in home_page and f'href="{petition.url}"' in home_page


def test_the_article_about_the_open_letter_links_it_once_in_both_versions() -> None:
    from chorus.news import demo as news_demo
    from chorus.news.demo import OPEN_LETTER_SLUG
    from chorus.news.models import ArticlePage

    pages_demo.load()
    news_demo.load()
    demo.load()
    demo.load()
    letter = OpenLetterPage.objects.get()
    article = ArticlePage.objects.get(slug=OPEN_LETTER_SLUG)
    assert [link.action_id for link in article.related_actions.all()] == [letter.pk]
    # In the revision an editor opens next, too.
    assert [link.action_id for link in article.get_latest_revision_as_object().related_actions.all()] == [letter.pk]
    client = Client()
    for url in (article.url, article.url + "easy-read/"):
        assert f'href="{letter.url}sign/"' in client.get(url).content.decode()

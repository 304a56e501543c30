"""Editors see a reading age for an article's summary and body."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wagtail.rich_text import RichText

from chorus.accounts.models import User
from chorus.news.readability import TARGET_READING_AGE, reading_age, reading_age_of_article, stream_text
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site
from conftest import client_for

EASY = "We want you to be safe. You can say no. We will help you. Call us if you need to talk."
HARD = (
    "Notwithstanding considerable institutional heterogeneity, the implementation of "
    "comprehensive interdisciplinary safeguarding methodologies necessitates substantial "
    "organisational reconfiguration, particularly regarding accountability infrastructures "
    "and multi-agency information-governance arrangements."
)


def test_plain_words_have_a_low_reading_age() -> None:
    result = reading_age(EASY)
    assert result is not None
    assert result.is_easy
    assert result.years <= TARGET_READING_AGE
    assert result.words == 21


def test_dense_jargon_has_a_high_reading_age() -> None:
    result = reading_age(HARD)
    assert result is not None
    assert not result.is_easy
    assert result.years > TARGET_READING_AGE + 5


def test_words_are_counted_as_a_reader_counts_them() -> None:
    # Contractions and hyphenated words are one word each; dashes and figures stand apart.
    result = reading_age("Don't wait—multi-agency help is free, 24 hours a day.")
    assert result is not None
    assert result.words == 10


def test_no_text_has_no_reading_age() -> None:
    assert reading_age("") is None
    assert reading_age("   \n ") is None


# No deadline: the first call loads Pyphen's dictionary, and the machine may be busy.
@settings(deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_sensible_reading_age_or_none(text: str) -> None:
    result = reading_age(text)
    assert result is None or (result.years >= 5 and result.words > 0)


def test_stream_text_takes_rich_text_headings_and_struct_text() -> None:
    class Block:
        def __init__(self, value: object) -> None:
            self.value = value

    stream = [
        Block("A heading"),
        Block(RichText("<p>Some <b>bold</b> words.</p>")),
        Block({"quote": "A quote.", "attribution": "A member", "page": None}),
    ]
    text = stream_text(stream)
    assert "A heading" in text
    assert "Some bold words." in text
    assert "<b>" not in text
    assert "A quote." in text


@pytest.mark.django_db
def test_reading_age_of_an_article_covers_summary_and_body() -> None:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home)
    article = ArticlePageFactory(parent=news, summary=EASY, body=[("paragraph", RichText(f"<p>{HARD}</p>"))])
    result = reading_age_of_article(article)
    assert result is not None
    assert result.words == 21 + len(HARD.split())


@pytest.mark.django_db
def test_editor_sees_the_reading_age_panel_when_editing_an_article(editor: User) -> None:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home)
    article = ArticlePageFactory(parent=news, summary=HARD)
    response = client_for(editor).get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reading age: about" in html
    assert "Aim for 11 or under" in html


@pytest.mark.django_db
def test_a_new_article_asks_for_a_save_before_showing_the_reading_age(editor: User) -> None:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home)
    response = client_for(editor).get(f"/admin/pages/add/news/articlepage/{news.pk}/")
    assert response.status_code == 200
    assert "Save a draft to see the reading age" in response.content.decode()

"""Editors are warned, never refused, about long Easy Read sentences and long words."""

from __future__ import annotations

import html

import pytest

from chorus.accounts.models import User
from chorus.news import demo as news_demo
from chorus.news.easy_read_check import easy_read_check, is_long_word, sentence_warnings
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.blocks import EasyReadBlock, EasyReadPictureSentenceBlock, picture_sentences
from chorus.pages.tests.factories import make_site
from conftest import client_for

SIXTEEN_WORDS = "We went to see the people who run the ward and we told them what we saw."
LONG_WORDS = "The consultation asks about accountability."


def test_short_sentences_in_everyday_words_pass() -> None:
    assert sentence_warnings("We wrote a letter. You can sign it too. The hospital has cameras.") == []


def test_a_sentence_over_fifteen_words_is_flagged_with_its_count() -> None:
    assert len(SIXTEEN_WORDS.split()) == 17
    [warning] = sentence_warnings(f"We wrote a letter. {SIXTEEN_WORDS}")
    assert warning.sentence == SIXTEEN_WORDS
    assert warning.too_long and warning.words == 17
    assert "17 words" in warning.advice and "15 words or fewer" in warning.advice


def test_exactly_fifteen_words_is_fine() -> None:
    assert sentence_warnings("One two three four five six seven eight nine ten one two three four five.") == []


def test_long_words_are_named_once_each() -> None:
    [warning] = sentence_warnings("The consultation asks about accountability and consultation.")
    assert warning.long_words == ("consultation", "accountability")
    assert not warning.too_long
    assert "consultation, accountability" in warning.advice


def test_everyday_long_words_and_endings_that_add_no_syllable_are_not_long() -> None:
    for word in ("government", "hospitals", "cameras", "families", "decides", "ashamed", "mental-health", "Petition"):
        assert not is_long_word(word), word
    for word in ("information", "communities", "privacy", "decided"):
        assert is_long_word(word), word


def test_the_block_accepts_a_long_sentence_the_check_only_warns() -> None:
    block = EasyReadPictureSentenceBlock()
    value = block.to_python({"text": SIXTEEN_WORDS, "symbol": "group", "image": None, "image_alt": ""})
    assert block.clean(value)["text"] == SIXTEEN_WORDS


def test_the_check_reads_every_kind_of_easy_read_block() -> None:
    stream = EasyReadBlock().to_python(
        [
            {"type": "heading", "value": "Our consultation"},
            {"type": "paragraph", "value": "<p>A <b>transparency</b> report.</p>"},
            {"type": "picture_sentence", "value": {"text": LONG_WORDS, "symbol": "question"}},
        ]
    )
    check = easy_read_check(stream)
    assert [w.long_words for w in check.warnings] == [
        ("consultation",),
        ("transparency",),
        ("consultation", "accountability"),
    ]
    assert check.reading_age is not None


@pytest.mark.django_db
def test_editor_sees_the_warning_under_an_articles_easy_read_version(editor: User) -> None:
    news = ArticleIndexPageFactory(parent=make_site())
    article = ArticlePageFactory(
        parent=news,
        easy_read_body=picture_sentences(("group", SIXTEEN_WORDS), ("letter", "We wrote a letter.")),
    )
    response = client_for(editor).get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Some Easy Read sentences may be hard to read." in page
    assert f"“{SIXTEEN_WORDS}” This sentence has 17 words." in page
    assert "“We wrote a letter.”" not in page


@pytest.mark.django_db
def test_editor_is_told_when_an_easy_read_version_reads_easily(editor: User) -> None:
    news = ArticleIndexPageFactory(parent=make_site())
    article = ArticlePageFactory(parent=news, easy_read_body=picture_sentences(("letter", "We wrote a letter.")))
    page = client_for(editor).get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "Every Easy Read sentence is short and uses everyday words." in page


@pytest.mark.django_db
def test_the_demos_easy_read_versions_have_a_picture_for_every_sentence_and_read_easily() -> None:
    with_easy_read = [article for article in news_demo.ARTICLES if article.easy_read]
    assert len(with_easy_read) >= 3
    for article in with_easy_read:
        stream = picture_sentences(*article.easy_read)  # refuses a symbol that is not bundled
        assert all(block.block_type == "picture_sentence" for block in stream)
        assert easy_read_check(stream).warnings == [], article.slug

"""Text copied from other services keeps its words and loses every piece of markup."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chorus.core.upstream_text import plain_text


def test_scripts_and_event_handlers_are_removed_with_their_content() -> None:
    text = plain_text('<p>Have your say</p><script>steal()</script><img src=x onerror="steal()"><style>p{}</style>')
    assert text == "Have your say"


def test_paragraphs_and_line_breaks_keep_words_apart() -> None:
    assert plain_text("<p>One</p><p>two</p>three<br>four<li>five</li>") == "One two three four five"


def test_entities_become_the_characters_they_stand_for() -> None:
    assert plain_text("Care &amp; support &lt;now&gt;") == "Care & support <now>"


def test_plain_text_is_left_as_it_is_apart_from_spacing() -> None:
    assert plain_text("  A bill about\n mental   health ") == "A bill about mental health"


MARKUP_AND_WORDS = st.lists(
    st.sampled_from(
        ["word", " ", "<b>", "</b>", "<p>", "</p>", "<script>steal()</script>", '<img onerror="steal()">', "&amp;"]
    )
).map("".join)


@given(MARKUP_AND_WORDS)
def test_no_tag_or_script_survives_any_mixture(value: str) -> None:
    cleaned = plain_text(value)
    assert "<" not in cleaned
    assert "steal" not in cleaned
    assert cleaned.count("word") == value.count("word")

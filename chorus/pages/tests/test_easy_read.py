"""The Easy Read block: a picture beside short sentences, with pictures bundled, never fetched."""

from __future__ import annotations

import gc
import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import wagtail_factories
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from wagtail import blocks

from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.blocks import EasyReadBlock, EasyReadPictureSentenceBlock, picture_sentences
from chorus.pages.easy_read import LICENCE_NAME, MANIFEST, SYMBOLS_DIR, easy_read_symbols, symbol_choices
from chorus.pages.tests.factories import make_site

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "chorus.css"


def uploaded_image() -> Any:
    """An uploaded image with its rendition already made. Wagtail leaves a temporary file
    for the garbage collector when it makes a rendition; that warning is Wagtail's, not ours."""
    image = wagtail_factories.ImageFactory()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        image.get_rendition("max-192x192")
        gc.collect()
    return image


def sentence(**values: Any) -> blocks.StructValue:
    block = EasyReadPictureSentenceBlock()
    return block.to_python({"text": "We wrote a letter.", "symbol": "", "image": None, "image_alt": "", **values})


# --- the bundled symbols -------------------------------------------------------------


def test_a_subset_of_openmoji_is_bundled_with_a_plain_label_for_each() -> None:
    symbols = easy_read_symbols()
    assert 40 <= len(symbols) <= 80
    labels = [symbol.label for symbol in symbols.values()]
    assert all(label.strip() for label in labels)
    assert len(set(labels)) == len(labels), "two symbols share a label: editors could not tell them apart"
    for name in ("person", "group", "letter", "pen", "hospital", "camera", "no-entry", "phone", "calendar"):
        assert name in symbols
    for symbol in symbols.values():
        assert (SYMBOLS_DIR / f"{symbol.name}.svg").is_file(), symbol.name


def test_bundled_pictures_load_nothing_from_elsewhere() -> None:
    for path in SYMBOLS_DIR.glob("*.svg"):
        svg = path.read_text(encoding="utf-8")
        # The SVG namespace is a name, not a request; any other address would be fetched.
        addresses = set(re.findall(r"https?://[^\"' )]+", svg)) - {"http://www.w3.org/2000/svg"}
        assert not addresses, f"{path.name} refers to {addresses}"
        assert "<script" not in svg


def test_the_licence_is_bundled_beside_the_pictures() -> None:
    assert "Attribution-ShareAlike 4.0" in (SYMBOLS_DIR / "LICENSE.txt").read_text(encoding="utf-8")
    assert json.loads(MANIFEST.read_text(encoding="utf-8"))["licence"] == LICENCE_NAME


def test_editors_choose_symbols_by_label_in_alphabetical_order() -> None:
    labels = [label for _, label in symbol_choices()]
    assert labels == sorted(labels)
    assert ("hospital", "A hospital") in symbol_choices()


def test_refresh_command_copies_the_listed_symbols(tmp_path: Path) -> None:
    source = tmp_path / "openmoji"
    source.mkdir()
    (source / "1F9D1.svg").write_text('<svg id="person"/>')
    (source / "2709.svg").write_text('<svg id="letter"/>')
    manifest = tmp_path / "symbols.json"
    manifest.write_text(
        json.dumps(
            {
                "symbols": [
                    {"name": "person", "label": "A person", "openmoji": "1F9D1"},
                    {"name": "letter", "label": "A letter", "openmoji": "2709"},
                ]
            }
        )
    )
    into = tmp_path / "static"
    into.mkdir()
    (into / "taken-off-the-list.svg").write_text("<svg/>")
    call_command("refresh_easy_read_symbols", source=source, into=into, manifest=manifest, stdout=None)
    assert sorted(path.name for path in into.glob("*.svg")) == ["letter.svg", "person.svg"]
    assert (into / "person.svg").read_text() == '<svg id="person"/>'


def test_refresh_command_names_a_symbol_missing_from_openmoji(tmp_path: Path) -> None:
    manifest = tmp_path / "symbols.json"
    manifest.write_text(json.dumps({"symbols": [{"name": "x", "label": "X", "openmoji": "FFFFF"}]}))
    with pytest.raises(CommandError, match="FFFFF"):
        call_command("refresh_easy_read_symbols", source=tmp_path, into=tmp_path / "out", manifest=manifest)


# --- the block ----------------------------------------------------------------------


def test_a_symbol_is_shown_left_of_the_text_with_its_label_as_alt_text() -> None:
    html = EasyReadPictureSentenceBlock().render(sentence(symbol="letter"))
    picture = html.index("<img")
    assert picture < html.index("We wrote a letter.")
    assert 'src="/static/pages/easy-read-symbols/letter.svg"' in html
    assert 'alt="A letter"' in html


@pytest.mark.django_db
def test_an_uploaded_picture_is_shown_with_the_editors_description() -> None:
    image = uploaded_image()
    html = EasyReadPictureSentenceBlock().render(
        sentence(image=image.pk, image_alt="A nurse talking to a patient", symbol="letter")
    )
    assert 'alt="A nurse talking to a patient"' in html
    assert "easy-read-symbols" not in html  # the upload is used instead of a symbol
    assert re.search(r'<img src="/media/images/[^"]+"', html)


def test_a_sentence_needs_a_picture() -> None:
    with pytest.raises(blocks.StructBlockValidationError) as error:
        EasyReadPictureSentenceBlock().clean(sentence())
    assert "symbol" in error.value.block_errors


@pytest.mark.django_db
def test_an_uploaded_picture_needs_a_description() -> None:
    image = wagtail_factories.ImageFactory()
    with pytest.raises(blocks.StructBlockValidationError) as error:
        EasyReadPictureSentenceBlock().clean(sentence(image=image.pk, image_alt="  "))
    assert "image_alt" in error.value.block_errors


def test_a_sentence_with_a_symbol_is_valid() -> None:
    assert EasyReadPictureSentenceBlock().clean(sentence(symbol="pen"))["symbol"] == "pen"


def rule(selector: str, css: str) -> str:
    found = re.search(r"(?m)^\s*" + re.escape(selector) + r"(?=[\s,{])[^{]*\{([^}]*)\}", css)
    assert found, selector
    return found.group(1)


def rem(declarations: str, name: str) -> float:
    found = re.search(rf"{name}:\s*([0-9.]+)rem", declarations)
    assert found, name
    return float(found.group(1))


def test_easy_read_type_is_at_least_a_quarter_larger_than_body_text() -> None:
    css = CSS.read_text(encoding="utf-8")
    wide, narrow = css.split("@media (max-width: 40rem)", 1)
    body = rem(rule("body", wide), "font-size")
    easy = rule(".easy-read-row__text", wide)
    assert rem(easy, "font-size") >= 1.25 * body
    assert float(re.search(r"line-height:\s*([0-9.]+)", easy).group(1)) >= 1.5  # type: ignore[union-attr]
    narrow_body = rem(rule("body", narrow), "font-size")
    assert rem(rule(".easy-read-row__text", narrow), "font-size") >= 1.25 * narrow_body
    assert "flex-direction: column" in rule(".easy-read-row", narrow)  # the picture stacks above


# --- on a page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_easy_read_page_shows_pictures_fetches_nothing_from_elsewhere_and_credits_openmoji(client: Client) -> None:
    news = ArticleIndexPageFactory(parent=make_site(), slug="news")
    article = ArticlePageFactory(
        parent=news,
        slug="cameras",
        easy_read_body=EasyReadBlock().to_python(
            [
                {"type": "heading", "value": "What we want"},
                {"type": "picture_sentence", "value": {"text": "Cameras watch people.", "symbol": "camera"}},
                {"type": "picture_sentence", "value": {"text": "We say stop.", "symbol": "stop"}},
            ]
        ),
    )
    article.save_revision().publish()
    response = client.get("/news/cameras/easy-read/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'alt="A camera"' in page and 'alt="Stop"' in page
    assert page.index("Cameras watch people.") < page.index("We say stop.")
    # Nothing is loaded from another site: every picture, style and script is our own.
    loaded = re.findall(r'(?:src|srcset)="([^"]*)"|<link[^>]+href="([^"]*)"', page)
    assert all(not (url or other).startswith(("http", "//")) for url, other in loaded)
    assert "url(http" not in page
    # The only addresses elsewhere are the credit's links, which the reader may follow.
    elsewhere = set(re.findall(r'href="(https?://[^"]+)"', page))
    assert elsewhere == {"https://openmoji.org/", "https://creativecommons.org/licenses/by-sa/4.0/"}
    footer = page[page.index("<footer") :]
    assert "OpenMoji" in footer and LICENCE_NAME in footer
    assert not response.cookies


def test_demo_content_may_name_only_bundled_symbols() -> None:
    with pytest.raises(ValueError, match="unicorn"):
        picture_sentences(("unicorn", "A unicorn."))

"""StreamField blocks shared by content pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from chorus.pages.easy_read import easy_read_symbols, symbol_choices

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    link_page = blocks.PageChooserBlock(required=False)
    link_url = blocks.URLBlock(required=False, help_text="Used if no page is chosen.")
    link_text = blocks.CharBlock(max_length=80, help_text="Makes sense on its own, e.g. 'Read our briefing on…'.")

    class Meta:
        template = "pages/blocks/call_to_action.html"
        icon = "pick"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=150)

    class Meta:
        template = "pages/blocks/quote.html"
        icon = "openquote"


class FocusPointBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=150)
    text = blocks.TextBlock(required=False)

    class Meta:
        template = "pages/blocks/focus_point.html"
        icon = "list-ul"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=150, form_classname="title", template="pages/blocks/heading.html")
    # Wagtail shows a stream child's name only as its panel heading, never as a <label> for
    # the input, so the heading's text box had no name for screen readers. Naming the widget
    # leaves the block's definition and stored JSON as they are: no migration.
    heading.field.widget.attrs["aria-label"] = "Heading"
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    document = DocumentChooserBlock(template="pages/blocks/document.html")


class EasyReadPictureSentenceBlock(blocks.StructBlock):
    """One or two short sentences beside a picture: the building block of an Easy Read page.

    The picture is a bundled OpenMoji symbol (chorus.pages.easy_read) or an uploaded image
    with its own description. Long sentences and long words are flagged to the editor by a
    panel under the field (chorus.news.panels.EasyReadCheckPanel), never refused.
    """

    text = blocks.TextBlock(
        rows=2,
        max_length=300,
        help_text="One or two short sentences, one idea. Aim for 15 words or fewer in each sentence.",
    )
    symbol = blocks.ChoiceBlock(
        choices=symbol_choices,
        required=False,
        label="Picture from our symbol set",
        help_text="Choose a picture that shows the idea. Or upload your own picture below.",
    )
    image = ImageChooserBlock(required=False, label="Or your own picture", help_text="Used instead of a symbol.")
    image_alt = blocks.CharBlock(
        required=False,
        max_length=150,
        label="What your picture shows",
        help_text="Needed with your own picture, e.g. 'A nurse talking to a patient'. Read out by screen readers.",
    )

    class Meta:
        template = "pages/blocks/easy_read_picture_sentence.html"
        icon = "image"
        label = "Sentence with a picture"
        form_classname = "easy-read-picture-sentence"

    def clean(self, value: blocks.StructValue) -> blocks.StructValue:
        cleaned = super().clean(value)
        errors: dict[str, ValidationError] = {}
        if cleaned.get("image") and not cleaned.get("image_alt", "").strip():
            errors["image_alt"] = ValidationError("Say in a few words what your picture shows.")
        if not cleaned.get("image") and not cleaned.get("symbol"):
            errors["symbol"] = ValidationError("Choose a picture from the symbol set, or upload your own.")
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return cleaned

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(value, parent_context)
        symbol = easy_read_symbols().get(value.get("symbol") or "")
        context["symbol"] = None if value.get("image") else symbol
        return context


class EasyReadBlock(blocks.StreamBlock):
    """The Easy Read version of an article or a campaign action."""

    picture_sentence = EasyReadPictureSentenceBlock()
    heading = blocks.CharBlock(max_length=150, form_classname="title", template="pages/blocks/heading.html")
    heading.field.widget.attrs["aria-label"] = "Heading"
    # Kept so Easy Read versions written before pictures still show; new ones use pictures.
    paragraph = blocks.RichTextBlock(
        features=["bold", "link"], template="pages/blocks/easy_read_paragraph.html", label="Text without a picture"
    )


def picture_sentences(*sentences: tuple[str, str]) -> blocks.StreamValue:
    """An Easy Read stream from (symbol name, text) pairs, for demo content and tests."""
    for name, _ in sentences:
        if name not in easy_read_symbols():
            raise ValueError(f"No Easy Read symbol is called {name!r}.")
    return EasyReadBlock().to_python(
        [
            {"type": "picture_sentence", "value": {"text": text, "symbol": name, "image": None, "image_alt": ""}}
            for name, text in sentences
        ]
    )

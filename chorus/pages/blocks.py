"""StreamField blocks shared by content pages."""

from __future__ import annotations

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

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

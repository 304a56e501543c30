"""A page's picture: a Wagtail image, its text alternative, and whether it is only decoration.

Articles and campaign actions carry a lead picture (``LeadPicture``); the home page's
spotlight has its own three fields under older names, kept so that no data moves, and
shares the rule through ``require_text_alternative``. Photos lose their location and camera
details when they are uploaded (chorus.pages.images).

The text alternative is what the picture shows, written by an editor about the picture, not
about a person who signed or wrote in: it is ordinary page content, kept in revisions. It is
not indexed for search, because readers search for what pages say, not what pictures show.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.images.models import AbstractImage

TEXT_ALTERNATIVE_NEEDED = (
    'Describe what the picture shows, or tick "The picture is only decoration" if it adds nothing to the words.'
)

PICTURE_HELP = (
    "A picture near the top of the page. Optional. Describe what it shows for people who cannot see it, "
    "or tick that it is only decoration. Photos lose their location and camera details when uploaded."
)


# The renditions includes/responsive_image.html asks for (its `width-{320,640,960} format-webp`):
# change both together. A test renders a page after make_responsive_renditions and checks that
# no rendition was added.
RESPONSIVE_RENDITIONS = ("width-320|format-webp", "width-640|format-webp", "width-960|format-webp")


def make_responsive_renditions(image: AbstractImage) -> None:
    """Makes the picture's WebP renditions now, so that no reader waits for them to be made.

    Wagtail draws each rendition into an in-memory temporary file that it never closes
    (wagtail/images/models.py, generate_rendition_file): Python closes it when it is dropped,
    at the end of this call, with a ResourceWarning about nothing lost. That one warning is
    silenced here, so that making renditions ahead (the demo) warns no one.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ResourceWarning, message=r"Unclosed file <tempfile\.Spooled")
        image.get_renditions(*RESPONSIVE_RENDITIONS)


def require_text_alternative(*, has_image: bool, alt: str, decorative: bool, alt_field: str) -> None:
    """Refuses a picture that carries information but has no words for people who cannot see it.

    Raised against ``alt_field``, so the editor sees the message beside the box to fill in.
    Spaces alone are not words: a screen reader would announce nothing useful.
    """
    if has_image and not decorative and not alt.strip():
        raise ValidationError({alt_field: TEXT_ALTERNATIVE_NEEDED})


if TYPE_CHECKING:
    # Wagtail ships no type information, so mypy sees Page, and every page model, as built on
    # Any: django-stubs then leaves page models alone (it cannot resolve Wagtail's managers).
    # Seen as a Django model, this mixin would pull ArticlePage and ActionPage into those
    # checks and fail on the managers they inherit from Page; mypy sees it as it sees a page.
    PageFieldsBase = Any
else:
    PageFieldsBase = models.Model


class LeadPicture(PageFieldsBase):
    """An optional picture at the top of a page, with its text alternative (mixed into a page model)."""

    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="Picture",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown above the page's main text, sized for each screen.",
    )
    lead_image_alt = models.CharField(
        "Picture's text alternative",
        max_length=250,
        blank=True,
        help_text="What the picture shows, in a sentence, for people who cannot see it. "
        'Not "Picture of…": screen readers already say it is a picture.',
    )
    lead_image_decorative = models.BooleanField(
        "The picture is only decoration",
        default=False,
        help_text="Tick only if the picture adds nothing to the words (a pattern or a colour): screen readers "
        "then skip it.",
    )

    class Meta:
        abstract = True

    @classmethod
    def picture_panel(cls) -> MultiFieldPanel:
        """The "Picture" panel for the page's content tab."""
        return MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_alt"), FieldPanel("lead_image_decorative")],
            heading="Picture",
            help_text=PICTURE_HELP,
        )

    @property
    def lead_image_alt_text(self) -> str:
        """The alt attribute: empty for decoration, so that screen readers pass over it."""
        return "" if self.lead_image_decorative else self.lead_image_alt.strip()

    def clean(self) -> None:
        super().clean()
        require_text_alternative(
            has_image=self.lead_image_id is not None,
            alt=self.lead_image_alt,
            decorative=self.lead_image_decorative,
            alt_field="lead_image_alt",
        )

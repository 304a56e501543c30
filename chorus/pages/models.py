"""The network's own pages: home, standard pages, priority areas and coalitions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from chorus.core.branding import Sender
from chorus.core.sections import HOME_PAGE, PRIORITY_AREA_PAGE, page_sections
from chorus.pages.blocks import RICH_TEXT_FEATURES, BodyBlock, FocusPointBlock
from chorus.pages.colours import HEX_COLOUR, MINIMUM_CONTRAST, WHITE, contrast_ratio
from chorus.pages.pictures import require_text_alternative


class HomePage(Page):
    """What the network does, its priorities, coalitions, news and a campaign spotlight."""

    intro = models.TextField(help_text="One or two sentences: who we are and what we do.")
    approach = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    spotlight_heading = models.CharField(max_length=150, blank=True)
    spotlight_text = models.TextField(blank=True)
    spotlight_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A member campaign or campaign action to put in the spotlight.",
    )

    spotlight_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A picture beside the spotlight. Photos lose their location and camera details when uploaded.",
    )
    spotlight_image_alt = models.CharField(
        "Spotlight picture's text alternative",
        max_length=250,
        blank=True,
        help_text="What the picture shows, for people who cannot see it. Needed unless it is only decoration.",
    )
    spotlight_image_decorative = models.BooleanField(
        "The picture is only decoration",
        default=False,
        help_text="Tick only if the picture adds nothing to the words: screen readers then skip it.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("approach"),
        MultiFieldPanel(
            [
                FieldPanel("spotlight_heading"),
                FieldPanel("spotlight_text"),
                FieldPanel("spotlight_page"),
                FieldPanel("spotlight_image"),
                FieldPanel("spotlight_image_alt"),
                FieldPanel("spotlight_image_decorative"),
            ],
            heading="Campaign spotlight",
        ),
    ]

    def clean(self) -> None:
        super().clean()
        require_text_alternative(
            has_image=self.spotlight_image_id is not None,
            alt=self.spotlight_image_alt,
            decorative=self.spotlight_image_decorative,
            alt_field="spotlight_image_alt",
        )

    search_fields = [*Page.search_fields, index.SearchField("intro")]
    max_count = 1

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # The spotlight, priority areas, news, bulletin and coalitions: each app registers
        # its own section (chorus.core.sections), so this app imports none of them.
        context["sections"] = page_sections(HOME_PAGE, request=request, page=self)
        return context


class StandardPage(Page):
    """A plain page: our approach, resources for grassroots groups, about us."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["pages.StandardPage"]


# Named as a string so that pages imports no domain app: the chooser offers open letters
# and petitions (the subclasses of ActionPage) and nothing else.
CAMPAIGN_ACTION_PAGE_TYPE = "campaigns.ActionPage"


class RelatedAction(Orderable):
    """A campaign action an editor links from a page, so a reader can act on what they read.

    Points at the page by its base type, not at ``campaigns.ActionPage``, so neither this
    app's code nor its migrations depend on campaigns; the chooser offers only actions.
    """

    action = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="An open letter or petition to offer readers of this page.",
    )

    panels = [PageChooserPanel("action", page_type=CAMPAIGN_ACTION_PAGE_TYPE)]

    class Meta(Orderable.Meta):
        abstract = True


def live_related_actions(page: ClusterableModel) -> list[Page]:
    """The live, public actions an editor linked from ``page`` (its ``related_actions``), in their order."""
    links = getattr(page, "related_actions", None)
    if links is None or page.pk is None:
        return []
    ids = [link.action_id for link in links.all()]
    found = {action.pk: action for action in Page.objects.filter(pk__in=ids).live().public().specific()}
    return [found[pk] for pk in ids if pk in found]


class PriorityAreaIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types = ["pages.PriorityAreaPage"]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["areas"] = PriorityAreaPage.objects.child_of(self).live().public()
        return context


class PriorityAreaPage(Page):
    """One of the network's priority areas, its focus points and the work done under it."""

    summary = models.TextField(help_text="A sentence or two, shown on the home page.")
    focus_points = StreamField([("focus_point", FocusPointBlock())], blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("focus_points"),
        FieldPanel("body"),
        InlinePanel(
            "related_actions",
            heading="Campaign actions to feature",
            label="Campaign action",
            help_text="Open actions tagged with this area are listed by themselves; choose any to put first.",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["pages.PriorityAreaIndexPage"]
    subpage_types: list[str] = []

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # The work done under the area, from the apps that hold it (chorus.core.sections).
        context["sections"] = page_sections(PRIORITY_AREA_PAGE, request=request, page=self)
        context["related_actions"] = live_related_actions(self)
        return context


class PriorityAreaRelatedAction(RelatedAction):
    page = ParentalKey(PriorityAreaPage, on_delete=models.CASCADE, related_name="related_actions")


@register_snippet
class Coalition(index.Indexed, models.Model):
    """A coalition the network belongs to: what it is and what we do in it."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(help_text="What the coalition is.")
    our_role = models.TextField(help_text="What we do in it.")
    url = models.URLField(blank=True, help_text="The coalition's own website.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("our_role"),
        FieldPanel("url"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class CoalitionIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types: list[str] = []

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["coalitions"] = Coalition.objects.all()
        return context


# --- The network's own face, urgent help and the accessibility statement --------------------
# Wagtail settings: one row each, edited under Settings in the admin, read in templates
# through Wagtail's settings context processor (``settings.pages.OrganisationSettings``).

DEFAULT_ACCENT_COLOUR = "#00703c"


def validate_accent_colour(value: str) -> None:
    """Refuses a colour that is not #rrggbb, or that white text on it (or it on white) could not be read."""
    if not HEX_COLOUR.match(value):
        raise ValidationError("Enter the colour as # and six hexadecimal digits, for example #00703c.")
    ratio = contrast_ratio(value, WHITE)
    if ratio < MINIMUM_CONTRAST:
        raise ValidationError(
            f"This colour is too light: against white its contrast is {ratio:.1f} to 1, and it must be at "
            f"least {MINIMUM_CONTRAST} to 1 so that everyone can read it. Choose a darker colour."
        )


@register_setting(icon="site")
class OrganisationSettings(BaseGenericSetting):
    """Who runs this site: the name, logo, colour and registration details shown on every page."""

    name = models.CharField(
        max_length=120, default="Chorus Network", help_text="Shown in the header, the footer and every page's title."
    )
    tagline = models.CharField(
        max_length=160,
        blank=True,
        default="user-led policy and campaigns",
        help_text="A few words after the name in the header.",
    )
    description = models.CharField(
        max_length=300,
        default=(
            "A network run by people with lived experience of mental distress: policy news, briefings, "
            "open letters and petitions, and support for members' own campaigns."
        ),
        help_text="A sentence about the network, for search engines on pages that have no summary of their own.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An SVG or PNG, shown beside the name. Without one, the network's default logo is shown.",
    )
    accent_colour = models.CharField(
        max_length=7,
        default=DEFAULT_ACCENT_COLOUR,
        validators=[validate_accent_colour],
        help_text="Buttons and highlights, as #rrggbb. It must be dark enough for white text (contrast of 4.5 to 1).",
    )
    charity_number = models.CharField(max_length=40, blank=True, help_text="Registered charity number, if any.")
    company_number = models.CharField(max_length=40, blank=True, help_text="Registered company number, if any.")
    registered_address = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True, help_text="A general address people can write to.")
    grants_prefix = models.CharField(
        "360Giving prefix",
        max_length=40,
        blank=True,
        help_text=(
            "The identifier prefix 360Giving gave you, such as 360G-chorus. "
            "Grant data is published only once it is set."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("tagline"),
        FieldPanel("description"),
        FieldPanel("logo"),
        FieldPanel("accent_colour"),
        MultiFieldPanel(
            [
                FieldPanel("charity_number"),
                FieldPanel("company_number"),
                FieldPanel("registered_address"),
                FieldPanel("contact_email"),
            ],
            heading="Registration and contact",
        ),
        FieldPanel("grants_prefix"),
    ]

    class Meta:
        verbose_name = "Organisation"

    def sender(self) -> Sender:
        """The organisation as the sender of what Chorus makes outside a page (chorus.core.branding)."""
        return Sender(
            name=self.name,
            contact_email=self.contact_email,
            address=self.registered_address,
            charity_number=self.charity_number,
            company_number=self.company_number,
        )

    @property
    def custom_accent_colour(self) -> str:
        """The accent colour when it is not the stylesheet's own, for the small stylesheet that sets it."""
        colour = self.accent_colour.lower()
        return "" if colour == DEFAULT_ACCENT_COLOUR or not HEX_COLOUR.match(colour) else colour

    def clean(self) -> None:
        super().clean()
        if self.logo is not None and not self.logo.file.name.lower().endswith((".svg", ".png")):
            raise ValidationError({"logo": "Choose an SVG or PNG image for the logo."})


@register_setting(icon="help")
class HelpNowSettings(BaseGenericSetting):
    """The "Need help now?" panel: this is not a crisis service, and where to turn at once."""

    heading = models.CharField(max_length=80, default="Need help now?")
    intro = models.TextField(
        default=(
            "We are a campaigning network, not a crisis service, and we cannot answer quickly. "
            "If you need to talk to someone now, these services are free and open every day."
        )
    )
    emergency_text = models.CharField(
        max_length=200,
        default="If you or someone else is in danger now, or might act on thoughts of ending their life:",
        help_text="Shown before the 999 link.",
    )
    nhs_111_text = models.CharField(
        max_length=200,
        default="For urgent mental health help from the NHS, call 111 and choose option 2:",
        help_text="Shown before the 111 link.",
    )
    samaritans_text = models.CharField(
        max_length=200,
        default="To talk to someone at Samaritans, any time of day or night:",
        help_text="Shown before the Samaritans link.",
    )
    shout_text = models.CharField(
        max_length=200,
        default="If you would rather not talk, text SHOUT to Shout's free text service:",
        help_text="Shown before the Shout link.",
    )

    panels = [
        FieldPanel("heading"),
        FieldPanel("intro"),
        FieldPanel("emergency_text"),
        FieldPanel("nhs_111_text"),
        FieldPanel("samaritans_text"),
        FieldPanel("shout_text"),
    ]

    class Meta:
        verbose_name = "Need help now?"


DEFAULT_ACCESSIBILITY_STATEMENT = """
<p>This statement covers this website. We want as many people as possible to be able to use it: to change
colours and text size, zoom in up to 400% without text spilling off the screen, use it by keyboard alone or
with speech recognition software, and listen to it with a screen reader.</p>
<h2>Compliance status</h2>
<p>This website is fully compliant with the Web Content Accessibility Guidelines version 2.2, AA standard.</p>
<h2>Content that is not accessible</h2>
<p>Some documents we publish that were written by other organisations, such as consultation papers, may not
be accessible. If you need one in another format, ask us and we will find or make one.</p>
<p>The screens our staff and volunteers use are built on Wagtail, a content management system. The Nu HTML
Checker finds a small number of kinds of markup error in Wagtail's own part of those screens, such as a
label that points at a hidden field. In our tests they do not stop the screens working by keyboard or with
a screen reader, and the axe checker finds no accessibility problems there. We keep a list of these errors,
and our tests fail if any other kind appears, on any screen.</p>
<h2>Asking for another format</h2>
<p>If you need anything on this site in a different format, such as Easy Read, large print, audio or
braille, email us or use the contact details below. We will reply within five working days.</p>
<h2>Reporting accessibility problems with this website</h2>
<p>We are always looking to improve. If you find a problem that is not listed on this page, or think we
are not meeting accessibility requirements, please tell us by email or through the contact details below.</p>
<h2>Enforcement procedure</h2>
<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing accessibility law in
England, Scotland and Wales. If you are not happy with how we respond to your complaint, contact the
Equality Advisory and Support Service (EASS). In Northern Ireland, contact the Equality Commission for
Northern Ireland (ECNI).</p>
<h2>How we tested this website</h2>
<p>Every page type is tested automatically on every change, in a real browser, with the axe accessibility
checker and the Nu HTML Checker, by keyboard and without JavaScript, at desktop and phone widths. People
with lived experience who use assistive technology review new features with us.</p>
""".strip()


@register_setting(icon="doc-full")
class AccessibilityStatementSettings(BaseGenericSetting):
    """The accessibility statement, in the model of GOV.UK's sample statement."""

    body = RichTextField(features=RICH_TEXT_FEATURES, default=DEFAULT_ACCESSIBILITY_STATEMENT)
    prepared_on = models.DateField(
        default=timezone.localdate, help_text="When this statement was prepared (at first, when the site was set up)."
    )
    reviewed_on = models.DateField(null=True, blank=True, help_text="When it was last reviewed, if since.")

    panels = [FieldPanel("body"), FieldPanel("prepared_on"), FieldPanel("reviewed_on")]

    class Meta:
        verbose_name = "Accessibility"

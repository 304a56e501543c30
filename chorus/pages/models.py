"""The network's own pages: home, standard pages, priority areas and coalitions."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from chorus.core.sections import HOME_PAGE, PRIORITY_AREA_PAGE, page_sections
from chorus.pages.blocks import RICH_TEXT_FEATURES, BodyBlock, FocusPointBlock


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

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("approach"),
        MultiFieldPanel(
            [FieldPanel("spotlight_heading"), FieldPanel("spotlight_text"), FieldPanel("spotlight_page")],
            heading="Campaign spotlight",
        ),
    ]
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

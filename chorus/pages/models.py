"""The network's own pages: home, standard pages, priority areas and coalitions."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

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
        from chorus.news.models import ArticleIndexPage
        from chorus.news.selectors import latest_articles

        context = super().get_context(request, *args, **kwargs)
        context["priority_areas"] = PriorityAreaPage.objects.live().public().order_by("path")
        context["coalitions"] = Coalition.objects.all()
        context["latest_articles"] = latest_articles(limit=4)
        context["article_index"] = ArticleIndexPage.objects.live().public().first()
        context["coalition_index"] = CoalitionIndexPage.objects.live().public().first()
        spotlight = self.spotlight_page
        context["spotlight"] = spotlight.specific if spotlight is not None and spotlight.live else None
        context["spotlight_actions"] = _actions_alongside(context["spotlight"])
        return context


class StandardPage(Page):
    """A plain page: our approach, resources for grassroots groups, about us."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["pages.StandardPage"]


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

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("focus_points"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["pages.PriorityAreaIndexPage"]
    subpage_types: list[str] = []

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from chorus.news.selectors import articles_for_area

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = articles_for_area(area=self, limit=10)
        return context


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


def _actions_alongside(spotlight: Page | None) -> list[Page]:
    """A spotlit open letter or petition brings the campaign's other open actions with it."""
    from chorus.campaigns.models import ActionPage
    from chorus.campaigns.selectors import actions_alongside

    if not isinstance(spotlight, ActionPage):
        return []
    return list(actions_alongside(spotlight))

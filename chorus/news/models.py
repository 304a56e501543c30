"""Policy news and briefings: one article type with a kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from chorus.news.panels import EasyReadCheckPanel, ReadingAgePanel
from chorus.pages.blocks import BodyBlock, EasyReadBlock
from chorus.pages.models import RelatedAction, live_related_actions
from chorus.pages.pictures import LeadPicture


class ArticleKind(models.TextChoices):
    NEWS = "news", "News"
    BRIEFING = "briefing", "Briefing"
    CONSULTATION_RESPONSE = "consultation-response", "Consultation response"
    WRITTEN_EVIDENCE = "written-evidence", "Written evidence"
    OPEN_LETTER = "open-letter", "Open letter"
    STATEMENT = "statement", "Statement"
    ANALYSIS = "analysis", "Analysis"
    RESEARCH = "research", "Research"
    RESOURCE = "resource", "Resource"


ARTICLES_PER_PAGE = 10


class ArticleIndexPage(Page):
    """The listing of all articles, filtered by plain GET links."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types = ["news.ArticlePage"]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from chorus.news.selectors import ArticleFilters, article_list, article_years
        from chorus.pages.models import PriorityAreaPage

        context = super().get_context(request, *args, **kwargs)
        filters = ArticleFilters.from_query(request.GET)
        paginator = Paginator(article_list(filters=filters), ARTICLES_PER_PAGE)
        context.update(
            filters=filters,
            page_obj=paginator.get_page(request.GET.get("page")),
            kinds=ArticleKind.choices,
            areas=PriorityAreaPage.objects.live().public().order_by("path"),
            years=article_years(),
        )
        return context


class ArticlePage(RoutablePageMixin, LeadPicture, Page):
    """A piece of policy work: news, a briefing, a consultation response, evidence…"""

    kind = models.CharField(max_length=30, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    date = models.DateField(default=timezone.localdate, help_text="The date it was published or submitted.")
    summary = models.TextField(help_text="Two or three plain sentences, shown in lists, feeds and the bulletin.")
    body = StreamField(BodyBlock())
    priority_areas = ParentalManyToManyField("pages.PriorityAreaPage", blank=True, related_name="articles")
    coalitions = ParentalManyToManyField("pages.Coalition", blank=True, related_name="articles")
    easy_read_body = StreamField(
        EasyReadBlock(),
        blank=True,
        help_text="An Easy Read version: one or two short sentences beside a picture, one idea each.",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A PDF or other document of this piece of work.",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("kind"), FieldPanel("date")], heading="About this article"),
        FieldPanel("summary"),
        LeadPicture.picture_panel(),
        FieldPanel("body"),
        ReadingAgePanel(),
        MultiFieldPanel(
            [
                FieldPanel("priority_areas", widget=forms.CheckboxSelectMultiple),
                FieldPanel("coalitions", widget=forms.CheckboxSelectMultiple),
            ],
            heading="Tags",
        ),
        InlinePanel(
            "related_actions",
            heading="Campaign actions",
            label="Campaign action",
            help_text="Letters or petitions this article asks readers to sign; shown on it and its Easy Read version.",
        ),
        FieldPanel("easy_read_body"),
        EasyReadCheckPanel("easy_read_body"),
        FieldPanel("document"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("easy_read_body"),
        index.FilterField("kind"),
        index.FilterField("date"),
    ]
    parent_page_types = ["news.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        indexes = [models.Index(fields=["-date"])]

    @property
    def has_easy_read(self) -> bool:
        return bool(self.easy_read_body)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["related_actions"] = live_related_actions(self)
        return context

    @path("")
    def article(self, request: HttpRequest) -> HttpResponse:
        return self.render(request)

    @path("easy-read/")
    def easy_read(self, request: HttpRequest) -> HttpResponse:
        if not self.has_easy_read:
            raise Http404("This article has no Easy Read version.")
        context = {"page": self, "self": self, "related_actions": live_related_actions(self)}
        return render(request, "news/article_page_easy_read.html", context)


class ArticleRelatedAction(RelatedAction):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_actions")

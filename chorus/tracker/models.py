"""The policy tracker: consultations, inquiries, bills and reviews, with deadlines and our response.

Tracked items are ordinary models (staff manage them in the Wagtail admin); the public
tracker is a Wagtail page (``TrackerPage``) that editors place in the tree and that
serves both the index and each item's page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.admin.widgets.slug import SlugInput
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import DraftStateMixin, Orderable, Page, PreviewableMixin, RevisionMixin
from wagtail.search import index

from chorus.tracker.panels import ImportedFromPanel, ImportedFromSummaryPanel


class ItemKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    INQUIRY = "inquiry", "Inquiry or call for evidence"
    BILL = "bill", "Bill"
    REVIEW = "review", "Review"
    STRATEGY = "strategy", "Strategy"
    OTHER = "other", "Other"


class SourceSystem(models.TextChoices):
    MANUAL = "", "Entered by staff"
    BILLS = "bills", "UK Parliament Bills API"
    COMMITTEES = "committees", "UK Parliament Committees API"
    GOVUK = "govuk", "GOV.UK search"


class StageName(models.TextChoices):
    # Bills
    INTRODUCED = "introduced", "Introduced"
    SECOND_READING = "second-reading", "Second reading"
    COMMITTEE = "committee", "Committee stage"
    REPORT_STAGE = "report-stage", "Report stage"
    THIRD_READING = "third-reading", "Third reading"
    OTHER_HOUSE = "other-house", "In the other House"
    CONSIDERATION_OF_AMENDMENTS = "consideration-of-amendments", "Consideration of amendments"
    ROYAL_ASSENT = "royal-assent", "Royal Assent"
    # Inquiries
    LAUNCHED = "launched", "Launched"
    CALL_FOR_EVIDENCE = "call-for-evidence", "Call for evidence"
    ORAL_EVIDENCE = "oral-evidence", "Oral evidence"
    REPORT_PUBLISHED = "report-published", "Report published"
    GOVERNMENT_RESPONSE = "government-response", "Government response"
    # Consultations, reviews and strategies
    ANNOUNCED = "announced", "Announced"
    OPENED = "opened", "Opened for responses"
    CLOSED = "closed", "Closed"
    OUTCOME_PUBLISHED = "outcome-published", "Outcome published"
    PUBLISHED = "published", "Published"
    IMPLEMENTATION = "implementation", "Implementation"


# The controlled vocabulary of stages for each kind, in their usual order.
STAGE_VOCABULARY: dict[str, list[str]] = {
    ItemKind.BILL: [
        StageName.INTRODUCED,
        StageName.SECOND_READING,
        StageName.COMMITTEE,
        StageName.REPORT_STAGE,
        StageName.THIRD_READING,
        StageName.OTHER_HOUSE,
        StageName.CONSIDERATION_OF_AMENDMENTS,
        StageName.ROYAL_ASSENT,
    ],
    ItemKind.INQUIRY: [
        StageName.LAUNCHED,
        StageName.CALL_FOR_EVIDENCE,
        StageName.ORAL_EVIDENCE,
        StageName.REPORT_PUBLISHED,
        StageName.GOVERNMENT_RESPONSE,
    ],
    ItemKind.CONSULTATION: [
        StageName.ANNOUNCED,
        StageName.OPENED,
        StageName.CLOSED,
        StageName.OUTCOME_PUBLISHED,
    ],
    ItemKind.REVIEW: [
        StageName.ANNOUNCED,
        StageName.CALL_FOR_EVIDENCE,
        StageName.REPORT_PUBLISHED,
        StageName.GOVERNMENT_RESPONSE,
        StageName.IMPLEMENTATION,
    ],
    ItemKind.STRATEGY: [
        StageName.ANNOUNCED,
        StageName.OPENED,
        StageName.CLOSED,
        StageName.PUBLISHED,
        StageName.IMPLEMENTATION,
    ],
    ItemKind.OTHER: list(StageName.values),
}


class ResponseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DRAFTING = "drafting", "Drafting"
    SUBMITTED = "submitted", "Submitted"
    PUBLISHED = "published", "Published"
    NOT_RESPONDING = "not-responding", "Not responding"


# Fields the importers may overwrite; a staff edit to one of them protects it from the next import.
IMPORTED_FIELDS = ("title", "kind", "owner_body", "summary", "source_url", "respond_url")
WINDOWS_FIELD = "windows"  # marker in manually_edited_fields: staff changed the submission windows


class TrackedItem(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, ClusterableModel):  # type: ignore[misc]
    """One piece of policy business we follow: a consultation, inquiry, bill, review or strategy.

    Staff can save an item as a draft and preview it; the public tracker shows only live
    items. Importers write live items directly.
    """

    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        blank=True,
        help_text="The item's address on the tracker page. Leave it empty to make it from the title.",
    )
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.CONSULTATION)
    owner_body = models.CharField(
        max_length=200, help_text="Who runs it: a government department, a select committee, a regulator…"
    )
    summary = models.TextField(help_text="What it is about and why it matters to members, in plain language.")
    source_url = models.URLField(max_length=500, blank=True, help_text="The official page for it.")
    respond_url = models.URLField(
        max_length=500, blank=True, help_text="Where members can respond themselves (the owner body's own page)."
    )
    priority_areas = ParentalManyToManyField("pages.PriorityAreaPage", blank=True, related_name="tracked_items")
    articles = ParentalManyToManyField(
        "news.ArticlePage", blank=True, related_name="tracked_items", help_text="Our articles about it."
    )
    documents = ParentalManyToManyField("wagtaildocs.Document", blank=True, related_name="+")
    source_system = models.CharField(max_length=20, choices=SourceSystem.choices, blank=True, default="")
    upstream_id = models.CharField(max_length=255, blank=True, default="")
    manually_edited_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Imported fields a staff member changed by hand; imports leave these alone. "
        'Remove a name from the list (e.g. "title", or "windows" for the submission windows) '
        "to let imports update it again.",
    )
    last_imported_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When an import last read this item from its source."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # The site's search finds tracked items beside pages (chorus.tracker.selectors.search_hits).
    search_fields = [
        index.SearchField("title"),
        index.SearchField("summary"),
        index.SearchField("owner_body"),
        index.AutocompleteField("title"),
        index.FilterField("live"),  # search finds published items only, as the tracker shows
    ]

    panels = [
        # Wagtail's own title-to-slug sync where JavaScript runs; the form makes the slug
        # from the title on the server when it is left empty (the real rule).
        TitleFieldPanel("title", placeholder=False),
        FieldPanel("slug", widget=SlugInput),
        FieldPanel("kind"),
        FieldPanel("owner_body"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("source_url"), FieldPanel("respond_url")], heading="Links"),
        InlinePanel("links", heading="More official links", label="Link"),
        FieldPanel("priority_areas", widget=forms.CheckboxSelectMultiple),
        FieldPanel("articles"),
        FieldPanel("documents"),
        InlinePanel("stages", heading="Timeline", label="Stage"),
        InlinePanel("windows", heading="Submission windows", label="Window"),
        # Only for imported items: where it came from, read-only, and the details staff have
        # taken over from the importer, each of which can be handed back.
        ImportedFromPanel(
            [ImportedFromSummaryPanel(), FieldPanel("release_fields")],
            heading="Imported from",
        ),
    ]

    class Meta:
        ordering = ["title"]
        # Wagtail asks for "publish" on draft-enabled models; snippets get it made for them, a ModelViewSet does not.
        permissions = [("publish_trackeditem", "Can publish tracked item")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "upstream_id"],
                condition=~models.Q(upstream_id=""),
                name="tracker_item_unique_upstream",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_imported(self) -> bool:
        return bool(self.upstream_id)

    def get_preview_template(self, request: HttpRequest, mode_name: str) -> str:
        return "tracker/tracked_item.html"

    def get_preview_context(self, request: HttpRequest, mode_name: str) -> dict[str, Any]:
        """The public item page, filled from this (unsaved) version of the item."""
        from chorus.tracker.selectors import tracked_item_preview_detail, tracker_page

        detail = tracked_item_preview_detail(item=self, now=timezone.now())
        return {"request": request, "page": tracker_page(), "detail": detail, "item": self, "is_preview": True}

    @property
    def taken_over_fields(self) -> list[tuple[str, str]]:
        """The details staff have edited by hand, as (name, label), in the form's order."""
        edited = set(self.manually_edited_fields or [])
        return [(name, protected_field_label(name)) for name in (*IMPORTED_FIELDS, WINDOWS_FIELD) if name in edited]


def protected_field_label(name: str) -> str:
    """The words for one field the importer may be kept away from."""
    return PROTECTED_FIELD_LABELS.get(name, name)


PROTECTED_FIELD_LABELS = {
    "title": "Title",
    "kind": "Kind",
    "owner_body": "Who runs it",
    "summary": "Summary",
    "source_url": "Official page",
    "respond_url": "Where members can respond",
    WINDOWS_FIELD: "Submission windows",
}


class SourceLink(Orderable):
    """Extra official links: documents, the bill's page in the other House, an impact assessment."""

    item = ParentalKey(TrackedItem, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)

    panels = [FieldPanel("title"), FieldPanel("url")]

    def __str__(self) -> str:
        return self.title


class Stage(Orderable):
    """One step on an item's timeline, from the kind's controlled vocabulary."""

    item = ParentalKey(TrackedItem, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=40, choices=StageName.choices)
    date = models.DateField()
    note = models.CharField(max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("date"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        ordering = ["date", "sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_name_display()} ({self.date:%d %b %Y})"

    def clean(self) -> None:
        try:
            kind = self.item.kind
        except TrackedItem.DoesNotExist:
            return  # the item form reports its own errors
        allowed = STAGE_VOCABULARY.get(kind, [])
        if allowed and self.name not in allowed:
            labels = ", ".join(StageName(value).label for value in allowed)
            raise ValidationError({"name": f"This stage does not apply to this kind of item. Use one of: {labels}."})


class SubmissionWindow(Orderable):
    """A period in which anyone may respond. An item can have several (e.g. two rounds)."""

    item = ParentalKey(TrackedItem, on_delete=models.CASCADE, related_name="windows")
    label = models.CharField(max_length=150, blank=True, help_text="E.g. 'Written evidence', 'Second round'.")
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(help_text="The deadline, in UK time.")
    late_submissions_accepted = models.BooleanField(default=False)
    upstream_id = models.CharField(max_length=255, blank=True, default="")

    panels = [
        FieldPanel("label"),
        FieldPanel("opens_at"),
        FieldPanel("closes_at"),
        FieldPanel("late_submissions_accepted"),
    ]

    class Meta(Orderable.Meta):
        ordering = ["closes_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} – closes {timezone.localtime(self.closes_at):%d %b %Y %H:%M}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": "The window must close after it opens."})


class Response(models.Model):
    """Our own response to an item. Its status changes only through ``response_transition``."""

    item = models.OneToOneField(TrackedItem, on_delete=models.CASCADE, related_name="response")
    status = models.CharField(max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.PLANNED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracker_responses",
        help_text="The member of staff leading our response; reminders go to them.",
    )
    internal_deadline = models.DateField(null=True, blank=True, help_text="Our own deadline, before the window.")
    not_responding_reason = models.TextField(blank=True)
    article = models.ForeignKey(
        "news.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracker_responses",
        help_text="The published response or written evidence.",
    )
    notes = models.TextField(blank=True, help_text="Internal notes; never shown publicly.")
    status_changed_at = models.DateTimeField(default=timezone.now)

    panels = [
        FieldPanel("item"),
        FieldPanel("status"),
        FieldPanel("not_responding_reason"),
        FieldPanel("owner"),
        FieldPanel("internal_deadline"),
        FieldPanel("article"),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["internal_deadline", "pk"]

    def __str__(self) -> str:
        return f"Our response to {self.item}"


class ChangeKind(models.TextChoices):
    ITEM_ADDED = "item-added", "New item"
    STAGE_ADDED = "stage-added", "New stage"
    WINDOW_ADDED = "window-added", "Submission window opened"
    DEADLINE_CHANGED = "deadline-changed", "Deadline changed"
    RESPONSE_CHANGED = "response-changed", "Our response"
    UPDATED = "updated", "Details updated"


class ItemChange(models.Model):
    """A public change on an item, shown on its timeline and in the Atom feed of changes."""

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    description = models.CharField(max_length=500)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return self.description


class ImportRun(models.Model):
    """One run of an importer and what it did, for staff to read back."""

    source = models.CharField(max_length=20, choices=SourceSystem.choices)
    started_at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField(default=False)
    failure_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the run failed, in plain words (the error keeps the detail)."
    )
    error = models.TextField(blank=True, verbose_name="technical detail")
    counts = models.JSONField(default=dict)
    report = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} import at {timezone.localtime(self.started_at):%-d %b %Y %H:%M}"

    @property
    def status_text(self) -> str:
        """ "Worked" or "Failed: could not reach the service (timeout)"."""
        if self.succeeded:
            return "Worked"
        return f"Failed: {self.failure_reason or 'something went wrong (see the technical detail)'}"

    status_text.fget.short_description = "Result"  # type: ignore[attr-defined]

    @property
    def summary(self) -> str:
        """What the run did, as a sentence."""
        if not self.succeeded:
            return "Nothing was changed."
        counts = self.counts or {}
        parts = [
            _count(counts.get("insert", 0), "new item", "new items"),
            _count(counts.get("update", 0), "item updated", "items updated"),
            _count(counts.get("no change", 0), "item unchanged", "items unchanged"),
        ]
        text = f"{parts[0]}, {parts[1]} and {parts[2]}."
        skipped = counts.get("skipped fields", 0)
        if skipped:
            text += f" {_count(skipped, 'change', 'changes')} left alone because staff edited those details."
        return text[0].upper() + text[1:]

    summary.fget.short_description = "What it did"  # type: ignore[attr-defined]

    @property
    def report_text(self) -> str:
        """One line per item the run looked at."""
        return "\n".join(str(line) for line in self.report or []) or "No items."

    report_text.fget.short_description = "Item by item"  # type: ignore[attr-defined]


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


# The outbox kind of a reminder's email (composed in chorus.tracker.emails).
RESPONSE_REMINDER_EMAIL = "tracker.response_reminder"


class ResponseReminder(models.Model):
    """A reminder sent to a response owner about one window; unique so it is sent once."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="reminders")
    window = models.ForeignKey(SubmissionWindow, on_delete=models.CASCADE, related_name="reminders")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "window"], name="tracker_reminder_once")]

    def __str__(self) -> str:
        return f"Reminder for {self.response}"


class TrackerPage(RoutablePageMixin, Page):
    """The public tracker: what is open, closing soon and recently closed, and each item's page."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["pages.HomePage"]
    subpage_types: list[str] = []

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from chorus.pages.models import PriorityAreaPage
        from chorus.tracker.selectors import (
            ITEMS_PER_PAGE,
            TrackerFilters,
            closing_soon_windows,
            open_later_windows,
            recently_closed_windows,
            tracked_item_list,
        )

        context = super().get_context(request, *args, **kwargs)
        filters = TrackerFilters.from_query(request.GET)
        now = timezone.now()
        context.update(
            filters=filters,
            closing_soon=closing_soon_windows(now=now),
            open_later=open_later_windows(now=now),
            recently_closed=recently_closed_windows(now=now),
            page_obj=Paginator(tracked_item_list(filters=filters, now=now), ITEMS_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            now=now,
            kinds=ItemKind.choices,
            statuses=filters.STATUS_CHOICES,
            response_choices=filters.RESPONSE_CHOICES,
            areas=PriorityAreaPage.objects.live().public().order_by("path"),
        )
        return context

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        """The tracker page and every item page it serves."""
        urls: list[dict[str, Any]] = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if base:
            for item in TrackedItem.objects.filter(live=True).only("slug", "updated_at").order_by("slug"):
                urls.append({"location": f"{base}{item.slug}/", "lastmod": item.updated_at})
        return urls

    @path("")
    def index(self, request: HttpRequest) -> HttpResponse:
        return self.render(request)

    @path("<slug:item_slug>/")
    def item(self, request: HttpRequest, item_slug: str) -> HttpResponse:
        from chorus.tracker.selectors import tracked_item_detail

        detail = tracked_item_detail(slug=item_slug, now=timezone.now())
        if detail is None:
            raise Http404("No such tracked item.")
        return self.render(
            request,
            template="tracker/tracked_item.html",
            context_overrides={"detail": detail, "item": detail.item},
        )

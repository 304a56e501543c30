"""Funding programmes: a fund page describes a programme; its round pages run a call for applications.

This is the first slice (docs/decisions/0039-funding-rounds.md): funds, rounds, size
bands with their own questions, and an eligibility checker. Applications, reviews,
decisions and the transparency page attach to a round (and to a band and its question
ids) in the next slices.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from chorus.core.deadlines import london_day
from chorus.core.fields import EncryptedTextField
from chorus.grants.blocks import CriteriaBlock, EligibilityBlock, QuestionSetBlock
from chorus.grants.choices import DeclineReason, FileKind, Recommendation, RegisteredWith
from chorus.grants.forms import ANSWERED_FIELD, RoundPageForm
from chorus.grants.panels import QuestionLoadPanel
from chorus.grants.workflow import APPLICANT_LABELS, ApplicationStatus


class FundPage(RoutablePageMixin, Page):
    """A funding programme in plain words: who it is for, what it funds, how much.

    Its transparency page (``transparency/``) is generated from the applications of its
    closed rounds (chorus.grants.open_data), never written by hand.
    """

    summary = models.TextField(help_text="One or two plain sentences, shown in lists and search results.")
    who_it_is_for = models.TextField(
        help_text="Which groups can apply, in plain words. Say that unregistered groups are welcome if they are."
    )
    what_it_funds = models.TextField(help_text="What the money can pay for, including running costs if it can.")
    typical_sizes = models.CharField(
        max_length=200, help_text="The usual size of a grant, e.g. 'Most grants are between £300 and £2,500.'"
    )
    contact_email = models.EmailField(
        blank=True, help_text="Where groups write about this fund. Leave empty to use the organisation's address."
    )
    contact_phone = models.CharField(
        max_length=40, blank=True, help_text="A phone number groups can call about this fund."
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("who_it_is_for"),
        FieldPanel("what_it_funds"),
        FieldPanel("typical_sizes"),
        MultiFieldPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")], heading="How to reach us"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("who_it_is_for"),
        index.SearchField("what_it_funds"),
    ]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["grants.RoundPage"]
    kind_label = "Funding programme"  # what search results call it

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from chorus.grants.selectors import rounds_of_fund

        context = super().get_context(request, *args, **kwargs)
        context["rounds"] = rounds_of_fund(self, now=timezone.now())
        return context

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        """The fund page and its transparency page."""
        urls: list[dict[str, Any]] = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if base:
            urls.append({"location": f"{base}transparency/"})
        return urls

    @path("")
    def index(self, request: HttpRequest) -> HttpResponse:
        return self.render(request)

    @path("transparency/", name="transparency")
    def transparency(self, request: HttpRequest) -> HttpResponse:
        """Each closed round in figures: received, funded, how fast, in what form, why not, how much."""
        from chorus.grants.open_data import fund_transparency, giving_prefix
        from chorus.pages.models import OrganisationSettings

        return self.render(
            request,
            template="grants/transparency.html",
            context_overrides={
                "figures": fund_transparency(self, now=timezone.now()),
                "publishes_360giving": bool(giving_prefix(OrganisationSettings.load(request_or_site=request))),
            },
        )


class RoundStatus(enum.Enum):
    OPENING_SOON = "opening soon"
    OPEN = "open"
    CLOSED = "closed"


class RoundPage(Page):
    """One call for applications, with its dates, money, size bands, criteria and checker."""

    summary = models.TextField(help_text="One or two plain sentences, shown in lists and search results.")
    opens_at = models.DateTimeField("Opens", help_text="UK time.")
    closes_at = models.DateTimeField("Closes", help_text="UK time. Applications are taken until this moment.")
    accepts_late_applications = models.BooleanField(
        "Accept late applications",
        default=False,
        help_text="Tick to read applications that arrive after the closing time. They are marked late.",
    )
    budget = models.PositiveIntegerField(
        "Budget in pounds", validators=[MinValueValidator(1)], help_text="The total for this round, in whole pounds."
    )
    asks_for_report = models.BooleanField(
        "Ask groups for a short report",
        default=False,
        help_text=(
            "Off by default: most small grants need no report. When ticked, groups that get a grant are asked "
            "one short question afterwards, and can answer by phone or with a recording instead."
        ),
    )
    criteria = StreamField(
        CriteriaBlock(),
        help_text="What we look for, one thing at a time, in plain words. Reviewers score against each of these.",
    )
    decision_date = models.DateField(help_text="When groups will hear our decision.")
    payment_date = models.DateField(help_text="When groups that get a grant will be paid.")
    eligibility_questions = StreamField(
        EligibilityBlock(),
        blank=True,
        help_text="A few yes or no questions groups answer before applying, so no one applies in vain.",
    )

    base_form_class = RoundPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("accepts_late_applications"),
            ],
            heading="When it is open",
        ),
        MultiFieldPanel(
            [
                FieldPanel("budget"),
                FieldPanel("decision_date"),
                FieldPanel("payment_date"),
                FieldPanel("asks_for_report"),
            ],
            heading="Money and timetable",
        ),
        InlinePanel(
            "bands",
            heading="Grant sizes and their questions",
            label="Grant size",
            min_num=1,
            help_text="Smaller grants should ask fewer questions. Each size has its own questions.",
        ),
        QuestionLoadPanel(),
        FieldPanel("criteria"),
        FieldPanel("eligibility_questions"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.FilterField("closes_at")]
    parent_page_types = ["grants.FundPage"]
    subpage_types: list[str] = []
    kind_label = "Funding round"  # what search results call it

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = "The round must close after it opens."
        if self.closes_at and self.decision_date and self.decision_date < london_day(self.closes_at):
            errors["decision_date"] = "The decision date cannot be before the round closes."
        if self.decision_date and self.payment_date and self.payment_date < self.decision_date:
            errors["payment_date"] = "Groups cannot be paid before the decision date."
        if errors:
            raise ValidationError(errors)

    def status(self, *, now: datetime | None = None) -> RoundStatus:
        now = now or timezone.now()
        if now < self.opens_at:
            return RoundStatus.OPENING_SOON
        if now < self.closes_at:
            return RoundStatus.OPEN
        return RoundStatus.CLOSED

    @property
    def budget_in_words(self) -> str:
        return f"£{self.budget:,}"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from chorus.grants.selectors import how_to_apply_today
        from chorus.grants.services.applications import round_takes_applications
        from chorus.grants.services.eligibility import eligibility_check

        context = super().get_context(request, *args, **kwargs)
        check = eligibility_check(self, request.GET)
        context.update(
            status=self.status(),
            bands=list(self.bands.all()),
            check=check,
            contact=how_to_apply_today(self, request=request),
            takes_applications=round_takes_applications(self, now=timezone.now()),
        )
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        if ANSWERED_FIELD in request.GET:
            # The answers are in the address: keep the page out of shared caches and out of
            # search engines, and out of the browser's history of cached pages.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class RoundBand(Orderable):
    """A grant size: "up to £500", with the questions a group asking for that much answers.

    An application will point at its band, and store each answer under its question's
    block id, so questions can be reworded or reordered without losing answers.
    """

    round = ParentalKey(RoundPage, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=80, help_text="A short name, e.g. 'Small grants'.")
    up_to = models.PositiveIntegerField(
        "Up to (pounds)",
        validators=[MinValueValidator(1, "A grant size must be at least £1.")],
        help_text="The most a group can ask for in this size, in whole pounds.",
    )
    questions = StreamField(
        QuestionSetBlock(),
        blank=True,
        help_text="What a group asking for this much answers. Ask only what you need to decide.",
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("up_to")]), FieldPanel("questions")]

    class Meta(Orderable.Meta):
        verbose_name = "grant size"

    def __str__(self) -> str:
        return f"{self.name} (up to £{self.up_to:,})"

    @property
    def question_count(self) -> int:
        return len(self.questions)

    @property
    def up_to_in_words(self) -> str:
        return f"£{self.up_to:,}"


class GrantReferenceCounter(models.Model):
    """The last GR-YYYY-NNNN number issued in a year, incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Application(models.Model):
    """A group's application to one round: a draft until sent, then a reference and a status.

    Everything that names or reaches a person is encrypted. The address is also kept as a
    keyed digest (``email_digest``) so that one group has one draft per round, and a lost
    link can be sent again to the same draft, without the address being readable.
    """

    round = models.ForeignKey(RoundPage, on_delete=models.CASCADE, related_name="applications")
    # The band's pk survives revisions (modelcluster); SET_NULL so a removed size keeps the answers.
    band = models.ForeignKey(RoundBand, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT)

    # SHA-256 of the emailed link's token; the token is kept sealed only so the link can be
    # emailed once by the outbox, and is replaced each time a link is asked for again.
    token_hash = models.CharField(max_length=64, unique=True)
    token_sealed = EncryptedTextField(blank=True)
    email_digest = models.CharField(max_length=64)

    group_name = EncryptedTextField(blank=True)
    is_registered = models.BooleanField("Registered charity or company", null=True, blank=True)
    registered_number = models.CharField(max_length=20, blank=True)
    contact_name = EncryptedTextField(blank=True)
    contact_email = EncryptedTextField()
    contact_phone = EncryptedTextField(blank=True)
    access_needs = models.JSONField(default=list, blank=True)
    access_other = EncryptedTextField(blank=True)
    access_answered = models.BooleanField(default=False)
    call_me = models.BooleanField("Please call me instead", default=False)
    call_times = EncryptedTextField(blank=True)

    reference = models.CharField(max_length=20, null=True, blank=True, unique=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # How the group is registered, for the 360Giving organisation id (GB-CHC-, GB-COH-, GB-SC-).
    registered_with = models.CharField(max_length=20, choices=RegisteredWith.choices, blank=True)

    # The decision. A message to the group is always required; a reason too when not funded.
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    decision_message = EncryptedTextField(blank=True)
    # An award: published (360Giving, the transparency page), so it holds no one's personal data.
    amount_awarded = models.PositiveIntegerField(null=True, blank=True)
    award_date = models.DateField(null=True, blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    award_description = models.TextField(blank=True)

    # Set when the retention rule erased the contact details, answers and files.
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)
    # Whether any answer was a recording, noted when the retention rule deletes the files, so
    # the transparency page still counts the applications made by audio or video.
    had_audio = models.BooleanField(default=False)
    had_video = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "email_digest"],
                condition=models.Q(status="draft"),
                name="grants_one_draft_per_address_per_round",
            ),
            models.UniqueConstraint(fields=["year", "number"], name="grants_reference_unique_per_year"),
        ]
        permissions = [
            ("review_application", "Can score applications of the rounds they may read"),
            ("decide_application", "Can move applications on and decide them"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def applicant_status_label(self) -> str:
        return APPLICANT_LABELS.get(self.status, self.get_status_display())


class Answer(models.Model):
    """One answer, stored under its question's block id so rewording a question keeps it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=64)
    value = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField()
    # Typed in by staff on the group's behalf (a "please call me" application), and shown so.
    entered_by_staff = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question_id"], name="grants_one_answer_per_question")
        ]

    def __str__(self) -> str:
        return self.question_id


class AnswerFile(models.Model):
    """A file or recording given as an answer (or as the report), stored encrypted in private storage.

    The content is never served from the media address: staff read it through a
    permission-checked, audited view. ``question_id`` is the question's block id, or
    ``REPORT_QUESTION_ID`` for a report given as a recording.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    question_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=FileKind.choices)
    stored_name = models.CharField(max_length=100, unique=True)
    original_name = EncryptedTextField(blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField()
    entered_by_staff = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question_id"], name="grants_one_file_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.application}"


REPORT_QUESTION_ID = "report"


class PanelMembership(models.Model):
    """A panel member named on a round: they read and score that round's applications, and no other."""

    round = models.ForeignKey(RoundPage, on_delete=models.CASCADE, related_name="panel_memberships")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grant_panels")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="grants_one_membership_per_round")]

    def __str__(self) -> str:
        return f"{self.member} on {self.round}"


class Review(models.Model):
    """One reviewer's scores against the round's criteria, a short comment and a recommendation.

    ``scores`` maps each criterion's block id to a whole number from 1 to 5. Other
    reviewers' reviews are shown to a reviewer only once their own is sent.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_reviews")
    scores = models.JSONField(default=dict)
    comment = EncryptedTextField(blank=True)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="grants_one_review_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"Review of {self.application}"


class ConflictOfInterest(models.Model):
    """A reviewer's declared conflict with one application: it excludes them from reading or scoring it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grant_conflicts")
    note = EncryptedTextField(blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="grants_one_conflict_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"Conflict on {self.application}"


class GrantReport(models.Model):
    """The one short report a round may ask of a funded group: written, a recording, or a call."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="report")
    text = EncryptedTextField(blank=True)
    call_me = models.BooleanField(default=False)
    call_times = EncryptedTextField(blank=True)
    submitted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Report on {self.application}"

"""Open letters and petitions (Wagtail pages) and their signatures (ordinary rows).

Signers' details never enter a page, a revision or the search index: a Signature is
its own model with every personal field encrypted. Counts live in SignatureCount rows
that a worker refreshes in batches, so signing never contends on a counter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from chorus.campaigns.http import cacheable_for_public
from chorus.campaigns.workflow import ActionState
from chorus.core.crypto import blind_index
from chorus.core.fields import EncryptedTextField
from chorus.news.panels import EasyReadCheckPanel
from chorus.pages.blocks import RICH_TEXT_FEATURES, BodyBlock, EasyReadBlock
from chorus.pages.pictures import LeadPicture

if TYPE_CHECKING:
    from chorus.campaigns.selectors import ActionCount


def email_domain(email: str) -> str:
    """The domain of an email address, as block lists and trends compare it."""
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def domain_hash(domain: str) -> str:
    """A keyed hash of an email domain: enough for block lists and trends, not a readable list."""
    return blind_index(domain.strip().lower().rstrip("."), purpose="email-domain")


class CampaignIndexPage(Page):
    """The list of open letters and petitions."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types = ["campaigns.OpenLetterPage", "campaigns.PetitionPage", "campaigns.LetterToRepresentativePage"]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        actions = list(ActionPage.objects.child_of(self).live().public().specific().order_by("-first_published_at"))
        from chorus.campaigns.selectors import action_cards

        context["open_actions"] = [a for a in actions if a.is_open]
        context["open_cards"] = action_cards(context["open_actions"])
        context["past_actions"] = [a for a in actions if not a.is_open and a.state != ActionState.DRAFT]
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return cacheable_for_public(request, super().serve(request, *args, **kwargs))


def validate_milestones(value: str) -> None:
    try:
        parse_milestones(value)
    except ValueError as error:
        raise ValidationError("Write milestones as whole numbers separated by commas, e.g. 100, 500, 1000.") from error


def parse_milestones(value: str) -> list[int]:
    numbers = sorted({int(part) for part in value.replace(" ", "").split(",") if part})
    if any(number <= 0 for number in numbers):
        raise ValueError("milestones must be positive")
    return numbers


# A view of one of an action's own addresses: the request, and the action it is about.
ActionView = Callable[[HttpRequest, "ActionPage"], HttpResponse]
# The names of those addresses' routes (the ActionPage methods below).
ACTION_ROUTES = ("action", "sign", "check_email", "confirmed", "signatories", "easy_read", "easy_read_sign")


class ActionPage(RoutablePageMixin, LeadPicture, Page):
    """What open letters and petitions share. Not created directly (see the two kinds below).

    ``state`` is changed only by ``services.action_transition`` and is kept out of
    revisions (see ``with_content_json``), so publishing an old revision never reopens
    a closed action.
    """

    summary = models.TextField(help_text="One or two plain sentences, shown in lists and the bulletin.")
    body = StreamField(BodyBlock(), help_text="The letter or the petition's full text.")
    easy_read_summary = StreamField(
        EasyReadBlock(),
        blank=True,
        help_text="An Easy Read version: one or two short sentences beside a picture, one idea each.",
    )
    priority_areas = ParentalManyToManyField("pages.PriorityAreaPage", blank=True, related_name="campaign_actions")
    coalitions = ParentalManyToManyField("pages.Coalition", blank=True, related_name="campaign_actions")
    closing_date = models.DateField(
        null=True,
        blank=True,
        help_text="The last day people can sign. Left empty, signing closes by itself after a year open.",
    )
    outcome = models.TextField(
        blank=True,
        help_text="What came of it, once known: the answer you had, a meeting, a change. Shown on the action's "
        "page under its updates, in plain words.",
    )
    state = models.CharField(max_length=20, choices=ActionState.choices, default=ActionState.DRAFT, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        # Before the body, so that open letters and petitions, which put their own fields
        # after the summary (content_panels[:2]), show the picture just above the text too.
        LeadPicture.picture_panel(),
        FieldPanel("body"),
        FieldPanel("easy_read_summary"),
        EasyReadCheckPanel("easy_read_summary"),
        FieldPanel("closing_date"),
        FieldPanel("outcome"),
        MultiFieldPanel(
            [
                FieldPanel("priority_areas", widget=forms.CheckboxSelectMultiple),
                FieldPanel("coalitions", widget=forms.CheckboxSelectMultiple),
            ],
            heading="Tags",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types: list[str] = []
    is_creatable = False
    # Kept when an editor copies a page: a copy starts as a draft with no signatures.
    exclude_fields_in_copy = ["state", "opened_at", "closed_at", "delivered_at"]

    kind_label = "Campaign action"

    # The views of the action's own addresses (its page, the sign-up form and the pages
    # after it) live in views.py, which imports these models. CampaignsConfig.ready()
    # connects them here, by route name, so models import no views; check() stops
    # start-up if one is missing.
    route_views: ClassVar[dict[str, ActionView]] = {}

    def with_content_json(self, content: dict[str, Any]) -> ActionPage:
        # Wagtail's documented hook: fields owned by the workflow come from the live row.
        obj: ActionPage = super().with_content_json(content)  # type: ignore[assignment]
        for name in ("state", "opened_at", "closed_at", "delivered_at"):
            setattr(obj, name, getattr(self, name))
        return obj

    @property
    def is_open(self) -> bool:
        """Taking signatures: open, and its closing date (if any) not yet past."""
        return self.state == ActionState.OPEN and not self.past_closing_date

    @property
    def past_closing_date(self) -> bool:
        return self.closing_date is not None and self.closing_date < timezone.localdate()

    @property
    def effective_state(self) -> str:
        """The state as signers see it: an open action past its closing date has closed."""
        if self.state == ActionState.OPEN and self.past_closing_date:
            return ActionState.CLOSED
        return str(self.state)

    @property
    def state_label(self) -> str:
        if self.effective_state != self.state:
            return "Closed (its closing date has passed)"
        if self.state == ActionState.OPEN and not self.takes_signatures:
            return "Open for letters"
        return str(self.get_state_display())  # type: ignore[attr-defined]

    def confirms_signature_made_at(self, signed_at: datetime) -> bool:
        """Whether a signature made then may still be confirmed.

        Someone who signed by the closing date can confirm after it while their link
        works; once a campaigner closes the action, the list is final.
        """
        if self.state != ActionState.OPEN:
            return False
        return self.closing_date is None or timezone.localdate(signed_at) <= self.closing_date

    @property
    def allows_organisations(self) -> bool:
        return False

    @property
    def asks_postcode(self) -> bool:
        return False

    @property
    def takes_signatures(self) -> bool:
        """Whether people sign it (open letters, petitions) rather than write their own letter."""
        return True

    def count(self) -> ActionCount:
        from chorus.campaigns.selectors import action_count

        return action_count(action_id=self.pk)

    @classmethod
    def connect_views(cls, views: Mapping[str, ActionView]) -> None:
        """Take the views of the action's own addresses, by route name (CampaignsConfig.ready())."""
        ActionPage.route_views.update(views)

    @classmethod
    def check(cls, **kwargs: Any) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = super().check(**kwargs)
        missing = [name for name in ACTION_ROUTES if name not in ActionPage.route_views]
        if cls is ActionPage and missing:
            errors.append(
                checks.Error(
                    f"No view is connected for the action routes {', '.join(missing)}.",
                    hint="CampaignsConfig.ready() connects them with ActionPage.connect_views().",
                    obj=cls,
                    id="campaigns.E001",
                )
            )
        return errors

    def serve_route(self, name: str, request: HttpRequest) -> HttpResponse:
        return ActionPage.route_views[name](request, self)

    @path("")
    def action(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("action", request)

    @path("sign/")
    def sign(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("sign", request)

    @path("sign/check-your-email/")
    def check_email(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("check_email", request)

    @path("sign/confirmed/")
    def confirmed(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("confirmed", request)

    @path("signatories/")
    def signatories(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("signatories", request)

    @path("easy-read/")
    def easy_read(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("easy_read", request)

    @path("easy-read/sign/")
    def easy_read_sign(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("easy_read_sign", request)


class OpenLetterPage(ActionPage):
    """An open letter that individuals and organisations co-sign."""

    addressee = models.CharField(
        max_length=200, help_text="Who the letter is to, e.g. 'The Chief Executive, NHS England'."
    )

    content_panels = [*ActionPage.content_panels[:2], FieldPanel("addressee"), *ActionPage.content_panels[2:]]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types: list[str] = []
    is_creatable = True
    template = "campaigns/action_page.html"
    kind_label = "Open letter"

    @property
    def allows_organisations(self) -> bool:
        return True


class PetitionPage(ActionPage):
    """A petition to a named body, with a goal and milestones."""

    target = models.CharField(max_length=200, help_text="Who the petition is to, e.g. 'NHS England'.")
    ask = models.TextField(help_text="What the petition asks for, in a sentence or two.")
    goal = models.PositiveIntegerField(default=1000)
    milestones = models.CharField(
        max_length=200, blank=True, validators=[validate_milestones], help_text="e.g. 100, 500, 1000"
    )
    collect_postcode = models.BooleanField(
        default=False, help_text="Ask signers for an optional postcode, used only for a breakdown by area."
    )

    content_panels = [
        *ActionPage.content_panels[:2],
        FieldPanel("target"),
        FieldPanel("ask"),
        MultiFieldPanel([FieldPanel("goal"), FieldPanel("milestones"), FieldPanel("collect_postcode")], "Goal"),
        *ActionPage.content_panels[2:],
    ]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types: list[str] = []
    is_creatable = True
    template = "campaigns/action_page.html"
    kind_label = "Petition"

    @property
    def asks_postcode(self) -> bool:
        return self.collect_postcode

    def milestone_list(self) -> list[int]:
        try:
            return parse_milestones(self.milestones)
        except ValueError:
            return []


class SignatureKind(models.TextChoices):
    INDIVIDUAL = "individual", "As an individual"
    ORGANISATION = "organisation", "On behalf of an organisation"


class DisplayChoice(models.TextChoices):
    FULL_NAME = "full_name", "My full name"
    FIRST_NAME_INITIAL = "first_name_initial", "My first name and the initial of my last name"
    NOT_LISTED = "not_listed", "Do not list my name"


class OrganisationType(models.TextChoices):
    USER_LED = "user_led", "User-led group"
    CHARITY = "charity", "Charity"
    OTHER = "other", "Other"


class Moderation(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    PENDING = "pending", "Waiting for a campaigner"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class SignatureStatus(models.TextChoices):
    PENDING = "pending", "Waiting for email confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    INVALIDATED = "invalidated", "Invalidated"


class SignatureQuerySet(models.QuerySet["Signature"]):
    def counted(self) -> SignatureQuerySet:
        """Signatures that count: confirmed, and for organisations approved."""
        return self.filter(status=SignatureStatus.CONFIRMED).exclude(
            kind=SignatureKind.ORGANISATION, moderation__in=[Moderation.PENDING, Moderation.REJECTED]
        )


class Signature(models.Model):
    """One person's signature on one action. A person counts once per action (constraint)."""

    action = models.ForeignKey(ActionPage, on_delete=models.CASCADE, related_name="signatures")
    # What the integration API calls it by: never the row's id.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null once anonymised by retention or erasure; the row still counts.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    kind = models.CharField(max_length=20, choices=SignatureKind.choices, default=SignatureKind.INDIVIDUAL)
    name = EncryptedTextField(blank=True)
    role = EncryptedTextField(blank=True, help_text="Optional role or group, shown under the name.")
    organisation = EncryptedTextField(blank=True)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices, blank=True)
    contact = EncryptedTextField(blank=True, help_text="Contact person for an organisation.")
    postcode = EncryptedTextField(blank=True)
    display = models.CharField(max_length=20, choices=DisplayChoice.choices, default=DisplayChoice.NOT_LISTED)
    # Choices made on the form; consent records are written only once the email is confirmed.
    wants_bulletin = models.BooleanField(default=False)
    wants_updates = models.BooleanField(default=False)
    moderation = models.CharField(max_length=20, choices=Moderation.choices, default=Moderation.NOT_NEEDED)
    status = models.CharField(max_length=20, choices=SignatureStatus.choices, default=SignatureStatus.PENDING)
    status_before_invalidation = models.CharField(max_length=20, choices=SignatureStatus.choices, blank=True)
    invalidation = models.ForeignKey(
        "campaigns.Invalidation", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    # SHA-256 of the emailed token: a database copy cannot confirm anyone's signature.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_sent_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    email_domain_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change that can move a count; the refresh job looks only at recent ones.
    changed_at = models.DateTimeField(default=timezone.now)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "action"], name="campaigns_one_signature_per_person")]
        indexes = [
            models.Index(fields=["action", "changed_at"]),
            models.Index(fields=["action", "status", "kind"]),
            models.Index(fields=["action", "confirmed_at"]),
        ]

    def __str__(self) -> str:
        return f"Signature #{self.pk}"

    @property
    def public_name(self) -> str:
        """The name as the signer chose to be shown ('' when not listed)."""
        if self.kind == SignatureKind.ORGANISATION:
            return self.organisation if self.moderation == Moderation.APPROVED else ""
        if self.display == DisplayChoice.FULL_NAME:
            return self.name
        if self.display == DisplayChoice.FIRST_NAME_INITIAL:
            parts = self.name.split()
            if not parts:
                return ""
            return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."
        return ""

    def token_expired(self) -> bool:
        if self.token_sent_at is None:
            return True
        age = timezone.now() - self.token_sent_at
        return age.days >= settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS


class SignatureIntake(models.Model):
    """A signature as the form took it, waiting to be filed (normally for a second or two).

    The signing request writes only this row, so in a surge each signer costs the web
    processes one insert. The sender run files waiting rows in batches as people and
    signatures, with their audit entries, then emails each signer (services.signatures_file).
    """

    action = models.ForeignKey(ActionPage, on_delete=models.CASCADE, related_name="+")
    # The form's answers (services.SignerDetails) as JSON, encrypted in one piece.
    answers = EncryptedTextField()
    ip_hash = models.CharField(max_length=64, blank=True)
    email_domain_hash = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Signature waiting to be filed #{self.pk}"


class SignatureCount(models.Model):
    """The public count of one action, refreshed in batches from Signature rows."""

    action = models.OneToOneField(ActionPage, on_delete=models.CASCADE, related_name="signature_count")
    total = models.PositiveIntegerField(default=0)
    individuals = models.PositiveIntegerField(default=0)
    organisations = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)
    # Signatures changed after this moment have not been counted yet.
    counted_up_to = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.total} signatures on action #{self.action_id}"  # type: ignore[attr-defined]


class BlockedEmailDomain(models.Model):
    """Signatures from addresses at this domain are dropped silently (the signer sees the usual page)."""

    domain = models.CharField(max_length=253, unique=True, help_text="e.g. throwaway-mail.example")
    domain_hash = models.CharField(max_length=64, unique=True, editable=False)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The hash is a pure function of the field; keeping it beside is what lets the
        # snippet admin work, and it writes nothing else.
        self.domain = self.domain.strip().lower().rstrip(".")
        self.domain_hash = domain_hash(self.domain)
        super().save(*args, **kwargs)


# A block can be renewed, but no single block outlasts this.
IP_BLOCK_MAX_DAYS = 30


def ip_block_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.CHORUS_CAMPAIGNS_IP_BLOCK_DAYS)


class BlockedIpHash(models.Model):
    """A hashed client address (from a trend alert or the dashboard) whose signatures are dropped.

    Every block ends: addresses change hands, and even a hash is not kept for months.
    """

    ip_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        default=ip_block_expiry, help_text="Addresses change hands: block for days, not months."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "blocked address hash"

    def __str__(self) -> str:
        return self.ip_hash[:12]

    def clean(self) -> None:
        longest = timezone.now() + timedelta(days=IP_BLOCK_MAX_DAYS)
        if self.expires_at and self.expires_at > longest:
            raise ValidationError({"expires_at": f"Block an address for {IP_BLOCK_MAX_DAYS} days at most."})


class Invalidation(models.Model):
    """One bulk invalidation by criteria; reversible, and recorded in the audit log."""

    action = models.ForeignKey(ActionPage, on_delete=models.CASCADE, related_name="invalidations")
    criteria = models.JSONField(default=dict, help_text="Hashes and a time window; never a plain address.")
    reason = models.CharField(max_length=200)
    affected = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invalidation #{self.pk} ({self.affected})"

    def criteria_in_words(self) -> list[str]:
        """What it matched, for staff. A domain is kept only as its hash (a domain can name
        a person), so here it is just "one email domain"."""
        criteria = self.criteria or {}
        words = []
        if criteria.get("email_domain_hash"):
            words.append("one email domain")
        if criteria.get("ip_hash"):
            words.append(f"address hash {criteria['ip_hash'][:12]}")
        since, until = (
            timezone.localtime(datetime.fromisoformat(criteria[end])) if criteria.get(end) else None
            for end in ("since", "until")
        )

        def moment(value: datetime) -> str:
            return f"{value.day} {value:%b %Y %H:%M}"

        # The same words as the preview that was counted before it was applied.
        window = " ".join(
            f"{label} {moment(value)}" for label, value in (("from", since), ("before", until)) if value is not None
        )
        if window:
            words.append(f"signed {window}")
        return words


class CampaignUpdate(models.Model):
    """One email campaigners sent to the signers of an action who asked for updates.

    Written by staff for many people, so it holds no one's personal data.
    """

    action = models.ForeignKey(ActionPage, on_delete=models.CASCADE, related_name="updates")
    subject = models.CharField(max_length=150)
    body = models.TextField(help_text="Plain text, as written by staff.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(
        default=0, help_text="Signers who had agreed to updates when it went out."
    )
    sent = models.PositiveIntegerField(default=0, help_text="Messages the mail server accepted.")
    # The rest of the outcome, recorded when sending finishes and the per-person rows go.
    skipped = models.PositiveIntegerField(
        default=0, help_text="Not sent: the person stopped updates before it reached them, or has no address."
    )
    refused = models.PositiveIntegerField(default=0, help_text="Refused by the mail server for good.")
    given_up = models.PositiveIntegerField(
        default=0, help_text="Not sent when sending stopped: refused for now for days, or never tried."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Update #{self.pk} on action {self.action_id}"


# The outbox kinds of this app's emails (composed in chorus.campaigns.emails).
SIGNER_CONFIRM_EMAIL = "campaigns.signer_confirm"
SIGNER_ALREADY_SIGNED_EMAIL = "campaigns.already_signed"
SIGNER_EMAILS = (SIGNER_CONFIRM_EMAIL, SIGNER_ALREADY_SIGNED_EMAIL)
CAMPAIGN_UPDATE_EMAIL = "campaigns.update"


class DeliveryPackStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be built"
    BUILDING = "building", "Being built"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be built"
    DELETED = "deleted", "Deleted"


# A pack still on its way; an action has at most one (a constraint below).
PACK_IN_PROGRESS = (DeliveryPackStatus.QUEUED, DeliveryPackStatus.BUILDING)


class DeliveryPack(models.Model):
    """One printable PDF of an action and its listed signatories, built by a task.

    The PDF names signers, so it is kept encrypted in ``content`` (never in a file under
    MEDIA_ROOT) and only for ``CHORUS_CAMPAIGNS_PACK_KEEP_HOURS``; then the expiry job
    empties it and the row stays as a record of what was asked for (no one's name).
    """

    action = models.ForeignKey(ActionPage, on_delete=models.CASCADE, related_name="delivery_packs")
    status = models.CharField(max_length=10, choices=DeliveryPackStatus.choices, default=DeliveryPackStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="When the built file is deleted.")
    deleted_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0, help_text="Signatories listed in the pack.")
    size = models.PositiveIntegerField(default=0, help_text="Size of the PDF in bytes.")
    # AES-256-GCM of the PDF under key ``key_id`` of CHORUS_ENCRYPTION_KEYS (delivery_packs.py).
    content = models.BinaryField(null=True, blank=True, editable=False)
    key_id = models.CharField(max_length=32, blank=True, editable=False)
    # Why a build failed, in words for staff: never the error's own text, which could quote the pack.
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action"],
                condition=models.Q(status__in=PACK_IN_PROGRESS),
                name="campaigns_one_pack_in_progress_per_action",
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="campaigns_pack_status_expiry")]

    def __str__(self) -> str:
        return f"Delivery pack #{self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in PACK_IN_PROGRESS


# --- letters to representatives (docs/decisions/0043) ---------------------------------


class LetterTargetKind(models.TextChoices):
    OWN_MP = "own_mp", "The writer's own MP, found from their postcode"
    NAMED = "named", "A named decision-maker"


class LetterDelivery(models.TextChoices):
    EACH = "each", "Each letter on its own, at the daily pace"
    WEEKLY = "weekly", "One weekly bundle per office"


# The target_key of letters to an action's named decision-maker (a constituency code otherwise).
NAMED_TARGET_KEY = "named"
# Route names of a letter action's own addresses (LetterToRepresentativePage below).
LETTER_ROUTES = ("letter_action", "letter", "letter_check_email", "easy_read")


def default_sending_from() -> time:
    return time(9, 0)


def default_sending_until() -> time:
    return time(17, 0)


class LetterToRepresentativePage(ActionPage):
    """An action in which each member writes their own letter to their MP or a named decision-maker.

    The letters are ConstituentLetter rows, never page content. Signing routes answer 404
    here: people write, they do not sign.
    """

    ask = models.TextField(help_text="What writers ask for, in a sentence or two.")
    briefing = RichTextField(
        features=RICH_TEXT_FEATURES,
        help_text="For writers: why this matters, what to say, and what not to say.",
    )
    suggested_letter = models.TextField(
        blank=True,
        help_text="A letter writers may quote from. It is shown beside their own draft, never put in it.",
    )
    prompts = models.TextField(
        blank=True,
        help_text="Questions that help people write in their own words, one per line, e.g. "
        "'How does this affect you or people you know?'",
    )
    target_kind = models.CharField(
        max_length=20, choices=LetterTargetKind.choices, default=LetterTargetKind.OWN_MP, verbose_name="Write to"
    )
    target_name = models.CharField(max_length=200, blank=True, help_text="For a named decision-maker: their name.")
    target_role = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'Minister for Mental Health' or 'Chair of the Health Committee'."
    )
    target_email = models.EmailField(max_length=254, blank=True, help_text="Their public office email address.")
    target_postal_address = models.TextField(blank=True, help_text="Their public office postal address.")
    daily_cap = models.PositiveIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="At most this many letters reach each office a day.",
    )
    sending_from = models.TimeField(default=default_sending_from, help_text="UK time, on working days.")
    sending_until = models.TimeField(default=default_sending_until, help_text="UK time, on working days.")
    delivery = models.CharField(max_length=20, choices=LetterDelivery.choices, default=LetterDelivery.EACH)

    content_panels = [
        *ActionPage.content_panels[:2],
        FieldPanel("ask"),
        FieldPanel("briefing"),
        FieldPanel("prompts"),
        FieldPanel("suggested_letter"),
        MultiFieldPanel(
            [
                FieldPanel("target_kind", widget=forms.RadioSelect),
                FieldPanel("target_name"),
                FieldPanel("target_role"),
                FieldPanel("target_email"),
                FieldPanel("target_postal_address"),
            ],
            heading="Who the letters go to",
        ),
        MultiFieldPanel(
            [
                FieldPanel("delivery", widget=forms.RadioSelect),
                FieldPanel("daily_cap"),
                FieldPanel("sending_from"),
                FieldPanel("sending_until"),
            ],
            heading="Delivery",
        ),
        *ActionPage.content_panels[2:],
    ]
    search_fields = [*ActionPage.search_fields, index.SearchField("ask"), index.SearchField("briefing")]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types: list[str] = []
    is_creatable = True
    template = "campaigns/letter_action_page.html"

    letter_route_views: ClassVar[dict[str, ActionView]] = {}

    class Meta:
        verbose_name = "letter to an MP or decision-maker"

    @property
    def kind_label(self) -> str:  # type: ignore[override]
        return "Letter to a decision-maker" if self.target_kind == LetterTargetKind.NAMED else "Letter to an MP"

    @property
    def takes_signatures(self) -> bool:
        return False

    @property
    def writes_to_own_mp(self) -> bool:
        return self.target_kind == LetterTargetKind.OWN_MP

    def prompt_list(self) -> list[str]:
        return [line.strip() for line in self.prompts.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.target_kind == LetterTargetKind.NAMED:
            if not self.target_name.strip():
                errors["target_name"] = "Enter the name of the person the letters go to."
            if not self.target_email.strip():
                errors["target_email"] = "Enter their office email address: letters are sent to it."
        if self.sending_from and self.sending_until and self.sending_until <= self.sending_from:
            errors["sending_until"] = "The end of the sending hours must be later than their start."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def connect_letter_views(cls, views: Mapping[str, ActionView]) -> None:
        """Take the views of a letter action's own addresses, by route name (CampaignsConfig.ready())."""
        cls.letter_route_views.update(views)

    @classmethod
    def check(cls, **kwargs: Any) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = super().check(**kwargs)
        missing = [name for name in LETTER_ROUTES if name not in cls.letter_route_views]
        if missing:
            errors.append(
                checks.Error(
                    f"No view is connected for the letter routes {', '.join(missing)}.",
                    hint="CampaignsConfig.ready() connects them (LetterToRepresentativePage.connect_letter_views).",
                    obj=cls,
                    id="campaigns.E002",
                )
            )
        return errors

    def serve_route(self, name: str, request: HttpRequest) -> HttpResponse:
        # The signing routes it inherits answer 404: a letter action has no signatures.
        if name == "action":
            name = "letter_action"
        if name not in self.letter_route_views:
            raise Http404("Letters to representatives are written, not signed.")
        return self.letter_route_views[name](request, self)

    @path("letter/")
    def letter(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("letter", request)

    @path("letter/check-your-email/")
    def letter_check_email(self, request: HttpRequest) -> HttpResponse:
        return self.serve_route("letter_check_email", request)


class LetterStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the writer to confirm"
    QUEUED = "queued", "Confirmed, waiting its turn"
    SENT = "sent", "Sent"
    REFUSED = "refused", "Refused by the office's mail server"


class ReplyReport(models.TextChoices):
    YES = "yes", "Yes, they replied"
    NOT_YET = "not_yet", "Not yet"
    NO = "no", "No"


class ConstituentLetter(models.Model):
    """One person's own letter to one target of a letter action.

    An ordinary row, never page content or search data; everything the writer typed is
    encrypted. ``writer_index`` keeps one letter per person, target and action even after
    retention has let go of the person (constraint below).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action = models.ForeignKey(LetterToRepresentativePage, on_delete=models.CASCADE, related_name="letters")
    # Null once erased or anonymised; the row still counts.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="constituent_letters"
    )
    # A keyed hash of the writer's email, scoped to the action (services.letters.writer_index).
    writer_index = models.CharField(max_length=64, blank=True)
    name = EncryptedTextField(blank=True)
    postal_address = EncryptedTextField(blank=True)
    postcode = EncryptedTextField(blank=True)
    body = EncryptedTextField(blank=True)
    # A constituency code, or NAMED_TARGET_KEY for the action's named decision-maker.
    target_key = models.CharField(max_length=20)
    # Public office details, copied when the letter is written and again when confirmed.
    target_name = models.CharField(max_length=200, blank=True)
    target_email = models.CharField(max_length=254, blank=True)
    constituency_name = models.CharField(max_length=200, blank=True)
    # Share (0 to 1) of this letter's word sequences already in other letters to the same target.
    similarity = models.FloatField(default=0.0)
    status = models.CharField(max_length=20, choices=LetterStatus.choices, default=LetterStatus.PENDING)
    # SHA-256 of the emailed token: a database copy cannot confirm anyone's letter.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # "Did your MP reply?" (asked once, a while after sending).
    reply_asked_at = models.DateTimeField(null=True, blank=True)
    reply_report = models.CharField(max_length=20, choices=ReplyReport.choices, blank=True)
    reply_reported_at = models.DateTimeField(null=True, blank=True)
    reply_text = EncryptedTextField(blank=True)
    reply_may_share = models.BooleanField(default=False)
    # Delivery (services.letter_delivery): when the letter was handed to the outbox (from then it
    # counts against its office's daily cap), and the weekly bundle that carried it, if one did.
    released_at = models.DateTimeField(null=True, blank=True)
    bundle = models.ForeignKey(
        "campaigns.LetterBundle", null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    # SHA-256 of the token in the emailed "Did your MP reply?" link (services.letter_replies).
    reply_token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "target_key", "writer_index"],
                condition=models.Q(erased_at__isnull=True),
                name="campaigns_one_letter_per_writer_and_target",
            )
        ]
        indexes = [
            models.Index(fields=["action", "status"], name="campaigns_letter_action_status"),
            models.Index(fields=["status", "target_key"], name="campaigns_letter_status_target"),
        ]

    def __str__(self) -> str:
        return f"Letter #{self.pk}"

    def token_expired(self) -> bool:
        if self.token_sent_at is None:
            return True
        return (timezone.now() - self.token_sent_at).days >= settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS


class LetterShingle(models.Model):
    """How many confirmed letters to one target contain one hashed five-word sequence.

    Only keyed hashes and counts, never words: similarity is measured without anyone's
    letter being read (services.letters).
    """

    action = models.ForeignKey(LetterToRepresentativePage, on_delete=models.CASCADE, related_name="+")
    target_key = models.CharField(max_length=20)
    shingle = models.CharField(max_length=16)
    letters = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "target_key", "shingle"], name="campaigns_one_row_per_letter_shingle"
            )
        ]

    def __str__(self) -> str:
        return f"Shingle {self.shingle} ({self.letters})"


# The outbox kinds of a letter writer's own emails (chorus.campaigns.letter_emails).
LETTER_CONFIRM_EMAIL = "campaigns.letter_confirm"
LETTER_ALREADY_WRITTEN_EMAIL = "campaigns.letter_already_written"
LETTER_WRITER_EMAILS = (LETTER_CONFIRM_EMAIL, LETTER_ALREADY_WRITTEN_EMAIL)


# --- delivering letters to offices (services.letter_delivery, docs/decisions/0043) ----------

# The outbox kinds of letter delivery (also composed in chorus.campaigns.letter_emails).
LETTER_TO_OFFICE_EMAIL = "campaigns.letter"
LETTER_BUNDLE_EMAIL = "campaigns.letter_bundle"
LETTER_REFUSED_EMAIL = "campaigns.letter_refused"
LETTER_REPLY_QUESTION_EMAIL = "campaigns.letter_reply_question"


class LetterBundleStatus(models.TextChoices):
    WAITING = "waiting", "On its way"
    SENT = "sent", "Sent"
    REFUSED = "refused", "Refused by the office's mail server"


class LetterBundle(models.Model):
    """One email that carried an office's waiting letters at once: the weekly bundle, or one
    a member of staff sent early. It names no writer: the letters it carried point to it."""

    action = models.ForeignKey(LetterToRepresentativePage, on_delete=models.CASCADE, related_name="letter_bundles")
    target_key = models.CharField(max_length=20)
    target_name = models.CharField(max_length=200, blank=True)
    constituency_name = models.CharField(max_length=200, blank=True)
    # The Monday of the week for the weekly job's bundle, so it goes once a week; empty when staff sent it.
    week = models.DateField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0, help_text="Letters it carried.")
    status = models.CharField(max_length=20, choices=LetterBundleStatus.choices, default=LetterBundleStatus.WAITING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "target_key", "week"],
                condition=models.Q(week__isnull=False),
                name="campaigns_one_weekly_bundle_per_office",
            )
        ]

    def __str__(self) -> str:
        return f"Bundle of {self.size} letters #{self.pk}"


class SharedReply(models.Model):
    """A reply from an MP or decision-maker that its letter's writer let the network share,
    attached by staff to a policy tracker item. Staff take names and addresses out first."""

    item = models.ForeignKey("tracker.TrackedItem", on_delete=models.CASCADE, related_name="shared_letter_replies")
    action = models.ForeignKey(LetterToRepresentativePage, on_delete=models.CASCADE, related_name="shared_replies")
    # Null once the letter is gone; the shared words stay with the item.
    letter = models.ForeignKey(
        ConstituentLetter, null=True, blank=True, on_delete=models.SET_NULL, related_name="shared_replies"
    )
    replied_by = models.CharField(max_length=200, blank=True, help_text="The MP or decision-maker who replied.")
    constituency_name = models.CharField(max_length=200, blank=True)
    text = EncryptedTextField()
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-attached_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["letter", "item"], name="campaigns_reply_shared_once_per_item")]
        verbose_name_plural = "shared replies"

    def __str__(self) -> str:
        return f"Reply shared on tracker item #{self.item_id}"  # type: ignore[attr-defined]

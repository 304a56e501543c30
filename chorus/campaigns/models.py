"""Open letters and petitions (Wagtail pages) and their signatures (ordinary rows).

Signers' details never enter a page, a revision or the search index: a Signature is
its own model with every personal field encrypted. Counts live in SignatureCount rows
that a worker refreshes in batches, so signing never contends on a counter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from chorus.campaigns.http import cacheable_for_public
from chorus.campaigns.workflow import ActionState
from chorus.core.crypto import blind_index
from chorus.core.fields import EncryptedTextField
from chorus.news.panels import EasyReadCheckPanel
from chorus.pages.blocks import BodyBlock, EasyReadBlock
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
    subpage_types = ["campaigns.OpenLetterPage", "campaigns.PetitionPage"]

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

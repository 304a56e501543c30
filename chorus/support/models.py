"""Members' alerts and campaign-support requests: ordinary models, never pages.

Everything a member writes (and anything that could identify them) is stored with
``EncryptedTextField``; only non-identifying facts used for counting and triage
(kind, status, priority area, where-category, help types, month) are plain.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Greatest
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from chorus.core.fields import EncryptedTextField
from chorus.support.workflow import CLOSED_STATUSES, TRANSITIONS, Status, member_label


class RequestKind(models.TextChoices):
    ALERT = "alert", "Policy issue"
    CAMPAIGN = "campaign", "Campaign support"


class WhereCategory(models.TextChoices):
    UK_WIDE = "uk", "Across the UK"
    NATION = "nation", "In one nation (England, Scotland, Wales or Northern Ireland)"
    LOCAL = "local", "In a local area"


class ContactMethod(models.TextChoices):
    EMAIL = "email", "By email"
    PHONE = "phone", "By phone"
    NONE = "none", "Do not contact me (send it anonymously)"


class ApplicantType(models.TextChoices):
    INDIVIDUAL = "individual", "I am campaigning as an individual"
    GROUP = "group", "I am part of a user-led group"


class HelpType(models.TextChoices):
    AMPLIFY = "amplify", "Share and amplify the campaign"
    COSIGN = "cosign", "Co-sign a letter or statement"
    BRIEFING = "briefing", "A briefing on the policy"
    COALITIONS = "coalitions", "Introductions to coalitions"
    PARLIAMENT = "parliament", "Contact with parliamentarians"
    FUNDING = "funding", "Funding"
    MEDIA = "media", "Media"
    OTHER = "other", "Something else"


class SupportPage(Page):
    """The public "Get support" page: explains the offer and links to both forms."""

    intro = models.TextField(help_text="What the support desk is for, in a sentence or two.")
    alert_text = models.TextField(help_text="Shown beside the link to 'Tell us about a policy issue'.")
    campaign_text = models.TextField(help_text="Shown beside the link to 'Ask for support with your campaign'.")
    privacy_text = models.TextField(blank=True, help_text="How we look after what people tell us.")
    # The site's layout shows the "Need help now?" panel on this page (chorus/templates/base.html).
    shows_help_now = True

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("alert_text"),
        FieldPanel("campaign_text"),
        FieldPanel("privacy_text"),
    ]
    parent_page_types = ["pages.HomePage"]
    subpage_types: list[str] = []
    max_count = 1


class SupportTag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last reference number issued in a year, incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


# A staff correction of a request's type or priority area: a line in its history that
# leaves the status where it was (``RequestEvent.detail`` says what changed, in words).
CORRECTION = "corrected"


class SupportRequestQuerySet(models.QuerySet["SupportRequest"]):
    def open(self) -> SupportRequestQuerySet:
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today: date) -> SupportRequestQuerySet:
        # A paused clock ("waiting on member") is never overdue.
        return (
            self.open()
            .filter(paused_at__isnull=True)
            .filter(
                models.Q(first_response_at__isnull=True, first_response_due__lt=today)
                | models.Q(resolution_due__lt=today)
            )
        )

    def inactive_since(self, cutoff: datetime) -> SupportRequestQuerySet:
        """Requests with no activity after ``cutoff`` (see ``last_activity``)."""
        return self.alias(last_activity_at=last_activity()).filter(last_activity_at__lte=cutoff)


def last_activity() -> Greatest:
    """A request's latest message, internal note or status change, or when it arrived if
    there is none yet: what the job closing inactive requests counts from."""
    latest_message = Message.objects.filter(support_request=models.OuterRef("pk")).order_by("-created_at")
    # Correcting the type or area is triage, like tagging: it does not keep a request open.
    latest_event = (
        RequestEvent.objects.filter(support_request=models.OuterRef("pk"))
        .exclude(transition=CORRECTION)
        .order_by("-created_at")
    )
    return Greatest(
        "received_at",
        # Coalesce: SQLite's and MySQL's GREATEST give NULL if any argument is NULL.
        Coalesce(models.Subquery(latest_message.values("created_at")[:1]), "received_at"),
        Coalesce(models.Subquery(latest_event.values("created_at")[:1]), "received_at"),
    )


class SupportRequest(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NEW)
    # SHA-256 of the private link's token shown on screen after sending; the token itself
    # is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    # A second private link, for the address given: emailed, never shown on screen, so only
    # whoever reads that mailbox can open it. Its hash finds the request; the token itself is
    # kept encrypted so that notices can carry the link again. Blanked on anonymisation.
    email_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    email_token_sealed = EncryptedTextField(blank=True)
    # The address given, until its owner opens the emailed link and confirms the request is
    # theirs; then the request is attached to their record (``sender``) and this is blanked.
    # Until then nothing is attached to anyone: anyone can type anyone's address.
    unconfirmed_email = EncryptedTextField(blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)

    sender = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="support_requests"
    )
    contact_method = models.CharField(max_length=10, choices=ContactMethod.choices)
    contact_name = EncryptedTextField(blank=True)
    contact_phone = EncryptedTextField(blank=True)

    # What they told us (encrypted).
    description = EncryptedTextField(blank=True)
    where_detail = EncryptedTextField(blank=True)
    links = EncryptedTextField(blank=True)
    membership = EncryptedTextField(blank=True)
    group_name = EncryptedTextField(blank=True)
    help_other = EncryptedTextField(blank=True)
    access_needs = EncryptedTextField(blank=True)

    # Non-identifying facts for triage and counting (plain).
    applicant_type = models.CharField(max_length=20, choices=ApplicantType.choices, blank=True)
    where_category = models.CharField(max_length=10, choices=WhereCategory.choices, blank=True)
    help_types = models.JSONField(default=list, blank=True)
    deadline = models.DateField(null=True, blank=True)
    priority_area = models.ForeignKey(
        "pages.PriorityAreaPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_month = models.DateField(help_text="First day of the month it arrived; survives anonymisation.")

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_requests"
    )
    tags = models.ManyToManyField(SupportTag, blank=True, related_name="requests")
    linked_pages: models.ManyToManyField[Page, Any] = models.ManyToManyField(
        "wagtailcore.Page", blank=True, related_name="+"
    )
    # Tracker items are records, not pages: linked through their own chooser (choosers.py).
    linked_tracker_items: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "tracker.TrackedItem", blank=True, related_name="+"
    )

    # Clocks (working days; see clocks.py).
    received_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateField()
    resolution_due = models.DateField()
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="support_reference_unique_per_year")]
        indexes = [models.Index(fields=["status", "received_at"])]
        permissions = [("triage_supportrequest", "Can triage members' support requests")]

    def __str__(self) -> str:
        return self.reference

    @property
    def member_status_label(self) -> str:
        return member_label(self.status)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def email_unconfirmed(self) -> bool:
        """An address was given and its owner has not yet confirmed the request is theirs."""
        return bool(self.unconfirmed_email) and self.email_confirmed_at is None


class MessageAuthor(models.TextChoices):
    MEMBER = "member", "Member"
    STAFF = "staff", "Staff"


class MessageKind(models.TextChoices):
    TO_MEMBER = "message", "Message (the member sees it)"
    INTERNAL_NOTE = "note", "Internal note (staff only)"


class Message(models.Model):
    support_request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.TO_MEMBER)
    author = models.CharField(max_length=10, choices=MessageAuthor.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.support_request_id}"


class RequestEvent(models.Model):
    """A request's history: who moved it from where to where, or corrected its type or
    priority area (no content)."""

    support_request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    from_status = models.CharField(max_length=30, choices=Status.choices)
    to_status = models.CharField(max_length=30, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_member = models.BooleanField(default=False)
    # Made by the scheduled job (closing an inactive request), not by a person.
    by_system = models.BooleanField(default=False)
    # For a correction, what changed, old and new, in words: "Type: Policy issue → Campaign
    # support". Types and priority-area titles only, never anything the member wrote.
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def is_correction(self) -> bool:
        return self.transition == CORRECTION

    @property
    def member_label(self) -> str:
        step = TRANSITIONS.get(self.transition)
        return step.member_label if step else ""

    @property
    def staff_label(self) -> str:
        if self.is_correction:
            return "Type or priority area corrected"
        step = TRANSITIONS.get(self.transition)
        return step.staff_label if step else self.transition


class CannedReply(models.Model):
    """A saved reply the caseworkers write once and insert into a message, then edit to fit,
    before sending (managed as a snippet; see wagtail_hooks.py)."""

    title = models.CharField(
        max_length=120, unique=True, help_text="How staff find it in the list, e.g. 'We have passed it on'."
    )
    text = models.TextField(
        help_text="The message. Staff edit it before sending, so write it to be read by one member, in plain words."
    )

    panels = [FieldPanel("title"), FieldPanel("text")]

    class Meta:
        ordering = ["title"]
        verbose_name = "canned reply"
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title


# The outbox kinds of the desk's emails (composed in chorus.support.emails).
LINK_EMAIL = "support.link"
NEW_MESSAGE_EMAIL = "support.new_message"
STAFF_NOTICE_EMAIL = "support.staff_notice"
LOST_LINKS_EMAIL = "support.lost_links"


class StaffNoticeReason(models.TextChoices):
    NEW_REQUEST = "new", "A new request arrived"
    MEMBER_REPLIED = "reply", "The member replied"
    ASSIGNED = "assigned", "Assigned to you"

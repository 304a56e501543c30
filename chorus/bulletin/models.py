"""The weekly members' bulletin: subscriptions, issues (Wagtail pages), deliveries, bounces.

Subscribers are ``people.Person`` rows; this app never stores an address itself.
Delivery and send state are ordinary rows, never page revisions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from chorus.core.fields import EncryptedTextField

# The outbox kind of a subscribe form's request: filed and answered by email when the
# outbox sends it (chorus.bulletin.emails), so the form answers the same for any address.
SUBSCRIBE_REQUEST_EMAIL = "bulletin.subscribe"
# The outbox kind of the email telling staff that a scheduled issue did not go out.
SCHEDULE_FAILED_EMAIL = "bulletin.schedule_failed"
# The outbox kind of a test send: one edition of an issue to the staff member who asked.
TEST_SEND_EMAIL = "bulletin.test_send"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused by the subscriber"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    SUSPENDED = "suspended", "Suspended after bounces"


# Who is sent an issue; who still counts as receiving the bulletin (a pause is not an end);
# and the statuses in which sending has stopped, which start the retention clock.
SENDABLE = (SubscriptionStatus.ACTIVE,)
RECEIVING = (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED)
ENDED = (SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.SUSPENDED)


class Subscription(models.Model):
    """One person's subscription to the bulletin, and which priority areas they want."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="bulletin_subscription")
    status = models.CharField(max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING)
    topics = models.ManyToManyField(
        "pages.PriorityAreaPage", blank=True, related_name="+", help_text="Empty means every priority area."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # When sending stopped (unsubscribed, or suspended after bounces); the retention
    # clock runs from here and coming back clears it. status_changed_at moves on
    # every later change, so it cannot serve as that clock.
    ended_at = models.DateTimeField(null=True, blank=True)
    hard_bounces = models.PositiveIntegerField(default=0)
    soft_bounces = models.PositiveIntegerField(default=0)
    last_bounce_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["ended_at"], name="bulletin_subscription_ended"),
        ]

    def __str__(self) -> str:
        return f"Subscription #{self.pk} ({self.status})"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    PAUSED = "paused", "Paused"
    SENT = "sent", "Sent"


class BulletinItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    url = blocks.CharBlock(max_length=500, help_text="A path on this site (/news/…) or a full https:// address.")
    summary = blocks.TextBlock(required=False)

    class Meta:
        icon = "link"


class BulletinSectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=150)
    # Which subscribers get the section (chorus.bulletin.editions): those who chose this
    # area, or every subscriber when it is left empty.
    priority_area = blocks.PageChooserBlock(
        page_type="pages.PriorityAreaPage",
        required=False,
        help_text="Only subscribers who chose this priority area (or every topic) get this section. "
        "Leave it empty for news everyone gets.",
    )
    intro = blocks.TextBlock(required=False)
    items = blocks.ListBlock(BulletinItemBlock())

    class Meta:
        icon = "list-ul"


class BulletinMessageBlock(blocks.StructBlock):
    """A note from the network (a meeting, a thank-you): every subscriber gets it."""

    heading = blocks.CharBlock(max_length=150, required=False)
    text = blocks.TextBlock(help_text="Plain text; blank lines separate paragraphs.")

    class Meta:
        icon = "doc-full"


class BulletinSectionsBlock(blocks.StreamBlock):
    section = BulletinSectionBlock()
    message = BulletinMessageBlock()


class BulletinIndexPage(Page):
    """The bulletin's home: what it is, the subscribe form and the archive of sent issues."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types = ["bulletin.BulletinIssue"]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from chorus.bulletin.forms import SubscribeForm
        from chorus.bulletin.selectors import sent_issues

        context = super().get_context(request, *args, **kwargs)
        context["issues"] = sent_issues(index=self)
        context["form"] = SubscribeForm()
        return context


class BulletinIssue(Page):
    """One week's bulletin. Editors compose it; sending state lives outside its revisions."""

    intro = models.TextField(blank=True, help_text="A short opening, shown before the sections.")
    # Each subscriber gets the sections for the priority areas they chose, plus those for
    # everyone (chorus.bulletin.editions); the web archive shows them all.
    sections = StreamField(BulletinSectionsBlock(), blank=True)
    period_start = models.DateTimeField(null=True, blank=True, editable=False)
    period_end = models.DateTimeField(null=True, blank=True, editable=False)
    assembled_for = models.DateField(null=True, blank=True, editable=False, unique=True)
    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.DRAFT, editable=False)
    scheduled_for = models.DateTimeField(null=True, blank=True, editable=False)
    send_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    send_finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_reason = models.CharField(max_length=200, blank=True, editable=False)
    # Who to tell if the scheduled send cannot happen when its time comes.
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Why the last scheduled send did not happen; the issue went back to draft, and
    # scheduled_for still says when it was due. Cleared when it is scheduled or sent again.
    schedule_failed_reason = models.CharField(max_length=200, blank=True, editable=False)
    # The published revision this send is of, fixed when sending starts: every batch renders
    # it, so publishing again mid-send cannot give later recipients different content.
    sending_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("sections")]
    parent_page_types = ["bulletin.BulletinIndexPage"]
    subpage_types: list[str] = []

    # These follow the send, not the editor: publishing an old revision must not rewind them.
    SEND_STATE_FIELDS = (
        "status",
        "scheduled_for",
        "send_started_at",
        "send_finished_at",
        "paused_reason",
        "scheduled_by",
        "schedule_failed_reason",
        "sending_revision",
        "period_start",
        "period_end",
        "assembled_for",
    )

    # A copy of last week's issue is a new draft, not another sent issue.
    exclude_fields_in_copy = list(SEND_STATE_FIELDS)

    def with_content_json(self, content: dict[str, Any]) -> BulletinIssue:
        obj: BulletinIssue = super().with_content_json(content)
        for name in self.SEND_STATE_FIELDS:
            # attname: a foreign key's id is copied without fetching the row it points at.
            attname = self._meta.get_field(name).attname
            setattr(obj, attname, getattr(self, attname))
        return obj

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from chorus.bulletin.editions import FULL, edition_sections
        from chorus.bulletin.emails import issue_sections

        context = super().get_context(request, *args, **kwargs)
        # The archive shows the whole issue: every section, whoever chose what.
        context["sections"] = edition_sections(issue_sections(self), FULL)
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The public archive shows only what was actually sent.
        if self.status != IssueStatus.SENT:
            raise Http404
        response: HttpResponse = super().serve(request, *args, **kwargs)
        return response


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CLAIMED = "claimed", "Claimed by a worker"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    IN_DOUBT = "in_doubt", "In doubt: check before resending"
    SKIPPED = "skipped", "Skipped: no longer subscribed"


class Delivery(models.Model):
    """One recipient of one issue, frozen when sending starts."""

    issue = models.ForeignKey(BulletinIssue, on_delete=models.CASCADE, related_name="deliveries")
    # Cleared by subscriptions_remove_ended before it deletes an ended subscription: the row
    # then says only what happened to one message, so the issue's figures stay right.
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # The priority areas the recipient had chosen when sending started (sorted ids, comma
    # separated; empty: every area). With the issue's fixed revision it decides which
    # sections they get, so a retried or resumed batch sends them what the first try would.
    chosen_topics = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "subscription"], name="bulletin_delivery_once")]
        indexes = [
            models.Index(fields=["issue", "status", "id"]),
            models.Index(fields=["claimed_by"]),
        ]
        permissions = [
            ("send_bulletin", "Can schedule, send, pause and resume bulletin issues"),
            ("reconcile_delivery", "Can see and resolve deliveries in doubt"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Delivery #{self.pk} ({self.status})"


class BounceKind(models.TextChoices):
    HARD = "hard", "Hard (address does not exist)"
    SOFT = "soft", "Soft (mailbox full, server busy)"


class Bounce(models.Model):
    """A report that a bulletin could not be delivered to a subscriber."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="bounces")
    issue = models.ForeignKey(BulletinIssue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=BounceKind.choices)
    # The mail server's words may quote the address, so they are encrypted.
    diagnostic = EncryptedTextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} bounce #{self.pk}"

"""Reads for the bulletin: archive, progress, reconciliation and token look-ups."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from chorus.bulletin.models import (
    BulletinIndexPage,
    BulletinIssue,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    Subscription,
    SubscriptionStatus,
)
from chorus.bulletin.tokens import read_confirm_token, read_manage_token


def sent_issues(*, index: BulletinIndexPage | None = None) -> QuerySet[BulletinIssue]:
    pages = BulletinIssue.objects.live().public()
    if index is not None:
        pages = pages.child_of(index)
    issues: QuerySet[BulletinIssue] = pages.filter(status=IssueStatus.SENT)
    return issues.order_by("-send_started_at", "-pk")


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    queued: int
    claimed: int
    failed: int
    in_doubt: int
    skipped: int

    @property
    def remaining(self) -> int:
        return self.queued + self.claimed

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "remaining": self.remaining}


def issue_progress(*, issue_id: int) -> Progress:
    counts = dict(
        Delivery.objects.filter(issue_id=issue_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Progress(
        total=sum(counts.values()),
        sent=counts.get(DeliveryStatus.SENT, 0),
        queued=counts.get(DeliveryStatus.QUEUED, 0),
        claimed=counts.get(DeliveryStatus.CLAIMED, 0),
        failed=counts.get(DeliveryStatus.FAILED, 0),
        in_doubt=counts.get(DeliveryStatus.IN_DOUBT, 0),
        skipped=counts.get(DeliveryStatus.SKIPPED, 0),
    )


STARTED = (IssueStatus.SENDING, IssueStatus.PAUSED, IssueStatus.SENT)


@dataclass(frozen=True)
class SendVersion:
    """Which published version a send is of, for the sending screen."""

    revision_id: int | None  # None: not on record (sent before versions were kept, or deleted)
    published_at: datetime | None
    published_again: bool  # another version is live now; its changes are not in this send


def revision_published_at(*, revision_id: int, before: datetime | None = None) -> datetime | None:
    """When a revision was published (the last time, up to ``before``); its saving time if no record says."""
    entries = PageLogEntry.objects.filter(revision_id=revision_id, action="wagtail.publish")
    if before is not None:
        entries = entries.filter(timestamp__lte=before)
    published: datetime | None = entries.order_by("-timestamp").values_list("timestamp", flat=True).first()
    if published is None:
        published = Revision.objects.filter(pk=revision_id).values_list("created_at", flat=True).first()
    return published


def issue_send_version(*, issue: BulletinIssue) -> SendVersion | None:
    """The version being or already sent; None before sending starts."""
    if issue.status not in STARTED:
        return None
    revision_id = issue.sending_revision_id
    if revision_id is None:
        return SendVersion(revision_id=None, published_at=None, published_again=False)
    return SendVersion(
        revision_id=revision_id,
        published_at=revision_published_at(revision_id=revision_id, before=issue.send_started_at),
        published_again=bool(issue.live and issue.live_revision_id not in (None, revision_id)),
    )


def issue_preview_revision(*, issue: BulletinIssue) -> Revision | None:
    """What the preview shows: the version being sent once sending starts, else the published one."""
    revision_id = issue.sending_revision_id if issue.status in STARTED else None
    revision_id = revision_id or issue.live_revision_id
    if revision_id is None:
        return None
    return Revision.objects.filter(pk=revision_id).first()


def in_doubt_deliveries(*, issue_id: int) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.IN_DOUBT)
        .select_related("subscription__person")
        .order_by("claimed_by", "pk")
    )


def staff_issues() -> QuerySet[BulletinIssue]:
    issues: QuerySet[BulletinIssue] = BulletinIssue.objects.order_by("-latest_revision_created_at", "-pk")
    return issues


def scheduled_issue_ids_due(*, now: datetime | None = None) -> list[int]:
    """Scheduled issues whose time has come, earliest first."""
    due = BulletinIssue.objects.filter(status=IssueStatus.SCHEDULED, scheduled_for__lte=now or timezone.now())
    return list(due.order_by("scheduled_for", "pk").values_list("pk", flat=True))


def subscription_for_confirm_token(*, token: str) -> Subscription | None:
    """The subscription a confirmation link may still start: only while it waits for that
    very request. Once confirmed, unsubscribed, or asked for again, an old link does nothing,
    so it cannot subscribe someone who later used one-click unsubscribe."""
    found = read_confirm_token(token)
    if found is None:
        return None
    subscription_id, requested_at = found
    subscription = (
        Subscription.objects.select_related("person")
        .filter(pk=subscription_id, status__in=[SubscriptionStatus.PENDING, SubscriptionStatus.SUSPENDED])
        .first()
    )
    if subscription is None or subscription.confirmation_sent_at is None:
        return None
    if int(subscription.confirmation_sent_at.timestamp()) != requested_at:
        return None
    return subscription


def subscription_for_manage_token(*, token: str) -> Subscription | None:
    subscription_id = read_manage_token(token)
    if subscription_id is None:
        return None
    return Subscription.objects.select_related("person").filter(pk=subscription_id).first()

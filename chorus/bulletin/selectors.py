"""Reads for the bulletin: archive, progress, reconciliation and token look-ups."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from chorus.bulletin.models import (
    BulletinIndexPage,
    BulletinIssue,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    Subscription,
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
    subscription_id = read_confirm_token(token)
    if subscription_id is None:
        return None
    return Subscription.objects.select_related("person").filter(pk=subscription_id).first()


def subscription_for_manage_token(*, token: str) -> Subscription | None:
    subscription_id = read_manage_token(token)
    if subscription_id is None:
        return None
    return Subscription.objects.select_related("person").filter(pk=subscription_id).first()

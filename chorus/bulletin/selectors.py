"""Reads for the bulletin: archive, recipients, progress, the weekly draft, reconciliation and token look-ups."""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from chorus.accounts.models import User
from chorus.bulletin.editions import (
    FULL,
    Edition,
    edition_for,
    edition_key,
    edition_sections,
    has_general,
    issue_areas,
    parse_topics_key,
    topics_key,
)
from chorus.bulletin.emails import issue_sections
from chorus.bulletin.models import (
    SENDABLE,
    BulletinIndexPage,
    BulletinIssue,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    Subscription,
    SubscriptionStatus,
)
from chorus.bulletin.permissions import SEND_PERMISSION
from chorus.bulletin.tokens import read_confirm_token, read_manage_token
from chorus.core.digest import DigestItem
from chorus.core.sections import BULLETIN_DRAFT
from chorus.pages.models import PriorityAreaPage

logger = logging.getLogger(__name__)


def sent_issues(*, index: BulletinIndexPage | None = None) -> QuerySet[BulletinIssue]:
    pages = BulletinIssue.objects.live().public()
    if index is not None:
        pages = pages.child_of(index)
    issues: QuerySet[BulletinIssue] = pages.filter(status=IssueStatus.SENT)
    return issues.order_by("-send_started_at", "-pk")


def recipients_for(issue: BulletinIssue) -> QuerySet[Subscription]:
    """Active subscriptions whose edition of this issue has a section (chorus.bulletin.editions).

    That is everyone when the issue has a section for everyone; otherwise those who chose
    no topics (every area) or an area that has a section.
    """
    subscriptions = Subscription.objects.filter(status__in=SENDABLE)
    sections = issue_sections(issue)
    if has_general(sections):
        return subscriptions
    areas = issue_areas(sections)
    return subscriptions.filter(Q(topics__isnull=True) | Q(topics__in=areas)).distinct()


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


def delivery_counts(*, issue_id: int) -> dict[str, int]:
    """The issue's deliveries counted by status, as plain data for the audit log."""
    return issue_progress(issue_id=issue_id).as_dict()


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


def schedule_failure_recipients(issue: BulletinIssue) -> tuple[list[Any], bool]:
    """Who hears that a scheduled send failed: whoever scheduled it, else everyone who may send.

    Returns the people and whether they are the stand-ins. Someone who has left, or
    may no longer send bulletins, is not told; the others are, so the issue is not forgotten.
    """
    scheduler = issue.scheduled_by
    if scheduler is not None and scheduler.is_active and scheduler.email and scheduler.has_perm(SEND_PERMISSION):
        return [scheduler], False
    senders = User.objects.with_perm(
        SEND_PERMISSION, is_active=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    return list(senders.exclude(email="").order_by("pk")), True


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


# --- the weekly draft ---------------------------------------------------------------


def draft_items(*, since: datetime, until: datetime) -> list[DigestItem]:
    """What every app registered for the draft (chorus.core.sections) offers for the window, in order."""
    items: list[DigestItem] = []
    for contribution in BULLETIN_DRAFT.contributions():
        try:
            items.extend(contribution.source(since=since, until=until))
        except Exception:
            # One broken source must not stop the draft; editors see what came through.
            logger.exception("Bulletin draft source %s failed", contribution.name)
    return items


def draft_sections(*, items: list[DigestItem]) -> list[tuple[str, dict[str, Any]]]:
    """A section per priority area, for the subscribers who chose it, then the rest by section name.

    An item about two areas goes in both areas' sections, so someone who chose either gets
    it; each email shows it once (chorus.bulletin.editions). An item tied to no live area
    goes in a section for everyone, named after what kind of item it is ("Closing soon").
    """
    areas = {area.pk: area for area in PriorityAreaPage.objects.live().order_by("path")}
    by_area: dict[int, list[DigestItem]] = {pk: [] for pk in areas}
    general: OrderedDict[str, list[DigestItem]] = OrderedDict()
    for item in items:
        area_ids = [pk for pk in item.priority_area_ids if pk in areas]
        for pk in area_ids:
            by_area[pk].append(item)
        if not area_ids:
            general.setdefault(item.section, []).append(item)
    blocks = [
        _draft_section(heading=areas[pk].title, area=areas[pk], items=group) for pk, group in by_area.items() if group
    ]
    blocks += [_draft_section(heading=heading, area=None, items=group) for heading, group in general.items()]
    return blocks


def _draft_section(
    *, heading: str, area: PriorityAreaPage | None, items: list[DigestItem]
) -> tuple[str, dict[str, Any]]:
    return (
        "section",
        {
            "heading": heading,
            "priority_area": area,
            "intro": "",
            "items": [{"title": item.title[:200], "url": item.url[:500], "summary": item.summary} for item in items],
        },
    )


def draft_window_start(*, now: datetime) -> datetime:
    """Where this week's draft starts: where the last draft ended, so no item falls between two.

    Without an earlier draft, the last send's start; without one either, a week ago.
    """
    drafts = BulletinIssue.objects.filter(period_end__lt=now).order_by("-period_end")
    last_draft_end: datetime | None = drafts.values_list("period_end", flat=True).first()
    if last_draft_end is not None:
        return last_draft_end
    sends = BulletinIssue.objects.filter(send_started_at__lt=now).order_by("-send_started_at")
    last_send: datetime | None = sends.values_list("send_started_at", flat=True).first()
    return last_send if last_send is not None else now - timedelta(days=7)


# --- editions: who gets which sections ----------------------------------------------------


def subscription_topic_keys(*, subscription_ids: Iterable[int]) -> dict[int, str]:
    """The priority areas each subscription chose, as a delivery records them; absent: none chosen."""
    chosen: dict[int, list[int]] = defaultdict(list)
    rows = Subscription.topics.through.objects.filter(subscription_id__in=list(subscription_ids)).values_list(
        "subscription_id", "priorityareapage_id"
    )
    for subscription_id, area_id in rows:
        chosen[subscription_id].append(area_id)
    return {subscription_id: topics_key(area_ids) for subscription_id, area_ids in chosen.items()}


def sendable_topic_counts() -> Counter[str]:
    """How many active subscriptions chose each set of topics (keyed as deliveries record them)."""
    chosen: dict[int, list[int]] = defaultdict(list)
    rows = (
        Subscription.topics.through.objects.filter(subscription__status=SubscriptionStatus.ACTIVE)
        .order_by("subscription_id")
        .values_list("subscription_id", "priorityareapage_id")
    )
    for subscription_id, area_id in rows.iterator(chunk_size=5000):
        chosen[subscription_id].append(area_id)
    counts = Counter(topics_key(area_ids) for area_ids in chosen.values())
    every_topic = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, topics__isnull=True).count()
    if every_topic:
        counts[""] += every_topic
    return counts


def frozen_topic_counts(*, issue_id: int) -> Counter[str]:
    """How many of an issue's deliveries recorded each set of topics."""
    rows = (
        Delivery.objects.filter(issue_id=issue_id)
        .values_list("chosen_topics")
        .annotate(n=Count("pk"))
        .values_list("chosen_topics", "n")
    )
    return Counter(dict(rows))


@dataclass(frozen=True)
class EditionSummary:
    """One edition of an issue, for the staff preview."""

    key: str  # chorus.bulletin.editions.edition_key: names it in the preview's address
    label: str
    recipients: int


def edition_label(edition: Edition, titles: Mapping[int, str]) -> str:
    if edition is None:
        return "Every section"
    if not edition:
        return "Only the sections for everyone"
    names = sorted(titles.get(pk, f"area {pk}") for pk in edition)
    return f"{', '.join(names)}, and the sections for everyone"


def issue_editions(
    *, sections: Sequence[Mapping[str, Any]], counts: Mapping[str, int], titles: Mapping[int, str]
) -> list[EditionSummary]:
    """The editions the subscribers in ``counts`` get: the full one first, always; none with no section."""
    areas = issue_areas(sections)
    recipients: Counter[str] = Counter()
    editions: dict[str, Edition] = {edition_key(FULL): FULL}
    for chosen, count in counts.items():
        edition = edition_for(chosen=parse_topics_key(chosen), areas=areas)
        if not edition_sections(sections, edition):
            continue  # these subscribers do not get this issue at all
        key = edition_key(edition)
        editions[key] = edition
        recipients[key] += count
    summaries = [
        EditionSummary(key=key, label=edition_label(edition, titles), recipients=recipients[key])
        for key, edition in editions.items()
    ]
    return sorted(summaries, key=lambda summary: (summary.key != edition_key(FULL), summary.label))

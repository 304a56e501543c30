"""Reads for the policy tracker: public lists, item pages, feeds, the bulletin and staff views.

Deadlines are compared by the calendar day in Europe/London, because "closing in the
next 21 days" means UK days to readers, whatever the server's clock or the clock change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.text import slugify
from wagtail.search.backends import get_search_backend

from chorus.core.digest import DigestItem
from chorus.core.sections import SearchHit
from chorus.tracker.models import (
    IMPORTED_FIELDS,
    ItemChange,
    ItemKind,
    Response,
    ResponseStatus,
    Stage,
    SubmissionWindow,
    TrackedItem,
    TrackerPage,
)
from chorus.tracker.workflow import ACTIVE_STATES, PUBLIC_LABELS

LONDON = ZoneInfo("Europe/London")
CLOSING_SOON_DAYS = 21
RECENTLY_CLOSED_DAYS = 42
CALENDAR_HISTORY_DAYS = 365
ITEMS_PER_PAGE = 20


def london_today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def london_day_start(day: date) -> datetime:
    """Midnight at the start of a UK calendar day (GMT or BST, whichever applies that day)."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def closing_soon_cutoff(now: datetime) -> datetime:
    """The first instant after the closing-soon period: today plus 21 whole UK days."""
    return london_day_start(london_today(now) + timedelta(days=CLOSING_SOON_DAYS + 1))


@dataclass(frozen=True)
class TrackerFilters:
    kind: str = ""
    area: str = ""  # priority area slug
    status: str = ""  # submissions: open, upcoming, closed
    response: str = ""  # our response status, or "none"

    STATUS_CHOICES = (("open", "Open for responses"), ("upcoming", "Opening later"), ("closed", "Closed"))
    RESPONSE_CHOICES = (*ResponseStatus.choices, ("none", "No response recorded"))

    @classmethod
    def from_query(cls, query: QueryDict) -> TrackerFilters:
        """Unknown values are ignored rather than erroring: these come from plain GET links."""
        kind = query.get("kind", "")
        status = query.get("status", "")
        response = query.get("response", "")
        return cls(
            kind=kind if kind in ItemKind.values else "",
            area=query.get("area", "")[:100],
            status=status if status in dict(cls.STATUS_CHOICES) else "",
            response=response if response in dict(cls.RESPONSE_CHOICES) else "",
        )

    def is_active(self) -> bool:
        return bool(self.kind or self.area or self.status or self.response)

    @property
    def query_string(self) -> str:
        params = {"kind": self.kind, "area": self.area, "status": self.status, "response": self.response}
        return urlencode({key: value for key, value in params.items() if value})

    def link(self, **changes: str) -> str:
        """A query string with one filter changed, for the filter links."""
        params = {"kind": self.kind, "area": self.area, "status": self.status, "response": self.response}
        params.update(changes)
        return "?" + urlencode({key: value for key, value in params.items() if value})


def tracker_page() -> TrackerPage | None:
    page: TrackerPage | None = TrackerPage.objects.live().public().order_by("path").first()
    return page


def item_path(item: TrackedItem, *, page: TrackerPage | None = None) -> str:
    """The item's address on the public tracker page, or "" if no tracker page is published."""
    page = page or tracker_page()
    if page is None or not page.url:
        return ""
    return f"{page.url}{item.slug}/"


def _open_q(now: datetime) -> Q:
    return (Q(opens_at__isnull=True) | Q(opens_at__lte=now)) & Q(closes_at__gt=now)


def _windows() -> QuerySet[SubmissionWindow]:
    """Windows of live items: a draft item is not public anywhere (pages, feeds, calendars, bulletin)."""
    windows: QuerySet[SubmissionWindow] = SubmissionWindow.objects.filter(item__live=True)
    return windows.select_related("item", "item__response").prefetch_related("item__priority_areas")


def closing_soon_windows(*, now: datetime) -> list[SubmissionWindow]:
    """Open windows closing today or within the next 21 UK days, soonest first."""
    return list(_windows().filter(_open_q(now), closes_at__lt=closing_soon_cutoff(now)).order_by("closes_at", "pk"))


def open_later_windows(*, now: datetime) -> list[SubmissionWindow]:
    """Open windows with more than 21 days to run."""
    return list(_windows().filter(_open_q(now), closes_at__gte=closing_soon_cutoff(now)).order_by("closes_at", "pk"))


def recently_closed_windows(*, now: datetime) -> list[SubmissionWindow]:
    since = london_day_start(london_today(now) - timedelta(days=RECENTLY_CLOSED_DAYS))
    return list(_windows().filter(closes_at__lte=now, closes_at__gte=since).order_by("-closes_at", "-pk"))


def tracked_item_list(*, filters: TrackerFilters, now: datetime) -> QuerySet[TrackedItem]:
    items: QuerySet[TrackedItem] = TrackedItem.objects.filter(live=True).select_related("response")
    items = items.prefetch_related("priority_areas", "windows")
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.area:
        items = items.filter(priority_areas__slug=filters.area)
    open_now = Exists(SubmissionWindow.objects.filter(_open_q(now), item=OuterRef("pk")))
    upcoming = Exists(SubmissionWindow.objects.filter(item=OuterRef("pk"), opens_at__gt=now))
    any_window = Exists(SubmissionWindow.objects.filter(item=OuterRef("pk")))
    if filters.status == "open":
        items = items.filter(open_now)
    elif filters.status == "upcoming":
        items = items.filter(upcoming)
    elif filters.status == "closed":
        items = items.filter(any_window).exclude(open_now).exclude(upcoming)
    if filters.response == "none":
        items = items.filter(response__isnull=True)
    elif filters.response:
        items = items.filter(response__status=filters.response)
    return items.distinct().order_by("title")


@dataclass(frozen=True)
class WindowView:
    window: SubmissionWindow
    state: str  # "open", "upcoming" or "closed"


@dataclass(frozen=True)
class ItemDetail:
    item: TrackedItem
    stages: list[Stage]
    windows: list[WindowView]
    changes: list[ItemChange]
    response: Response | None
    response_label: str
    articles: list[object] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return any(view.state == "open" for view in self.windows)


def _window_state(window: SubmissionWindow, now: datetime) -> str:
    if window.closes_at <= now:
        return "closed"
    if window.opens_at is not None and window.opens_at > now:
        return "upcoming"
    return "open"


def tracked_item_detail(*, slug: str, now: datetime) -> ItemDetail | None:
    item = (
        TrackedItem.objects.filter(slug=slug, live=True)
        .select_related("response", "response__article")
        .prefetch_related("priority_areas", "links", "documents")
        .first()
    )
    if item is None:
        return None
    response: Response | None = getattr(item, "response", None)
    articles = list(item.articles.live().public().order_by("-date"))
    published = response.article if response is not None else None
    if published is not None and published.live and published not in articles:
        articles.insert(0, published)
    return ItemDetail(
        item=item,
        stages=list(item.stages.order_by("date", "sort_order", "pk")),
        windows=[WindowView(window, _window_state(window, now)) for window in item.windows.order_by("closes_at")],
        changes=list(item.changes.order_by("-occurred_at", "-pk")[:20]),
        response=response,
        response_label=PUBLIC_LABELS.get(response.status, "") if response is not None else "",
        articles=list(articles),
    )


def tracked_item_preview_detail(*, item: TrackedItem, now: datetime) -> ItemDetail:
    """The item page's contents from an unsaved version of the item (its form or a revision),
    for the staff preview: children come from the item in memory, not the database."""
    response: Response | None = Response.objects.filter(item_id=item.pk).first() if item.pk else None
    articles = [article for article in item.articles.all() if getattr(article, "live", False)]
    stages = sorted(item.stages.all(), key=lambda stage: (stage.date, stage.sort_order or 0))
    windows = sorted(item.windows.all(), key=lambda window: window.closes_at)
    return ItemDetail(
        item=item,
        stages=list(stages),
        windows=[WindowView(window, _window_state(window, now)) for window in windows],
        changes=list(item.changes.order_by("-occurred_at", "-pk")[:20]) if item.pk else [],
        response=response,
        response_label=PUBLIC_LABELS.get(response.status, "") if response is not None else "",
        articles=list(articles),
    )


def tracked_items_for_article(article: object) -> list[TrackedItem]:
    """Items an article is about: linked from the item or as the item's published response."""
    pk = getattr(article, "pk", None)
    if pk is None:
        return []
    items = TrackedItem.objects.filter(Q(articles__pk=pk) | Q(response__article__pk=pk), live=True).distinct()
    return list(items.order_by("title"))


def open_windows_for_area(*, area_id: int, now: datetime, limit: int = 10) -> list[SubmissionWindow]:
    """Windows open for responses now on items under a priority area, soonest closing first,
    one per item (its soonest)."""
    windows = _windows().filter(_open_q(now), item__priority_areas=area_id).order_by("closes_at", "pk")
    first_per_item: dict[int, SubmissionWindow] = {}
    for window in windows[: limit * 3]:
        first_per_item.setdefault(window.item_id, window)
    return list(first_per_item.values())[:limit]


def deadline_windows(*, area_slug: str = "", now: datetime) -> QuerySet[SubmissionWindow]:
    """Windows for the iCalendar feed: everything closing from a year ago onwards."""
    windows = _windows().filter(closes_at__gte=now - timedelta(days=CALENDAR_HISTORY_DAYS))
    if area_slug:
        windows = windows.filter(item__priority_areas__slug=area_slug)
    return windows.distinct().order_by("closes_at", "pk")


SEARCH_HITS_SHOWN = 10


def search_hits(*, query: str) -> list[SearchHit]:
    """Tracked items matching the site search's words, best first (for the sections registry)."""
    page = tracker_page()
    if page is None:
        return []
    items = get_search_backend().search(query, TrackedItem.objects.filter(live=True), operator="and")[
        :SEARCH_HITS_SHOWN
    ]
    return [
        SearchHit(
            title=item.title,
            url=item_path(item, page=page),
            meta=f"{item.get_kind_display()} · {item.owner_body}",
            summary=item.summary,
        )
        for item in items
    ]


def item_deadline_windows(*, slug: str) -> QuerySet[SubmissionWindow]:
    """Every window of one item, for its own "add to calendar" file."""
    return _windows().filter(item__slug=slug).order_by("closes_at", "pk")


def recent_changes(*, limit: int = 50) -> list[ItemChange]:
    changes = ItemChange.objects.filter(item__live=True).select_related("item")
    return list(changes.order_by("-occurred_at", "-pk")[:limit])


def bulletin_items(*, since: datetime, until: datetime) -> list[DigestItem]:
    """Windows closing in the three weeks after ``until`` (when the bulletin goes out), soonest first."""
    end = london_day_start(london_today(until) + timedelta(days=CLOSING_SOON_DAYS + 1))
    windows = _windows().filter(_open_q(until), closes_at__lt=end).order_by("closes_at", "pk")
    page = tracker_page()
    digest = []
    for window in windows:
        item = window.item
        deadline = window.closes_at.astimezone(LONDON)
        digest.append(
            DigestItem(
                section="Closing soon",
                title=item.title,
                url=item_path(item, page=page),
                summary=f"{item.get_kind_display()} from {item.owner_body}. Closes {deadline:%-d %B %Y}.",
                date=deadline.date(),
                priority_area_ids=tuple(area.pk for area in item.priority_areas.all()),
            )
        )
    return digest


@dataclass(frozen=True)
class DueRow:
    response: Response
    next_window: SubmissionWindow | None
    due: datetime | None  # the earlier of our internal deadline and the next window's close
    overdue: bool


def windows_closing(*, now: datetime, days: int) -> list[SubmissionWindow]:
    """Submission windows closing in the next ``days`` days, soonest first, with their item and our response."""
    return list(
        SubmissionWindow.objects.filter(closes_at__gt=now, closes_at__lte=now + timedelta(days=days))
        .select_related("item", "item__response")
        .order_by("closes_at", "pk")
    )


def responses_due(*, now: datetime) -> list[DueRow]:
    """Our responses still to be written, with their nearest deadline, most urgent first."""
    responses = (
        Response.objects.filter(status__in=ACTIVE_STATES)
        .select_related("item", "owner")
        .prefetch_related(Prefetch("item__windows", queryset=SubmissionWindow.objects.order_by("closes_at")))
    )
    rows = []
    for response in responses:
        upcoming = [window for window in response.item.windows.all() if window.closes_at > now]
        next_window = upcoming[0] if upcoming else None
        candidates = []
        if response.internal_deadline is not None:
            # An internal deadline means "by the end of that UK day".
            candidates.append(london_day_start(response.internal_deadline + timedelta(days=1)))
        if next_window is not None:
            candidates.append(next_window.closes_at)
        due = min(candidates) if candidates else None
        rows.append(DueRow(response, next_window, due, overdue=due is not None and due <= now))
    far_future = datetime.max.replace(tzinfo=LONDON)
    return sorted(rows, key=lambda row: (row.due or far_future, row.response.pk))


# --- staff edits in the admin ----------------------------------------------------------------


def tracked_item_window_snapshot(*, item: TrackedItem) -> dict[int, tuple[Any, ...]]:
    """The windows as they are now, so a later save can tell what staff changed."""
    if item.pk is None:
        return {}
    return {
        window.pk: (window.opens_at, window.closes_at, window.late_submissions_accepted)
        for window in SubmissionWindow.objects.filter(item=item)
    }


@dataclass(frozen=True)
class PublishedSnapshot:
    """What the public sees of an item, read before a staff save, to tell what publishing changed."""

    live: bool
    imported_values: dict[str, Any]
    stages: set[int]
    windows: dict[int, tuple[Any, ...]]


def tracked_item_published_snapshot(*, item: TrackedItem | None) -> PublishedSnapshot:
    stored = TrackedItem.objects.filter(pk=item.pk).first() if item is not None and item.pk else None
    if stored is None:
        return PublishedSnapshot(live=False, imported_values={}, stages=set(), windows={})
    return PublishedSnapshot(
        live=stored.live,
        imported_values={name: getattr(stored, name) for name in IMPORTED_FIELDS},
        stages=tracked_item_stage_snapshot(item=stored),
        windows=tracked_item_window_snapshot(item=stored),
    )


def tracked_item_stage_snapshot(*, item: TrackedItem) -> set[int]:
    """The ids of the item's stages now, so a later save can tell which ones staff added."""
    if item.pk is None:
        return set()
    return set(Stage.objects.filter(item=item).values_list("pk", flat=True))


def unique_item_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """An address for an item made from its title, numbered if another item already has it."""
    base = slugify(title)[:100] or "item"
    taken = TrackedItem.objects.exclude(pk=exclude_pk) if exclude_pk else TrackedItem.objects.all()
    slug, number = base, 2
    while taken.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug

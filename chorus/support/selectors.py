"""Reads for the support desk: the queue, one request's conversation, who is told, and aggregate counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.text import Truncator

from chorus.accounts.models import User
from chorus.accounts.roles import CASEWORKER
from chorus.core.crypto import token_digest
from chorus.core.ids import parse_id
from chorus.core.working_days import is_working_day
from chorus.people.selectors import person_find_by_email
from chorus.support.models import CannedReply, Message, MessageKind, RequestKind, SupportRequest, last_activity
from chorus.support.workflow import CLOSED_STATUSES, OPEN_STATUSES, OUTCOME_STATUSES, TRANSITIONS, Status

SMALL_COUNT = 5  # counts below this are shown as "fewer than 5" so nobody can be singled out

SORTS = {
    "oldest": ["received_at"],
    "newest": ["-received_at"],
    "due": ["resolution_due", "received_at"],
    "deadline": ["deadline", "received_at"],
}


def support_queue(
    *,
    user_id: int | None,
    kind: str = "",
    status: str = "",
    priority_area_id: int | None = None,
    assignee: str = "",
    overdue: bool = False,
    waiting: bool = False,
    sort: str = "oldest",
    today: date | None = None,
) -> QuerySet[SupportRequest]:
    """The triage queue, filtered and sorted; open requests unless a status is asked for."""
    today = today or timezone.localdate()
    queryset = SupportRequest.objects.select_related("assignee", "priority_area")
    if overdue:
        queryset = queryset.overdue(today)
    if waiting:
        queryset = queryset.filter(status=Status.WAITING_ON_MEMBER)
    if status == "all":
        pass
    elif status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if kind:
        queryset = queryset.filter(kind=kind)
    if priority_area_id:
        queryset = queryset.filter(priority_area_id=priority_area_id)
    if assignee == "me":
        queryset = queryset.filter(assignee_id=user_id)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee.isdigit():
        queryset = queryset.filter(assignee_id=int(assignee))
    return queryset.order_by(*SORTS.get(sort, SORTS["oldest"]))


def support_request_is_overdue(*, support_request: SupportRequest, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    if support_request.status in CLOSED_STATUSES or support_request.paused_at is not None:
        return False
    if support_request.first_response_at is None and support_request.first_response_due < today:
        return True
    return support_request.resolution_due < today


def support_request_closes_on(*, support_request: SupportRequest) -> date | None:
    """The day the inactivity job will close this open request if nothing happens first."""
    if support_request.is_closed:
        return None
    last_activity_at = (
        SupportRequest.objects.filter(pk=support_request.pk)
        .annotate(last_activity_at=last_activity())
        .values_list("last_activity_at", flat=True)
        .get()
    )
    days = settings.CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS
    if support_request.status == Status.WAITING_ON_MEMBER:
        days = min(days, settings.CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS)
    return timezone.localdate(last_activity_at + timedelta(days=days))


def conversation(*, support_request: SupportRequest, include_notes: bool) -> QuerySet[Message]:
    messages = support_request.messages.select_related("author_user")
    if not include_notes:
        messages = messages.filter(kind=MessageKind.TO_MEMBER)
    return messages


@dataclass(frozen=True)
class CountCell:
    count: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < SMALL_COUNT

    @property
    def text(self) -> str:
        return f"fewer than {SMALL_COUNT}" if self.suppressed else str(self.count)


@dataclass(frozen=True)
class RaisedReport:
    months: list[date]
    kinds: list[tuple[str, str]]
    areas: list[tuple[int | None, str]]
    by_area: dict[int | None, dict[date, CountCell]]
    by_kind: dict[str, dict[date, CountCell]]
    area_totals: dict[int | None, CountCell]
    kind_totals: dict[str, CountCell]

    def area_rows(self) -> list[tuple[str, list[CountCell], CountCell]]:
        return [(name, [self.by_area[a][m] for m in self.months], self.area_totals[a]) for a, name in self.areas]

    def kind_rows(self) -> list[tuple[str, list[CountCell], CountCell]]:
        return [(label, [self.by_kind[k][m] for m in self.months], self.kind_totals[k]) for k, label in self.kinds]


def what_members_raised(*, since: date | None = None) -> RaisedReport:
    """Counts by priority area, kind and month. Only plain, non-identifying columns are read,
    so the figures survive anonymisation; small counts are suppressed by ``CountCell``."""
    queryset = SupportRequest.objects.all()
    if since is not None:
        queryset = queryset.filter(created_month__gte=since)
    rows = list(
        queryset.values("created_month", "kind", "priority_area_id", "priority_area__title").annotate(n=Count("id"))
    )
    months = sorted({row["created_month"] for row in rows})
    area_names: dict[int | None, str] = {}
    area_month: Counter[tuple[int | None, date]] = Counter()
    kind_month: Counter[tuple[str, date]] = Counter()
    for row in rows:
        area_id = row["priority_area_id"]
        area_names[area_id] = row["priority_area__title"] or "No priority area given"
        area_month[(area_id, row["created_month"])] += row["n"]
        kind_month[(row["kind"], row["created_month"])] += row["n"]
    areas = sorted(area_names.items(), key=lambda item: (item[0] is None, item[1]))
    kinds = [(value, str(label)) for value, label in RequestKind.choices]
    by_area = {a: {m: CountCell(area_month[(a, m)]) for m in months} for a, _ in areas}
    by_kind = {k: {m: CountCell(kind_month[(k, m)]) for m in months} for k, _ in kinds}
    area_totals = {a: CountCell(sum(area_month[(a, m)] for m in months)) for a, _ in areas}
    kind_totals = {k: CountCell(sum(kind_month[(k, m)] for m in months)) for k, _ in kinds}
    return RaisedReport(months, kinds, areas, by_area, by_kind, area_totals, kind_totals)


def chart_bars(*, report: RaisedReport, width: int = 640, bar_height: int = 28) -> dict[str, Any]:
    """Geometry for a horizontal SVG bar chart of totals by priority area (drawn on the server)."""
    label_width = 240
    usable = width - label_width - 120
    largest = max([cell.count for cell in report.area_totals.values() if not cell.suppressed] or [1])
    bars = []
    for index, (area_id, name) in enumerate(report.areas):
        cell = report.area_totals[area_id]
        length = 0 if cell.suppressed else round(usable * cell.count / largest)
        bars.append(
            {
                "name": name,
                "text": cell.text,
                "y": index * (bar_height + 8),
                "length": length,
                "text_x": label_width + length + 8,
            }
        )
    return {
        "width": width,
        "height": max(len(bars), 1) * (bar_height + 8),
        "label_width": label_width,
        "bar_height": bar_height,
        "label_y": bar_height // 2 + 5,
        "bars": bars,
    }


@dataclass(frozen=True)
class PrivateAccess:
    """A request opened by one of its two private links, and which one."""

    support_request: SupportRequest
    # The emailed link, not the one shown on screen to whoever sent the request.
    by_emailed_link: bool


def support_request_for_token(*, token: str) -> PrivateAccess | None:
    """The request a private link opens, by either of its tokens; None for no such request."""
    if not token or len(token) > 200:
        return None
    digest = token_digest(token)
    support_request = (
        SupportRequest.objects.filter(Q(token_hash=digest) | Q(email_token_hash=digest), anonymised_at__isnull=True)
        .select_related("sender")
        .first()
    )
    if support_request is None:
        return None
    return PrivateAccess(support_request=support_request, by_emailed_link=support_request.email_token_hash == digest)


# --- who is told -----------------------------------------------------------------------


def _can_be_emailed(users: QuerySet[User]) -> QuerySet[User]:
    return users.filter(is_active=True).exclude(email="")


def triage_staff() -> QuerySet[User]:
    """Who is told about new requests (and replies nobody is assigned): active Caseworkers with an email."""
    return _can_be_emailed(User.objects.filter(groups__name=CASEWORKER.name)).distinct().order_by("pk")


def reply_recipients(*, support_request: SupportRequest) -> list[User]:
    """Who is told that the member replied: the assignee, or the triage staff if there is
    none, or none who can be emailed (left, or no address), so that no reply goes unseen."""
    if support_request.assignee_id is not None:
        assignee = _can_be_emailed(User.objects.filter(pk=support_request.assignee_id)).first()
        if assignee is not None:
            return [assignee]
    return list(triage_staff())


@dataclass(frozen=True)
class ReplyExpected:
    """When the desk aims to first answer a request, for the member's confirmation page."""

    working_days: int
    by: date


def support_request_reply_expected(*, support_request: SupportRequest) -> ReplyExpected:
    """The request's own first-response target, counted in working days from the day it came in."""
    received = timezone.localdate(support_request.received_at)
    due = support_request.first_response_due
    days = 0
    day = received
    while day < due:
        day += timedelta(days=1)
        if is_working_day(day):
            days += 1
    return ReplyExpected(working_days=days, by=due)


def support_requests_to_send_again(*, email: str) -> list[SupportRequest]:
    """The open requests whose owner proved this address (confirmed from the emailed link),
    oldest first. Unconfirmed ones are left out: anyone can type anyone's address, and
    their emailed link has already gone to it."""
    person = person_find_by_email(email=email)
    if person is None:
        return []
    return list(
        SupportRequest.objects.filter(
            sender=person, status__in=OPEN_STATUSES, anonymised_at__isnull=True, email_confirmed_at__isnull=False
        )
        .exclude(email_token_hash="")
        .order_by("received_at")
    )


# --- the queue's one-line summaries and the bulk actions' confirmation ---

SUMMARY_LENGTH = 100


def support_request_summary(support_request: SupportRequest) -> str:
    """The start of what the member told us, on one line, for triage without opening it.

    Decrypted only for the page being shown (the queue's view is audited as a view of
    each request on it); an anonymised request has nothing left to show.
    """
    text = " ".join(support_request.description.split())
    if not text:
        return "No description (removed after the keeping time)" if support_request.anonymised_at else "No description"
    return Truncator(text).chars(SUMMARY_LENGTH)


@dataclass(frozen=True)
class BulkAction:
    """What a bulk action on the queue will do, in words for its "are you sure" page."""

    title: str  # "Mark as resolved" / "Assign to sam"
    outcome: str  # what happens to each chosen request
    tells_members: bool  # whether each member gets a message on their private page (and maybe an email)
    # For a move in the workflow: the statuses it can start from, and where it ends.
    moves_from: frozenset[str] | None = None
    moves_to: str = ""

    def moves(self, support_request: SupportRequest) -> bool:
        """Whether this action changes this request (a workflow move only applies from some statuses)."""
        return self.moves_from is None or support_request.status in self.moves_from


def bulk_action_description(*, verb: str, value: str, assignee: User | None) -> BulkAction | None:
    """The words for a bulk action, or None if it is not one the queue offers."""
    if verb == "assign":
        if assignee is None:
            return BulkAction("Assign to nobody", "will be assigned to nobody", tells_members=False)
        name = assignee.get_username()
        return BulkAction(
            f"Assign to {name}",
            f"will be assigned to {name}, who is emailed about each one they did not assign themselves",
            tells_members=False,
        )
    if verb == "transition":
        step = TRANSITIONS.get(value)
        if step is None:
            return None
        target = Status(step.target).label
        return BulkAction(
            step.staff_label,
            f"will move to “{target}”",
            tells_members=step.target in OUTCOME_STATUSES,
            moves_from=frozenset(step.sources),
            moves_to=target,
        )
    return None


def bulk_members_emailed(*, support_requests: list[SupportRequest]) -> int:
    """How many of the chosen requests have a confirmed address, so a message is emailed."""
    return sum(1 for support_request in support_requests if support_request.sender_id is not None)


# --- canned replies ---


def canned_replies() -> QuerySet[CannedReply]:
    return CannedReply.objects.order_by("title")


def canned_reply_chosen(value: str | None) -> CannedReply | None:
    """The canned reply a ``?reply=<id>`` link names, or None if it names none that exists."""
    reply_id = parse_id(value or "")
    if reply_id is None:
        return None
    return CannedReply.objects.filter(pk=reply_id).first()

"""Reads for funding pages: a fund's rounds by status, how to apply today, open rounds for the bulletin."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from wagtail.models import Page

from chorus.accounts.models import User
from chorus.accounts.roles import GRANTS_OFFICER, PANEL_MEMBER
from chorus.core.audit_events import DescribedEvent, describe_events
from chorus.core.crypto import token_digest
from chorus.core.deadlines import LONDON, london_day
from chorus.core.digest import DigestItem
from chorus.core.models import AuditEvent
from chorus.grants.choices import AccessNeed, FileKind, Recommendation
from chorus.grants.forms import file_in_words
from chorus.grants.models import (
    REPORT_QUESTION_ID,
    AnswerFile,
    Application,
    ConflictOfInterest,
    FundPage,
    Review,
    RoundPage,
)
from chorus.grants.workflow import CONSIDERED, ApplicationStatus
from chorus.pages.models import OrganisationSettings


@dataclass(frozen=True)
class FundRounds:
    open: list[RoundPage]
    opening_soon: list[RoundPage]
    closed: list[RoundPage]

    def __bool__(self) -> bool:
        return bool(self.open or self.opening_soon or self.closed)


def rounds_of_fund(fund: Page, *, now: datetime) -> FundRounds:
    """The fund's published rounds: open ones closing soonest first, then those opening soonest,
    then closed ones, the most recent first."""
    rounds = list(RoundPage.objects.child_of(fund).live().public().order_by("closes_at", "pk"))
    return FundRounds(
        open=[r for r in rounds if r.opens_at <= now < r.closes_at],
        opening_soon=sorted((r for r in rounds if now < r.opens_at), key=lambda r: (r.opens_at, r.pk)),
        closed=[r for r in reversed(rounds) if r.closes_at <= now],
    )


@dataclass(frozen=True)
class Contact:
    email: str
    phone: str


def how_to_apply_today(round_page: RoundPage, *, request: HttpRequest | None = None) -> Contact:
    """Until the online form is built, groups apply by email or phone: the fund's own contact,
    or the organisation's address when the fund has none."""
    fund = FundPage.objects.filter(pk=round_page.get_parent().pk).first() if round_page.pk else None
    email = fund.contact_email if fund is not None else ""
    if not email:
        email = OrganisationSettings.load(request_or_site=request).contact_email
    return Contact(email=email, phone=fund.contact_phone if fund is not None else "")


def bulletin_items(*, since: datetime, until: datetime) -> list[DigestItem]:
    """Rounds open for applications when the bulletin goes out, closing soonest first."""
    items = []
    for round_page in (
        RoundPage.objects.live().public().filter(opens_at__lte=until, closes_at__gt=until).order_by("closes_at", "pk")
    ):
        fund = round_page.get_parent()
        closes = round_page.closes_at.astimezone(LONDON)
        items.append(
            DigestItem(
                section="Funding rounds open now",
                title=f"{fund.title}: {round_page.title}" if fund is not None else round_page.title,
                url=round_page.url or "",
                summary=f"{round_page.summary} Closes {closes:%-d %B %Y at %H:%M}.",
                date=closes.date(),
            )
        )
    return items


def application_for_token(*, token: str) -> Application | None:
    """The application an emailed link opens; None for no such link (or an old, replaced one)."""
    if not token or len(token) > 200:
        return None
    return Application.objects.select_related("round", "band").filter(token_hash=token_digest(token)).first()


@dataclass(frozen=True)
class TimetableLine:
    status: str
    what: str
    when: str
    reached: bool


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def application_timetable(application: Application) -> list[TimetableLine]:
    """Each stage in plain words, with the date it is expected from the round's published timetable."""
    round_page = application.round
    closes = london_day(round_page.closes_at)
    stages: dict[str, int] = {
        ApplicationStatus.RECEIVED: 1,
        ApplicationStatus.ELIGIBILITY_CHECK: 2,
        ApplicationStatus.UNDER_REVIEW: 2,
        ApplicationStatus.PANEL: 3,
        ApplicationStatus.AWARDED: 4,
        ApplicationStatus.NOT_AWARDED: 4,
    }
    stage = stages.get(application.status, 0)
    received = _day(london_day(application.submitted_at)) if application.submitted_at else f"by {_day(closes)}"
    return [
        TimetableLine("received", "Received", received, stage >= 1),
        TimetableLine("being_read", "Being read", f"from {_day(closes)}, when the round closes", stage >= 2),
        TimetableLine("shortlisted", "Shortlisted (if it is)", f"before {_day(round_page.decision_date)}", stage >= 3),
        TimetableLine("decided", "Decided", f"by {_day(round_page.decision_date)}", stage >= 4),
        TimetableLine("paid", "Paid, if you get a grant", f"by {_day(round_page.payment_date)}", False),
    ]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


# The words of the rows that are not the round's own questions: the group reads them about
# itself ("Your name"), staff about the group ("Contact name").
GROUP_WORDS = {
    "group_name": "Your group's name",
    "contact_name": "Your name",
    "needs": "What would help you take part",
    "call_me": "Please call me instead",
}
STAFF_WORDS = {
    "group_name": "Group's name",
    "contact_name": "Contact name",
    "needs": "What would help them take part",
    "call_me": "Asked us to call instead",
}


def application_rows(application: Application, *, for_staff: bool = False) -> list[tuple[str, str, str]]:
    """(question, answer in words, step it was given in), for the group's check-your-answers
    page and, in staff words (``for_staff``), the staff's reading of an application. Answers to
    questions since taken out of the size's question set are kept and shown last, step "removed"."""
    words = STAFF_WORDS if for_staff else GROUP_WORDS
    rows = [
        (words["group_name"], application.group_name, "about"),
        (words["contact_name"], application.contact_name, "about"),
        ("Phone number", application.contact_phone or "Not given", "about"),
        (
            "Registered charity or company",
            ", ".join(
                part
                for part in (
                    "Yes",
                    application.get_registered_with_display(),
                    f"number {application.registered_number}",
                )
                if part
            )
            if application.is_registered
            else _yes_no(application.is_registered),
            "about",
        ),
        ("Grant size", str(application.band) if application.band else "", "size"),
    ]
    stored = {answer.question_id: answer.value for answer in application.answers.all()}
    files = answer_files_of(application)
    asked: set[str] = set()
    if application.band is not None:
        for block in application.band.questions:
            asked.add(block.id)
            answer = _in_words(stored.get(block.id, ""))
            if block.block_type == "amount" and answer.isdigit():
                answer = f"£{int(answer):,}"
            rows.append((block.value["question"], _with_file(answer, files.get(block.id)), "questions"))
    labels = dict(AccessNeed.choices)
    needs = [labels.get(need, need) for need in application.access_needs]
    if application.access_other:
        needs.append(application.access_other)
    rows.append((words["needs"], ", ".join(needs) or "Nothing", "access"))
    if application.call_me:
        rows.append((words["call_me"], f"Yes: {application.call_times}", "access"))
    for question_id, value in stored.items():
        if question_id not in asked and value:
            rows.append(("A question since removed from this grant size", _in_words(value), "removed"))
    return rows


def answer_files_of(application: Application) -> dict[str, AnswerFile]:
    """The application's files by question id (the report's recording is not an answer)."""
    return {
        found.question_id: found
        for found in AnswerFile.objects.filter(application=application).exclude(question_id=REPORT_QUESTION_ID)
    }


def _with_file(answer: str, answer_file: AnswerFile | None) -> str:
    """An answer with the recording or file given for it, in words: "Audio recording (3.2 MB)"."""
    if answer_file is None:
        return answer
    return f"{file_in_words(answer_file)}\n{answer}" if answer else file_in_words(answer_file)


def _in_words(value: str) -> str:
    """A stored answer as read: several choices are stored as a JSON list."""
    if value.startswith("["):
        return ", ".join(json.loads(value))
    return value


def sent_applications(*, round_id: int | None = None, status: str = "") -> QuerySet[Application]:
    """Applications their groups have sent (drafts are the group's own until then), newest first."""
    applications = Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related("round", "band")
    if round_id is not None:
        applications = applications.filter(round_id=round_id)
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("-submitted_at", "-pk")


def drafts_per_round() -> dict[int, int]:
    """How many unsent drafts each round has: a count only, since a draft is its group's own."""
    counted = Application.objects.filter(status=ApplicationStatus.DRAFT).values("round_id").annotate(n=Count("pk"))
    return {row["round_id"]: row["n"] for row in counted}


# --- reviewing and deciding (staff) ----------------------------------------------------

READ_ALL = "grants.view_application"
REVIEW = "grants.review_application"
DECIDE = "grants.decide_application"
# Scoring happens while reviewers read it and at the panel; the eligibility check is the
# Grants officer's look at whether the group can apply at all, and a decided one is closed.
REVIEWABLE = frozenset({ApplicationStatus.UNDER_REVIEW, ApplicationStatus.PANEL})
DECIDED = frozenset({ApplicationStatus.AWARDED, ApplicationStatus.NOT_AWARDED})


def may_read_applications(user: Any) -> bool:
    """Whether the user may open the applications screens at all (every round, or their panels')."""
    return bool(user.has_perm(READ_ALL) or user.has_perm(REVIEW))


def applications_readable_by(user: Any) -> QuerySet[Application]:
    """The sent applications a member of staff may open: every round's with ``view_application``,
    else (a panel member) only those of the rounds they are named on; none for anyone else.

    The one answer to "may they read it?", used by the list, the page, scoring and the export.
    A declared conflict of interest is not taken out here: the list marks it and the page
    shows only that line (``has_conflict``).
    """
    applications = Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related("round", "band")
    if user.has_perm(READ_ALL):
        return applications
    if user.has_perm(REVIEW):
        return applications.filter(round__panel_memberships__member=user)
    return applications.none()


def has_conflict(*, application: Application, user: Any) -> bool:
    return ConflictOfInterest.objects.filter(application=application, reviewer=user).exists()


def can_read_application(user: Any, application: Application) -> bool:
    """Whether this member of staff may read the application in full, its files included: it is
    one they may open (``applications_readable_by``) and they have declared no conflict with it."""
    return (
        bool(user.is_authenticated)
        and applications_readable_by(user).filter(pk=application.pk).exists()
        and not has_conflict(application=application, user=user)
    )


def conflicted_ids(*, user: Any) -> set[int]:
    """The applications this person declared a conflict on, for marking the list."""
    return set(ConflictOfInterest.objects.filter(reviewer=user).values_list("application_id", flat=True))


def may_review(*, application: Application, user: Any) -> bool:
    """A reviewer who may read it, has no conflict with it, while it is being scored."""
    return (
        user.has_perm(REVIEW)
        and application.status in REVIEWABLE
        and applications_readable_by(user).filter(pk=application.pk).exists()
        and not has_conflict(application=application, user=user)
    )


def own_review(*, application: Application, user: Any) -> Review | None:
    return Review.objects.filter(application=application, reviewer=user).first()


def counted_reviews(application: Application) -> QuerySet[Review]:
    """Its reviews, leaving out any whose reviewer has since declared a conflict with it."""
    conflicted = ConflictOfInterest.objects.filter(application=application).values("reviewer_id")
    return (
        Review.objects.filter(application=application)
        .exclude(reviewer_id__in=conflicted)
        .select_related("reviewer")
        .order_by("submitted_at", "pk")
    )


def reviews_visible_to(*, application: Application, user: Any) -> bool:
    """Whether this person may see the reviews (scores, comments, recommendations).

    Reviews are blind: a reviewer sees the others' only once their own is sent. Someone who
    decides but never scores (an Administrator) sees them all; once it is decided, scoring
    is over and everyone who may read it sees them. A conflict hides them whatever else.
    """
    if has_conflict(application=application, user=user):
        return False
    if own_review(application=application, user=user) is not None:
        return True
    if application.status in DECIDED:
        return True
    return bool(user.has_perm(DECIDE) and not user.has_perm(REVIEW))


@dataclass(frozen=True)
class CriterionScores:
    criterion_id: str
    criterion: str
    scores: list[int]

    @property
    def average(self) -> str:
        if not self.scores:
            return "No scores"
        return f"{sum(self.scores) / len(self.scores):.1f}"


@dataclass(frozen=True)
class ReviewSummary:
    reviews: list[Review]
    criteria: list[CriterionScores]
    recommendations: list[tuple[str, int]]


def criteria_of(round_page: RoundPage) -> list[tuple[str, str]]:
    """(block id, words) of each criterion the round's reviewers score against."""
    return [(block.id, str(block.value)) for block in round_page.criteria]


def review_summary(application: Application) -> ReviewSummary:
    """Every counted review, the average score per criterion and how many recommend what."""
    reviews = list(counted_reviews(application))
    criteria = [
        CriterionScores(
            criterion_id=block_id,
            criterion=words,
            scores=[int(r.scores[block_id]) for r in reviews if isinstance(r.scores.get(block_id), int)],
        )
        for block_id, words in criteria_of(application.round)
    ]
    recommendations = [
        (label, sum(1 for r in reviews if r.recommendation == value)) for value, label in Recommendation.choices
    ]
    return ReviewSummary(reviews=reviews, criteria=criteria, recommendations=recommendations)


def application_history(application: Application) -> list[DescribedEvent]:
    """The application's audit log, oldest first, in words: each reading, move, review and decision."""
    events = AuditEvent.objects.filter(object_type="grants.application", object_id=str(application.pk)).order_by(
        "created_at", "pk"
    )
    return describe_events(events[:HISTORY_LIMIT])


# The most history lines one page shows; the audit log screen has the rest.
HISTORY_LIMIT = 200


def staff_typed_answers(application: Application) -> list[tuple[str, str]]:
    """(question, answer) for each answer staff typed in on the group's behalf, in the size's order."""
    typed = {a.question_id: a.value for a in application.answers.filter(entered_by_staff=True)}
    if not typed or application.band is None:
        return []
    return [
        (block.value["question"], _in_words(typed[block.id]))
        for block in application.band.questions
        if block.id in typed
    ]


def panel_candidates() -> QuerySet[User]:
    """Who can be named on a round's panel: active Panel members and Grants officers."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[PANEL_MEMBER.name, GRANTS_OFFICER.name])
        .distinct()
        .order_by("username")
    )


def grants_officers_to_email() -> QuerySet[User]:
    """Active Grants officers with an address: who is reminded of a round's decision date."""
    return (
        User.objects.filter(is_active=True, groups__name=GRANTS_OFFICER.name)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def format_of(application: Application, *, recorded: set[int]) -> str:
    """How the group answered, for the export: by call, with a recording, or in writing."""
    if application.call_me:
        return "call"
    if application.pk in recorded:
        return "recording"
    return "written"


def recorded_application_ids(applications: QuerySet[Application]) -> set[int]:
    """Which of these applications gave at least one answer as an audio or video recording."""
    return set(
        AnswerFile.objects.filter(application__in=applications, kind__in=[FileKind.AUDIO, FileKind.VIDEO])
        .values_list("application_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class WaitingRound:
    round_page: RoundPage
    waiting: int


def rounds_waiting_for_decisions() -> list[WaitingRound]:
    """Rounds with applications still being considered, the nearest decision date first."""
    counted = (
        Application.objects.filter(status__in=list(CONSIDERED)).values("round_id").annotate(n=Count("pk")).order_by()
    )
    waiting = {row["round_id"]: row["n"] for row in counted}
    rounds = RoundPage.objects.filter(pk__in=waiting).order_by("decision_date", "pk")
    return [WaitingRound(round_page=r, waiting=waiting[r.pk]) for r in rounds]


def conflicts_of(application: Application) -> QuerySet[ConflictOfInterest]:
    """The conflicts declared on it, for those who decide (so they know whose review does not count)."""
    declared = ConflictOfInterest.objects.filter(application=application).select_related("reviewer")
    return declared.order_by("declared_at")

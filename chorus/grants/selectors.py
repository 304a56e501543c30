"""Reads for funding pages: a fund's rounds by status, how to apply today, open rounds for the bulletin."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from wagtail.models import Page

from chorus.core.crypto import token_digest
from chorus.core.deadlines import LONDON, london_day
from chorus.core.digest import DigestItem
from chorus.grants.choices import AccessNeed
from chorus.grants.forms import file_in_words
from chorus.grants.models import REPORT_QUESTION_ID, AnswerFile, Application, FundPage, RoundPage
from chorus.grants.workflow import ApplicationStatus
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


def application_rows(application: Application) -> list[tuple[str, str, str]]:
    """(question, answer in words, step it was given in), for the group's check-your-answers
    page and the staff's reading of an application. Answers to questions since taken out of
    the size's question set are kept and shown last, step "removed"."""
    rows = [
        ("Your group's name", application.group_name, "about"),
        ("Your name", application.contact_name, "about"),
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
            rows.append((block.value["question"], _with_file(answer, files.get(block.id)), "questions"))
    labels = dict(AccessNeed.choices)
    needs = [labels.get(need, need) for need in application.access_needs]
    if application.access_other:
        needs.append(application.access_other)
    rows.append(("What would help you take part", ", ".join(needs) or "Nothing", "access"))
    if application.call_me:
        rows.append(("Please call me instead", f"Yes: {application.call_times}", "access"))
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

"""Reads for funding pages: a fund's rounds by status, how to apply today, open rounds for the bulletin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpRequest
from wagtail.models import Page

from chorus.core.crypto import token_digest
from chorus.core.deadlines import LONDON, london_day
from chorus.core.digest import DigestItem
from chorus.grants.models import Application, FundPage, RoundPage
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

"""What the funding programmes publish: each fund's transparency figures and the 360Giving data.

Both are generated from the applications, never written by hand (issue 24, "open by
default"). The transparency figures are counts, so small ones are suppressed: a count from
1 to 4 reads "fewer than 5", and any other figure from which such a count could be worked
out (a share, a rate, the last part of a total) is held back too. Zero is shown as 0: it
describes no group, and "fewer than 5" would wrongly suggest there were some.

The 360Giving data lists grants made, to groups (never to individuals), and carries nothing
from the contact fields. It is published only once staff have set the organisation's
360Giving prefix, since every identifier in it is built from that prefix.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest
from django.urls import reverse

from chorus.core.deadlines import london_day
from chorus.core.times import iso_moment
from chorus.grants.choices import ORG_ID_PREFIXES, DeclineReason, FileKind, RegisteredWith
from chorus.grants.models import Application, FundPage, RoundPage
from chorus.grants.selectors import rounds_of_fund
from chorus.grants.workflow import CONSIDERED, ApplicationStatus
from chorus.pages.models import OrganisationSettings

# Counts from 1 to this are never published as numbers.
SUPPRESSED_UP_TO = 4
FEWER_THAN = f"fewer than {SUPPRESSED_UP_TO + 1}"


# --- small numbers ------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A count as published: the number, or words that hold it back."""

    count: int
    shown: bool
    # True when the count is large enough but held back so a smaller one cannot be worked out.
    held_back: bool = False

    def __str__(self) -> str:
        if self.shown:
            return f"{self.count:,}"
        return "not shown" if self.held_back else FEWER_THAN


def figure(count: int) -> Figure:
    """A count, suppressed when it is from 1 to 4."""
    return Figure(count=count, shown=count == 0 or count > SUPPRESSED_UP_TO)


def parts_of[K](total: int, parts: Mapping[K, int], *, known: Iterable[K] = ()) -> tuple[Figure, dict[K, Figure]]:
    """A total and the counts that add up to it, each suppressed when small.

    A part that is public elsewhere (``known``: the grants made are listed one by one in the
    360Giving data) is no secret, so it hides nothing. If exactly one secret part is
    suppressed while the total is shown, subtraction would give it away: the next smallest
    secret part is held back too, or the total when there is no other (secondary suppression).
    """
    known = set(known)
    total_figure = figure(total)
    figures = {key: figure(count) for key, count in parts.items()}
    hidden = [key for key, item in figures.items() if not item.shown and key not in known]
    if total_figure.shown and len(hidden) == 1:
        others = sorted(
            (key for key, item in figures.items() if item.shown and item.count > 0 and key not in known),
            key=lambda key: parts[key],
        )
        if others:
            figures[others[0]] = Figure(count=parts[others[0]], shown=False, held_back=True)
        else:
            total_figure = Figure(count=total, shown=False, held_back=True)
    return total_figure, figures


def share(part: Figure, whole: Figure) -> str:
    """A whole-number percentage, or "" when either count is not published (so the share
    cannot give a suppressed count away) or there is nothing to divide by."""
    if not (part.shown and whole.shown) or whole.count == 0:
        return ""
    percent = (Decimal(100) * part.count / whole.count).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{percent}%"


# --- the transparency page ------------------------------------------------------------

# The parts every application received ends in, in the order the page lists them.
OUTCOMES = {
    "awarded": "Grants made",
    "not_awarded": "Not funded",
    "withdrawn": "Withdrawn by the group",
    "undecided": "Not decided yet",
}


@dataclass(frozen=True)
class ReasonLine:
    label: str
    count: Figure


@dataclass(frozen=True)
class FormatLine:
    label: str
    count: Figure
    share: str


@dataclass(frozen=True)
class RoundFigures:
    """One closed round's published figures."""

    round: RoundPage
    received: Figure
    outcomes: list[tuple[str, Figure]]
    success_rate: str  # "" when not published
    median_days: float | None  # None when too few decisions to publish
    published_days: int  # days from closing to the published decision date
    formats: list[FormatLine]
    not_funded: Figure
    reasons: list[ReasonLine]  # empty when the number not funded is not published
    total_awarded: int

    @property
    def reasons_withheld(self) -> bool:
        return not self.not_funded.shown

    @property
    def total_in_words(self) -> str:
        return f"£{self.total_awarded:,}"

    @property
    def median_in_words(self) -> str:
        if self.median_days is None:
            return ""
        days = f"{self.median_days:g}"
        return f"{days} day" if days == "1" else f"{days} days"


def _days_to_decide(round_page: RoundPage, decided_at: datetime) -> int:
    return (london_day(decided_at) - london_day(round_page.closes_at)).days


def round_figures(round_page: RoundPage) -> RoundFigures:
    """The transparency figures of one round, with small numbers suppressed."""
    sent = Application.objects.filter(round=round_page).exclude(status=ApplicationStatus.DRAFT)
    counted = sent.aggregate(
        received=Count("pk"),
        awarded=Count("pk", filter=Q(status=ApplicationStatus.AWARDED)),
        not_awarded=Count("pk", filter=Q(status=ApplicationStatus.NOT_AWARDED)),
        withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
        undecided=Count("pk", filter=Q(status__in=CONSIDERED)),
        by_call=Count("pk", filter=Q(call_me=True)),
        total_awarded=Sum("amount_awarded", filter=Q(status=ApplicationStatus.AWARDED), default=0),
    )
    # A recording still held, or noted as given before the retention rule deleted it.
    by_audio = sent.filter(Q(had_audio=True) | Q(files__kind=FileKind.AUDIO)).distinct().count()
    by_video = sent.filter(Q(had_video=True) | Q(files__kind=FileKind.VIDEO)).distinct().count()

    received, outcomes = parts_of(counted["received"], {key: counted[key] for key in OUTCOMES}, known=["awarded"])
    awarded, not_awarded = outcomes["awarded"], outcomes["not_awarded"]
    # The rate is published only when both counts it rests on are, so it reveals nothing more.
    decided_figure = Figure(count=awarded.count + not_awarded.count, shown=awarded.shown and not_awarded.shown)
    success_rate = share(awarded, decided_figure)

    decided_at = list(
        sent.filter(
            status__in=[ApplicationStatus.AWARDED, ApplicationStatus.NOT_AWARDED], decided_at__isnull=False
        ).values_list("decided_at", flat=True)
    )
    days = [_days_to_decide(round_page, moment) for moment in decided_at if moment is not None]
    median_days = float(statistics.median(days)) if len(days) > SUPPRESSED_UP_TO else None

    # Not parts of one total (an application may give a recording and ask for a call), so
    # each is suppressed on its own; its share only when the count itself is shown.
    made_with = {"Audio recording": by_audio, "Video recording": by_video, "A phone call": counted["by_call"]}
    formats = [
        FormatLine(label=label, count=figure(count), share=share(figure(count), received))
        for label, count in made_with.items()
    ]

    reasons: list[ReasonLine] = []
    if not_awarded.shown:
        by_reason = dict(
            sent.filter(status=ApplicationStatus.NOT_AWARDED)
            .exclude(decision_reason="")
            .values_list("decision_reason")
            .annotate(n=Count("pk"))
            .values_list("decision_reason", "n")
        )
        labels = dict(DeclineReason.choices)
        _total, reason_figures = parts_of(not_awarded.count, by_reason)
        ordered = sorted(by_reason, key=lambda reason: (-by_reason[reason], str(labels.get(reason, reason))))
        reasons = [
            ReasonLine(label=str(labels.get(reason, reason)), count=reason_figures[reason]) for reason in ordered
        ]

    return RoundFigures(
        round=round_page,
        received=received,
        outcomes=[(OUTCOMES[key], outcomes[key]) for key in OUTCOMES],
        success_rate=success_rate,
        median_days=median_days,
        published_days=(round_page.decision_date - london_day(round_page.closes_at)).days,
        formats=formats,
        not_funded=not_awarded,
        reasons=reasons,
        total_awarded=int(counted["total_awarded"]),
    )


def fund_transparency(fund: FundPage, *, now: datetime) -> list[RoundFigures]:
    """The figures of each of the fund's closed rounds, the most recent first."""
    return [round_figures(round_page) for round_page in rounds_of_fund(fund, now=now).closed]


# --- 360Giving --------------------------------------------------------------------------

SCHEMA_VERSION = "1.4"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
# Column titles of the 360Giving spreadsheet, in the order of ``giving_row``.
CSV_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Grant Programme:URL",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "From An Open Call?",
    "Last Modified",
]
# Keyed by the values the database holds.
ORG_ID_PREFIX_OF = {register.value: org_prefix for register, org_prefix in ORG_ID_PREFIXES.items()}
CHARITY_REGISTERS = {
    RegisteredWith.CHARITY_ENGLAND_WALES.value,
    RegisteredWith.CHARITY_SCOTLAND.value,
    RegisteredWith.CHARITY_NORTHERN_IRELAND.value,
}


def _register_number(number: str) -> str:
    """A register number as org-id.guide writes it: no spaces or punctuation, capitals."""
    return re.sub(r"[^0-9A-Za-z]", "", number).upper()


def giving_prefix(organisation: OrganisationSettings) -> str:
    """The organisation's 360Giving prefix ("360G-…"), or "" while staff have not set it."""
    prefix = organisation.grants_prefix.strip().strip("-")
    if not prefix:
        return ""
    return prefix if prefix.upper().startswith("360G-") else f"360G-{prefix}"


def funder_id(organisation: OrganisationSettings, *, prefix: str) -> str:
    """The funder's org-id: its charity number, else its company number, else the 360Giving prefix."""
    if charity := _register_number(organisation.charity_number):
        return f"GB-CHC-{charity}"
    if company := _register_number(organisation.company_number):
        return f"GB-COH-{company}"
    return prefix


def recipient(application: Application, *, prefix: str) -> dict[str, str]:
    """The group as 360Giving names it: its register's org-id when it gave one, else an id made
    from our prefix and the application's reference (stable, and about no one)."""
    number = _register_number(application.registered_number) if application.is_registered else ""
    org_prefix = ORG_ID_PREFIX_OF.get(application.registered_with)
    organisation = {
        "id": f"{org_prefix}-{number}" if org_prefix and number else f"{prefix}-GROUP-{application.reference}",
        "name": application.group_name,
    }
    if org_prefix and number:
        key = "charityNumber" if application.registered_with in CHARITY_REGISTERS else "companyNumber"
        organisation[key] = number
    return organisation


def awarded_grants() -> QuerySet[Application]:
    """Grants made: awarded, decided and with an amount, oldest first."""
    return (
        Application.objects.filter(
            status=ApplicationStatus.AWARDED, amount_awarded__isnull=False, decided_at__isnull=False
        )
        .exclude(reference=None)
        .select_related("round")
        .order_by("decided_at", "pk")
    )


def _grant(
    application: Application,
    *,
    prefix: str,
    funder: dict[str, str],
    funds: dict[int, FundPage | None],
    request: HttpRequest | None,
) -> dict[str, Any]:
    round_page = application.round
    fund = funds.get(round_page.pk)
    programme = f"{fund.title}: {round_page.title}" if fund is not None else round_page.title
    grant: dict[str, Any] = {
        "id": f"{prefix}-{application.reference}",
        "title": f"{programme} – grant to {application.group_name}",
        "description": application.award_description.strip() or f"A grant from {programme}.",
        "currency": "GBP",
        "amountAwarded": application.amount_awarded,
        "awardDate": (application.award_date or london_day(application.decided_at)).isoformat(),  # type: ignore[arg-type]
        "recipientOrganization": [recipient(application, prefix=prefix)],
        "fundingOrganization": [funder],
        "grantProgramme": [{"code": f"{prefix}-ROUND-{round_page.pk}", "title": programme}],
        "fromOpenCall": "Yes",
        "dateModified": iso_moment(application.decided_at),  # type: ignore[arg-type]
    }
    url = round_page.get_full_url(request)
    if url:
        grant["grantProgramme"][0]["url"] = url
    dates = {}
    if application.planned_start:
        dates["startDate"] = application.planned_start.isoformat()
    if application.planned_end:
        dates["endDate"] = application.planned_end.isoformat()
    if dates:
        grant["plannedDates"] = [dates]
    return grant


def _funds_of(rounds: Iterable[RoundPage]) -> dict[int, FundPage | None]:
    found: dict[int, FundPage | None] = {}
    for round_page in rounds:
        if round_page.pk not in found:
            parent = round_page.get_parent()
            found[round_page.pk] = parent.specific if parent is not None else None  # type: ignore[assignment]
    return found


def giving_grants(*, request: HttpRequest | None = None) -> list[dict[str, Any]] | None:
    """Every grant made, as 360Giving grant objects; None while no prefix is set."""
    organisation = OrganisationSettings.load(request_or_site=request)
    prefix = giving_prefix(organisation)
    if not prefix:
        return None
    funder = {"id": funder_id(organisation, prefix=prefix), "name": organisation.name}
    applications = list(awarded_grants())
    funds = _funds_of(application.round for application in applications)
    return [
        _grant(application, prefix=prefix, funder=funder, funds=funds, request=request) for application in applications
    ]


def giving_package(*, now: datetime, request: HttpRequest | None = None) -> dict[str, Any] | None:
    """The 360Giving data package (schema 1.4) of every grant made.

    None while nothing can be published: no prefix set, or no grant made yet (the standard's
    package holds at least one grant).
    """
    grants = giving_grants(request=request)
    if not grants:
        return None
    organisation = OrganisationSettings.load(request_or_site=request)
    prefix = giving_prefix(organisation)
    publisher: dict[str, str] = {"name": organisation.name, "identifier": funder_id(organisation, prefix=prefix)}
    package: dict[str, Any] = {
        "grants": grants,
        "version": SCHEMA_VERSION,
        "title": f"Grants made by {organisation.name}",
        "description": (
            f"Every grant {organisation.name} has made through its funding programmes, to groups "
            "(never to individuals), in the 360Giving Data Standard."
        ),
        "identifier": f"{prefix}-grants",
        "modified": iso_moment(now),
        "publisher": publisher,
        "license": LICENCE,
    }
    if request is not None:
        publisher["website"] = request.build_absolute_uri("/")
        package["downloadURL"] = request.build_absolute_uri(reverse("grants:giving_json"))
    return package


def giving_row(grant: Mapping[str, Any]) -> list[object]:
    """One grant as a row of the 360Giving spreadsheet (``CSV_COLUMNS``)."""
    recipient_org = grant["recipientOrganization"][0]
    funder = grant["fundingOrganization"][0]
    programme = grant["grantProgramme"][0]
    dates = (grant.get("plannedDates") or [{}])[0]
    return [
        grant["id"],
        grant["title"],
        grant["description"],
        grant["currency"],
        grant["amountAwarded"],
        grant["awardDate"],
        recipient_org["id"],
        recipient_org["name"],
        recipient_org.get("charityNumber", ""),
        recipient_org.get("companyNumber", ""),
        funder["id"],
        funder["name"],
        programme["code"],
        programme["title"],
        programme.get("url", ""),
        dates.get("startDate", ""),
        dates.get("endDate", ""),
        grant["fromOpenCall"],
        grant["dateModified"],
    ]

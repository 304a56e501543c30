"""Demo tracker: a dozen consultations, inquiries, bills and reviews, in our own words.

Items are created only when their slug is missing, so loading twice changes nothing.
Open windows are placed relative to the day the demo is first loaded, so the tracker
has something closing soon; history uses fixed dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from chorus.news.models import ArticlePage
from chorus.pages.demo import ensure_home
from chorus.pages.models import PriorityAreaPage
from chorus.tracker.models import (
    ChangeKind,
    ItemChange,
    ItemKind,
    Response,
    ResponseStatus,
    Stage,
    StageName,
    SubmissionWindow,
    TrackedItem,
    TrackerPage,
)
from chorus.tracker.selectors import LONDON
from chorus.tracker.workflow import PUBLIC_LABELS

TRACKER_SLUG = "tracker"


@dataclass(frozen=True)
class DemoItem:
    slug: str
    title: str
    kind: str
    owner_body: str
    summary: str
    areas: list[str]
    stages: list[tuple[str, date]] = field(default_factory=list)
    # (label, opens: days from today or a date, closes: days from today or a date, late accepted)
    windows: list[tuple[str, int | date, int | date, bool]] = field(default_factory=list)
    response: str | None = None
    reason: str = ""
    article_slug: str = ""
    source_url: str = ""
    respond_url: str = ""


ITEMS = [
    DemoItem(
        slug="mental-health-act-reform",
        title="Reform of the Mental Health Act",
        kind=ItemKind.BILL,
        owner_body="Department of Health and Social Care",
        summary="A bill to update the law on detaining people in hospital for mental-health treatment. "
        "It narrows some powers but keeps force and community treatment orders, so we are pushing for more.",
        areas=["political-responses", "challenging-poor-care"],
        stages=[
            (StageName.INTRODUCED, date(2024, 11, 6)),
            (StageName.SECOND_READING, date(2024, 11, 26)),
            (StageName.COMMITTEE, date(2025, 1, 13)),
            (StageName.REPORT_STAGE, date(2025, 3, 10)),
            (StageName.THIRD_READING, date(2025, 3, 31)),
            (StageName.OTHER_HOUSE, date(2025, 4, 1)),
        ],
        windows=[("Written evidence to the bill committee", -20, 12, False)],
        response=ResponseStatus.DRAFTING,
        article_slug="briefing-mental-health-act-reform",
        source_url="https://bills.parliament.uk/",
        respond_url="https://committees.parliament.uk/",
    ),
    DemoItem(
        slug="national-health-plan-consultation",
        title="Consultation on a ten-year plan for the NHS",
        kind=ItemKind.CONSULTATION,
        owner_body="Department of Health and Social Care",
        summary="The government asked everyone what the health service should look like in ten years. "
        "We gathered members' views on force, choice and the money worries that make people unwell.",
        areas=["challenging-poor-care", "political-responses"],
        stages=[(StageName.OPENED, date(2024, 10, 21)), (StageName.CLOSED, date(2024, 12, 2))],
        windows=[("Public consultation", date(2024, 10, 21), date(2024, 12, 2), False)],
        response=ResponseStatus.PUBLISHED,
        article_slug="response-10-year-health-plan",
        source_url="https://www.gov.uk/",
    ),
    DemoItem(
        slug="human-rights-in-care-settings",
        title="Inquiry: human rights of people in care settings",
        kind=ItemKind.INQUIRY,
        owner_body="Joint Committee on Human Rights",
        summary="MPs and peers are looking at how rights to liberty, dignity and family life hold up in "
        "hospitals and care homes, including restraint, seclusion and visiting bans.",
        areas=["challenging-poor-care"],
        stages=[(StageName.LAUNCHED, date(2025, 3, 4)), (StageName.CALL_FOR_EVIDENCE, date(2025, 3, 4))],
        windows=[("Written evidence", date(2025, 3, 4), date(2025, 6, 20), True)],
        response=ResponseStatus.PUBLISHED,
        article_slug="evidence-human-rights-in-care-settings",
        source_url="https://committees.parliament.uk/",
    ),
    DemoItem(
        slug="welfare-reform-bill",
        title="Welfare reform bill: changes to disability benefits",
        kind=ItemKind.BILL,
        owner_body="Department for Work and Pensions",
        summary="A bill that would tighten who can get disability and sickness benefits. Many members rely "
        "on these payments, and the assessments already cause real harm.",
        areas=["political-responses"],
        stages=[(StageName.INTRODUCED, date(2025, 6, 18)), (StageName.SECOND_READING, date(2025, 7, 1))],
        windows=[("Written evidence to the public bill committee", -5, 9, False)],
        response=ResponseStatus.PLANNED,
        article_slug="pip-and-work-capability-changes",
    ),
    DemoItem(
        slug="benefit-fraud-bank-powers",
        title="Bill giving new powers to check claimants' bank accounts",
        kind=ItemKind.BILL,
        owner_body="Department for Work and Pensions",
        summary="Plans to let the benefits department ask banks for information about people who claim. "
        "We think this is surveillance of disabled people and people in poverty.",
        areas=["surveillance-and-data", "political-responses"],
        stages=[
            (StageName.INTRODUCED, date(2025, 1, 22)),
            (StageName.SECOND_READING, date(2025, 2, 4)),
            (StageName.COMMITTEE, date(2025, 2, 25)),
        ],
        response=ResponseStatus.SUBMITTED,
        article_slug="dwp-bank-account-powers",
    ),
    DemoItem(
        slug="health-data-sharing-proposals",
        title="Proposals to share health records across public services",
        kind=ItemKind.CONSULTATION,
        owner_body="Department of Health and Social Care",
        summary="A plan to let more bodies see and link health records. Mental-health records are among "
        "the most sensitive there are, and people fear they will be used against them.",
        areas=["surveillance-and-data"],
        stages=[(StageName.OPENED, date(2025, 9, 1))],
        windows=[("Consultation", -30, 4, False)],
        response=ResponseStatus.DRAFTING,
        article_slug="no-to-nhs-home-office-data-sharing",
    ),
    DemoItem(
        slug="police-data-sharing-code",
        title="Draft code on police access to health information",
        kind=ItemKind.CONSULTATION,
        owner_body="Home Office",
        summary="Guidance on when police may be given information held by health services. We want clear "
        "limits and a right to know when it happens.",
        areas=["surveillance-and-data"],
        windows=[("Consultation", -10, 19, True)],
        response=ResponseStatus.PLANNED,
    ),
    DemoItem(
        slug="major-conditions-strategy",
        title="National strategy for major health conditions",
        kind=ItemKind.STRATEGY,
        owner_body="Department of Health and Social Care",
        summary="A strategy grouping mental illness with other long-term conditions. It says little about "
        "coercion or about the social causes of distress.",
        areas=["political-responses"],
        stages=[(StageName.ANNOUNCED, date(2023, 1, 24)), (StageName.PUBLISHED, date(2023, 8, 21))],
        response=ResponseStatus.PUBLISHED,
        article_slug="analysis-major-conditions-strategy",
    ),
    DemoItem(
        slug="review-of-private-detention",
        title="Review of private hospitals that detain people",
        kind=ItemKind.REVIEW,
        owner_body="Care Quality Commission",
        summary="The regulator is looking at private mental-health hospitals, where people are often placed "
        "far from home and for a long time.",
        areas=["challenging-poor-care"],
        stages=[(StageName.ANNOUNCED, date(2025, 5, 12)), (StageName.CALL_FOR_EVIDENCE, date(2025, 6, 2))],
        windows=[("Call for evidence", 5, 60, False)],
        response=ResponseStatus.PLANNED,
        article_slug="private-detention-risks",
    ),
    DemoItem(
        slug="grassroots-funding-inquiry",
        title="Inquiry into funding for small community groups",
        kind=ItemKind.INQUIRY,
        owner_body="Public Accounts Committee",
        summary="A look at how money reaches small groups run by the people they serve. Short grants and "
        "heavy paperwork keep many user-led groups from applying.",
        areas=["resourcing-grassroots-groups"],
        stages=[(StageName.LAUNCHED, date(2025, 2, 3))],
        windows=[("Written evidence", date(2025, 2, 3), date(2025, 3, 14), False)],
        response=ResponseStatus.NOT_RESPONDING,
        reason="Partner organisations that fund groups directly are answering; "
        "we shared our members' points with them.",
    ),
    DemoItem(
        slug="crisis-care-guidance",
        title="New guidance on responding to people in crisis",
        kind=ItemKind.OTHER,
        owner_body="NHS England",
        summary="Guidance on who answers when someone is in a mental-health crisis, as police step back from "
        "many calls. We want peers and trained staff to arrive quickly.",
        areas=["challenging-poor-care"],
        windows=[("Feedback on the draft", -3, 30, False)],
        article_slug="statement-police-and-mental-health-calls",
    ),
    DemoItem(
        slug="patient-images-review",
        title="Review of filming and photographing patients on wards",
        kind=ItemKind.REVIEW,
        owner_body="Care Quality Commission",
        summary="A review of cameras and images in inpatient wards, including constant video monitoring in "
        "bedrooms. Members want it ended.",
        areas=["surveillance-and-data", "challenging-poor-care"],
        stages=[(StageName.ANNOUNCED, date(2025, 8, 4))],
        windows=[("Call for evidence", -14, 16, False)],
        response=ResponseStatus.DRAFTING,
        article_slug="patient-photos-on-social-media",
    ),
]


def _moment(value: int | date, *, today: date, at: time) -> datetime:
    day = today + timedelta(days=value) if isinstance(value, int) else value
    return datetime.combine(day, at, tzinfo=LONDON)


def ensure_tracker_page() -> TrackerPage:
    home = ensure_home()
    existing = TrackerPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    page = TrackerPage(
        title="Policy tracker",
        slug=TRACKER_SLUG,
        intro="The consultations, inquiries and bills we follow, when you can have your say, and what we did.",
        show_in_menus=True,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def load() -> str:
    ensure_tracker_page()
    today = timezone.localdate()
    areas = {area.slug: area for area in PriorityAreaPage.objects.all()}
    existing = set(TrackedItem.objects.values_list("slug", flat=True))
    created = 0
    for demo in ITEMS:
        if demo.slug in existing:
            continue
        item = TrackedItem(
            slug=demo.slug,
            title=demo.title,
            kind=demo.kind,
            owner_body=demo.owner_body,
            summary=demo.summary,
            source_url=demo.source_url,
            respond_url=demo.respond_url
            or demo.source_url
            or "https://www.gov.uk/search/policy-papers-and-consultations",
        )
        item.priority_areas = [areas[slug] for slug in demo.areas if slug in areas]
        article = ArticlePage.objects.filter(slug=demo.article_slug).first() if demo.article_slug else None
        if article is not None:
            item.articles = [article]
        item.save()
        ItemChange.objects.create(
            item=item, kind=ChangeKind.ITEM_ADDED, description=f"We started tracking {item.title}."
        )
        for order, (name, day) in enumerate(demo.stages):
            Stage.objects.create(item=item, name=name, date=day, sort_order=order)
        for order, (label, opens, closes, late) in enumerate(demo.windows):
            SubmissionWindow.objects.create(
                item=item,
                label=label,
                opens_at=_moment(opens, today=today, at=time(9, 0)),
                closes_at=_moment(closes, today=today, at=time(23, 59)),
                late_submissions_accepted=late,
                sort_order=order,
            )
        if demo.response is not None:
            Response.objects.create(
                item=item,
                status=demo.response,
                not_responding_reason=demo.reason,
                internal_deadline=today + timedelta(days=3) if demo.response == ResponseStatus.DRAFTING else None,
                article=article if demo.response == ResponseStatus.PUBLISHED else None,
            )
            ItemChange.objects.create(
                item=item, kind=ChangeKind.RESPONSE_CHANGED, description=PUBLIC_LABELS[demo.response]
            )
        created += 1
    return f"{created} tracked items created, {len(ITEMS) - created} already there"

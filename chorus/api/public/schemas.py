"""What the public API's responses and filters look like (pydantic, through django-ninja).

These classes are the contract: the OpenAPI document at /api/v1/openapi.json, the
reference page at /api/v1/docs and the contract tests are all made from them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator

from chorus.api.moments import NotAMoment, utc_moment
from chorus.campaigns.models import OrganisationType
from chorus.news.models import ArticleKind
from chorus.tracker.models import ItemKind, ResponseStatus, StageName

# Each page of a list holds at most this many results; more is refused with a 400, so a
# client learns the limit at once rather than silently getting fewer than it asked for.
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Past this a page number is refused: no list is that long, and a huge offset is work for nothing.
MAX_PAGE = 10_000
FIRST_YEAR, LAST_YEAR = 1901, 2199
# Slugs never hold control characters; the site refuses a NUL in any address with a 400.
SLUG_PATTERN = r"^[^\x00-\x1f\x7f]*$"
SLUG_MAX_LENGTH = 100


# --- filters -----------------------------------------------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page of results, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"How many results a page holds, at most {MAX_PAGE_SIZE}; a larger number is refused with 400.",
    )
    modified_since: datetime | None = Field(
        None,
        description="Only what was published or changed after this moment (ISO 8601; without a time zone, UTC).",
    )

    @field_validator("modified_since", mode="before")
    @classmethod
    def iso_8601_only(cls, value: object) -> object:
        """ISO 8601 text only: pydantic alone would also read "0.5" as seconds since 1970."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("Give a date and time in ISO 8601 form, for example 2026-12-01T09:00:00Z.")
        try:
            return utc_moment(value)
        except NotAMoment:
            raise ValueError("Give a date and time in ISO 8601 form, for example 2026-12-01T09:00:00Z.") from None


class ArticleQuery(PageQuery):
    kind: ArticleKind | None = Field(None, description="Only articles of this kind.")
    area: str | None = Field(
        None,
        max_length=SLUG_MAX_LENGTH,
        pattern=SLUG_PATTERN,
        description="Only articles under this priority area (its slug).",
    )
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Only articles dated in this year.")


class TrackerQuery(PageQuery):
    kind: ItemKind | None = Field(None, description="Only items of this kind.")
    area: str | None = Field(
        None,
        max_length=SLUG_MAX_LENGTH,
        pattern=SLUG_PATTERN,
        description="Only items under this priority area (its slug).",
    )
    status: Literal["open", "closing-soon", "upcoming", "closed"] | None = Field(
        None,
        description="Submissions: open now; closing soon (open, closing within 21 days, UK time); "
        "opening later; or closed.",
    )
    response: ResponseStatus | Literal["none"] | None = Field(
        None, description='Our response\'s status, or "none" for items we have not decided on.'
    )


class ActionQuery(PageQuery):
    kind: Literal["open-letter", "petition"] | None = Field(None, description="Only open letters, or only petitions.")
    area: str | None = Field(
        None,
        max_length=SLUG_MAX_LENGTH,
        pattern=SLUG_PATTERN,
        description="Only actions under this priority area (its slug).",
    )
    state: Literal["open", "closed", "delivered"] | None = Field(
        None, description="Open for signatures; closed (also past its closing date); or delivered."
    )


class BulletinQuery(PageQuery):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Only issues sent in this year.")


class ListQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page of results, from 1.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="How many results a page holds.")


# --- pieces ------------------------------------------------------------------------------------


class AreaRef(Schema):
    id: UUID
    slug: str
    title: str


class CoalitionRef(Schema):
    id: str = Field(description="The coalition's slug.")
    name: str


class ArticleRef(Schema):
    id: UUID
    title: str
    url: str


class ActionRef(Schema):
    id: UUID
    title: str
    url: str


class PageLinks(Schema):
    """The envelope of every list."""

    count: int = Field(description="How many results there are in all, on every page.")
    page: int
    page_size: int
    total_pages: int
    next: str | None = Field(description="The address of the next page, or null on the last.")
    previous: str | None = Field(description="The address of the previous page, or null on the first.")


# --- resources ---------------------------------------------------------------------------------


class Article(Schema):
    id: UUID = Field(description="A public id that never changes.")
    title: str
    kind: ArticleKind
    kind_label: str
    date: date
    summary: str
    priority_areas: list[AreaRef]
    coalitions: list[CoalitionRef]
    url: str
    easy_read_url: str | None
    modified_at: datetime | None = Field(description="When it was last published.")


class ArticleList(PageLinks):
    results: list[Article]


class PriorityArea(Schema):
    id: UUID
    slug: str
    title: str
    summary: str
    url: str
    modified_at: datetime | None


class PriorityAreaList(PageLinks):
    results: list[PriorityArea]


class Coalition(Schema):
    id: str = Field(description="The coalition's slug.")
    name: str
    description: str
    our_role: str
    website: str | None


class CoalitionList(PageLinks):
    results: list[Coalition]


class Stage(Schema):
    name: StageName
    label: str
    date: date
    note: str


class SubmissionWindow(Schema):
    label: str
    opens_at: datetime | None
    closes_at: datetime
    late_submissions_accepted: bool
    state: Literal["open", "upcoming", "closed"]


class OurResponse(Schema):
    status: ResponseStatus
    label: str
    reason: str | None = Field(description="Why we are not responding, when that is our answer.")
    article: ArticleRef | None = Field(description="The published response or evidence, once it is published.")


class TrackerItem(Schema):
    id: str = Field(description="The item's slug, its address on the tracker page.")
    title: str
    kind: ItemKind
    kind_label: str
    owner_body: str
    summary: str
    source_url: str | None
    respond_url: str | None
    url: str | None = Field(description="The item's page on this site.")
    priority_areas: list[AreaRef]
    stages: list[Stage]
    submission_windows: list[SubmissionWindow]
    response: OurResponse | None
    modified_at: datetime


class TrackerItemList(PageLinks):
    results: list[TrackerItem]


class PublicCount(Schema):
    total: int
    individuals: int
    organisations: int
    refreshed_at: datetime | None = Field(
        description="When the count was last refreshed (every few seconds while people sign); null if never."
    )


class CampaignAction(Schema):
    id: UUID
    slug: str
    title: str
    kind: Literal["open-letter", "petition"]
    summary: str
    target: str = Field(description="Who it is to: a petition's target, a letter's addressee.")
    ask: str | None = Field(description="What a petition asks for.")
    state: Literal["open", "closed", "delivered"]
    state_label: str
    goal: int | None
    closing_date: date | None
    priority_areas: list[AreaRef]
    url: str
    easy_read_url: str | None
    signatories_url: str | None
    count: PublicCount
    modified_at: datetime | None


class CampaignActionList(PageLinks):
    results: list[CampaignAction]


class Signatory(Schema):
    name: str
    kind: Literal["organisation", "individual"]
    organisation_type: str | None = Field(
        description=f"For an organisation: {', '.join(str(label) for label in OrganisationType.labels)}."
    )
    role: str | None = Field(description="A person's role or group, if they gave one.")


class SignatoryList(PageLinks):
    action: ActionRef
    results: list[Signatory]


class BulletinIssue(Schema):
    id: UUID
    title: str
    intro: str
    sent_at: datetime | None
    sent_on: date | None
    url: str
    modified_at: datetime | None


class BulletinIssueList(PageLinks):
    results: list[BulletinIssue]


class Problem(Schema):
    parameter: str | None = Field(description="The query parameter at fault, if one is.")
    message: str


class ErrorBody(Schema):
    status: int
    message: str
    problems: list[Problem] = []


class Error(Schema):
    """Every error, 400 or 404, in this shape."""

    error: ErrorBody

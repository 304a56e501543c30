"""The public read API at /api/v1/: open data, no token, no cookies, GET only.

Views stay thin: each parses its filters (ninja and the schemas refuse bad ones with a 400),
asks chorus.api.public.reads, which calls the selectors the public pages use, and hands
back one page of results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError, ValidationError

from chorus.api.public import reads
from chorus.api.public import schemas as s
from chorus.api.public.docs import ReferencePage
from chorus.api.public.http import public_headers, with_public_headers
from chorus.core.http import mark_publicly_cacheable

DESCRIPTION = """\
Open data from Chorus: what the public site shows, for programs to read.

No token, no cookies. Every response carries `ETag`, `Last-Modified` and `Cache-Control`,
answers a conditional GET with 304, and may be read from any web page (CORS). Lists come
a page at a time, with the total and links to the next and previous pages; a page holds
at most 100 results, and a larger `page_size` is refused with a 400. Every error is JSON
in one shape: `{"error": {"status", "message", "problems": [{"parameter", "message"}]}}`.

Only what is published is here: no drafts, no private pages, and of the people who signed
an open letter or petition only the names they chose to show.
"""


class PublicApi(NinjaAPI):
    """A NinjaAPI whose every response, errors included, carries the public headers."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        return with_public_headers(response)


api = PublicApi(
    title="Chorus open data",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:api_v1",
    docs=ReferencePage(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=public_headers,
)


def _error(request: HttpRequest, status: int, message: str, problems: list[dict[str, Any]] | None = None) -> Any:
    body = {"error": {"status": status, "message": message, "problems": problems or []}}
    return api.create_response(request, body, status=status)


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    location = [str(part) for part in error.get("loc", ())]
    # ("query", "page_size") or ("query", "filters", "page_size"): the parameter is last.
    parameter = location[-1] if len(location) > 1 else None
    return {"parameter": parameter, "message": str(error.get("msg", "This value is not accepted."))}


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [_problem(error) for error in exc.errors]
    return _error(request, 400, "Some of the query's parameters are not accepted.", problems)  # type: ignore[no-any-return]


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.")  # type: ignore[no-any-return]


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))  # type: ignore[no-any-return]


LIST_ERRORS = {400: s.Error}
ONE_ERRORS = {400: s.Error, 404: s.Error}


def _aware(moment: datetime | None) -> datetime | None:
    """A time without a zone is read as UTC."""
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=UTC)
    return moment


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_of(
    request: HttpRequest,
    items: Any,
    query: s.PageQuery | s.ListQuery,
    to_data: Callable[[list[Any]], Iterable[dict[str, Any]]],
) -> dict[str, Any]:
    """One page of a list, with its total and links; a page past the end is empty, not an error."""
    count = items.count()
    total_pages = math.ceil(count / query.page_size)
    start = (query.page - 1) * query.page_size
    rows: list[Any] = list(items[start : start + query.page_size]) if start < count else []
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "total_pages": total_pages,
        "next": _link(request, query.page + 1) if query.page < total_pages else None,
        "previous": _link(request, min(query.page - 1, max(total_pages, 1))) if query.page > 1 else None,
        "results": list(to_data(rows)),
    }


def _campaign_max_age(response: HttpResponse) -> None:
    # Counts move while people sign: the same short time the action pages are cached for.
    mark_publicly_cacheable(response, max_age=settings.CHORUS_CAMPAIGNS_CACHE_SECONDS)


# --- articles ----------------------------------------------------------------------------------


@api.get("/articles", response={200: s.ArticleList, **LIST_ERRORS}, tags=["Articles"], summary="List articles")
def list_articles(request: HttpRequest, filters: Query[s.ArticleQuery]) -> dict[str, Any]:
    """Published news, briefings, responses and the rest, newest first (the news page's list)."""
    found = reads.articles(
        kind=filters.kind.value if filters.kind else "",
        area=filters.area or "",
        year=filters.year,
        modified_since=_aware(filters.modified_since),
    )
    area_ids = reads.public_area_ids()
    return page_of(request, found, filters, lambda rows: (reads.article_data(a, area_ids=area_ids) for a in rows))


@api.get("/articles/{id}", response={200: s.Article, **ONE_ERRORS}, tags=["Articles"], summary="One article")
def get_article(request: HttpRequest, id: UUID) -> dict[str, Any]:
    found = reads.article(public_id=id)
    if found is None:
        raise Http404("There is no published article with this id.")
    return reads.article_data(found)


# --- priority areas and coalitions -------------------------------------------------------------


@api.get(
    "/priority-areas", response={200: s.PriorityAreaList, **LIST_ERRORS}, tags=["Priorities"], summary="List areas"
)
def list_priority_areas(request: HttpRequest, filters: Query[s.PageQuery]) -> dict[str, Any]:
    """The network's priority areas, in the order the site lists them."""
    found = reads.priority_areas(modified_since=_aware(filters.modified_since))
    return page_of(request, found, filters, lambda rows: (reads.priority_area_data(area) for area in rows))


@api.get("/priority-areas/{id}", response={200: s.PriorityArea, **ONE_ERRORS}, tags=["Priorities"], summary="One area")
def get_priority_area(request: HttpRequest, id: UUID) -> dict[str, Any]:
    found = reads.priority_area(public_id=id)
    if found is None:
        raise Http404("There is no published priority area with this id.")
    return reads.priority_area_data(found)


@api.get("/coalitions", response={200: s.CoalitionList, **LIST_ERRORS}, tags=["Priorities"], summary="Coalitions")
def list_coalitions(request: HttpRequest, filters: Query[s.ListQuery]) -> dict[str, Any]:
    """The coalitions the network belongs to, as the coalitions page lists them."""
    return page_of(request, reads.coalitions(), filters, lambda rows: (reads.coalition_data(c) for c in rows))


@api.get("/coalitions/{slug}", response={200: s.Coalition, **ONE_ERRORS}, tags=["Priorities"], summary="One coalition")
def get_coalition(
    request: HttpRequest, slug: str = Path(..., max_length=s.SLUG_MAX_LENGTH, pattern=s.SLUG_PATTERN)
) -> dict[str, Any]:
    found = reads.coalition(slug=slug)
    if found is None:
        raise Http404("There is no coalition with this id.")
    return reads.coalition_data(found)


# --- tracker -----------------------------------------------------------------------------------


@api.get("/tracker-items", response={200: s.TrackerItemList, **LIST_ERRORS}, tags=["Tracker"], summary="List items")
def list_tracker_items(request: HttpRequest, filters: Query[s.TrackerQuery]) -> dict[str, Any]:
    """Consultations, inquiries, bills, reviews and strategies we follow, by title (the tracker's list)."""
    now = timezone.now()
    found = reads.tracked_items(
        kind=filters.kind.value if filters.kind else "",
        area=filters.area or "",
        status=filters.status or "",
        response=str(getattr(filters.response, "value", filters.response) or ""),
        modified_since=_aware(filters.modified_since),
        now=now,
    )
    area_ids, site_page = reads.public_area_ids(), reads.tracker_site_page()

    def to_data(rows: list[Any]) -> Iterable[dict[str, Any]]:
        return (reads.tracked_item_data(i, now=now, area_ids=area_ids, site_page=site_page) for i in rows)

    return page_of(request, found, filters, to_data)


@api.get("/tracker-items/{id}", response={200: s.TrackerItem, **ONE_ERRORS}, tags=["Tracker"], summary="One item")
def get_tracker_item(
    request: HttpRequest, id: str = Path(..., max_length=s.SLUG_MAX_LENGTH, pattern=s.SLUG_PATTERN)
) -> dict[str, Any]:
    now = timezone.now()
    found = reads.tracked_item(slug=id, now=now)
    if found is None:
        raise Http404("There is no published tracker item with this id.")
    return reads.tracked_item_data(found, now=now)


# --- campaign actions --------------------------------------------------------------------------


@api.get(
    "/campaign-actions",
    response={200: s.CampaignActionList, **LIST_ERRORS},
    tags=["Campaigns"],
    summary="List open letters and petitions",
)
def list_actions(request: HttpRequest, response: HttpResponse, filters: Query[s.ActionQuery]) -> dict[str, Any]:
    """Open letters and petitions that have opened, newest first, each with its public count."""
    _campaign_max_age(response)
    found = reads.actions(
        kind=filters.kind or "",
        area=filters.area or "",
        state=filters.state or "",
        modified_since=_aware(filters.modified_since),
    )
    area_ids = reads.public_area_ids()
    return page_of(request, found, filters, lambda rows: reads.actions_data(rows, area_ids=area_ids))


@api.get(
    "/campaign-actions/{id}", response={200: s.CampaignAction, **ONE_ERRORS}, tags=["Campaigns"], summary="One action"
)
def get_action(request: HttpRequest, response: HttpResponse, id: UUID) -> dict[str, Any]:
    _campaign_max_age(response)
    found = reads.action(public_id=id)
    if found is None:
        raise Http404("There is no published campaign action with this id.")
    return reads.actions_data([found])[0]


@api.get(
    "/campaign-actions/{id}/signatories",
    response={200: s.SignatoryList, **ONE_ERRORS},
    tags=["Campaigns"],
    summary="Who has signed, as the page lists them",
)
def list_signatories(
    request: HttpRequest, response: HttpResponse, id: UUID, filters: Query[s.ListQuery]
) -> dict[str, Any]:
    """Approved organisations first, then the people who chose to show their name, while they
    still agree to it. Most people sign without being listed; the count is on the action."""
    _campaign_max_age(response)
    found = reads.action(public_id=id)
    if found is None:
        raise Http404("There is no published campaign action with this id.")
    listing = page_of(request, reads.signatories(action=found), filters, lambda rows: map(reads.signatory_data, rows))
    return {"action": {"id": found.translation_key, "title": found.title, "url": found.full_url or ""}, **listing}


# --- bulletin ----------------------------------------------------------------------------------


@api.get("/bulletin-issues", response={200: s.BulletinIssueList, **LIST_ERRORS}, tags=["Bulletin"], summary="Archive")
def list_bulletin_issues(request: HttpRequest, filters: Query[s.BulletinQuery]) -> dict[str, Any]:
    """The members' bulletin as sent, newest first: the public archive."""
    found = reads.bulletin_issues(year=filters.year, modified_since=_aware(filters.modified_since))
    return page_of(request, found, filters, lambda rows: map(reads.bulletin_issue_data, rows))


@api.get(
    "/bulletin-issues/{id}", response={200: s.BulletinIssue, **ONE_ERRORS}, tags=["Bulletin"], summary="One issue"
)
def get_bulletin_issue(request: HttpRequest, id: UUID) -> dict[str, Any]:
    found = reads.bulletin_issue(public_id=id)
    if found is None:
        raise Http404("There is no sent bulletin issue with this id.")
    return reads.bulletin_issue_data(found)

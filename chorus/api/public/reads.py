"""Reads for the public API: what the public pages show, as plain data.

Every list starts from the selector the public page already uses (news, tracker,
campaigns, bulletin), so the API can never show more than the site does: only live,
public pages, live tracked items, and signatories exactly as the signatories page lists
them. Ids are public by construction: a page's Wagtail ``translation_key`` (a random
UUID that survives revisions and moves, never the database id), and for tracked items
and coalitions the slug that is already their address on the site.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from chorus.bulletin.selectors import sent_issues
from chorus.campaigns.models import ActionPage, OpenLetterPage, PetitionPage, Signature, SignatureKind
from chorus.campaigns.selectors import action_cards, listed_signatures
from chorus.campaigns.workflow import ActionState
from chorus.news.models import ArticlePage
from chorus.news.selectors import ArticleFilters, article_list
from chorus.pages.models import Coalition, PriorityAreaPage
from chorus.tracker.models import TrackedItem
from chorus.tracker.selectors import (
    TrackerFilters,
    closing_soon_cutoff,
    item_path,
    tracked_item_list,
    tracker_page,
)
from chorus.tracker.workflow import PUBLIC_LABELS

ACTION_KINDS = {"open-letter": OpenLetterPage, "petition": PetitionPage}


def _query(**values: object) -> QueryDict:
    """The filters as the site's own pages receive them, so the same parsing applies."""
    query = QueryDict(mutable=True)
    query.update({key: str(value) for key, value in values.items() if value not in (None, "")})
    return query


def _absolute(url: str | None) -> str:
    return url or ""


def _area_refs(areas: Any) -> list[dict[str, Any]]:
    return [{"id": area.translation_key, "slug": area.slug, "title": area.title} for area in areas]


def _coalition_refs(coalitions: Any) -> list[dict[str, Any]]:
    return [{"id": coalition.slug, "name": coalition.name} for coalition in coalitions]


def _live_areas() -> QuerySet[PriorityAreaPage]:
    """Priority areas as the listing pages offer them: live and public, in the tree's order."""
    areas: QuerySet[PriorityAreaPage] = PriorityAreaPage.objects.live().public().order_by("path")
    return areas


# What an area's reference needs, and no more (not its body or focus points).
_AREA_REFS = Prefetch(
    "priority_areas", queryset=PriorityAreaPage.objects.only("pk", "slug", "title", "translation_key")
)


def public_area_ids() -> set[int]:
    return set(_live_areas().values_list("pk", flat=True))


def _public_area(slug: str) -> str:
    """The slug, if it names a published area; otherwise one no area has, so the filter
    finds nothing and says nothing of an area that is not published."""
    if slug and not _live_areas().filter(slug=slug).exists():
        return "-"
    return slug


# --- articles ----------------------------------------------------------------------------------


def articles(
    *, kind: str = "", area: str = "", year: int | None = None, modified_since: datetime | None = None
) -> QuerySet[ArticlePage]:
    """Published articles, newest first, filtered as the news listing filters them."""
    found = article_list(filters=ArticleFilters.from_query(_query(kind=kind, area=_public_area(area), year=year)))
    if modified_since is not None:
        found = found.filter(last_published_at__gt=modified_since)
    # The body is never shown here, and the tags need only their names: reading less is quicker.
    return found.defer("body").prefetch_related(_AREA_REFS, "coalitions")


def article(*, public_id: UUID) -> ArticlePage | None:
    found: ArticlePage | None = (
        article_list(filters=ArticleFilters())
        .filter(translation_key=public_id)
        .prefetch_related("priority_areas", "coalitions")
        .first()
    )
    return found


def article_data(article: ArticlePage, *, area_ids: set[int] | None = None) -> dict[str, Any]:
    area_ids = public_area_ids() if area_ids is None else area_ids
    url = _absolute(article.full_url)
    return {
        "id": article.translation_key,
        "title": article.title,
        "kind": article.kind,
        "kind_label": article.get_kind_display(),
        "date": article.date,
        "summary": article.summary,
        # Tags to an area that is not published (a draft or a private page) are left out.
        "priority_areas": _area_refs(area for area in article.priority_areas.all() if area.pk in area_ids),
        "coalitions": _coalition_refs(article.coalitions.all()),
        "url": url,
        "easy_read_url": f"{url}easy-read/" if article.has_easy_read and url else None,
        "modified_at": article.last_published_at,
    }


# --- priority areas and coalitions -------------------------------------------------------------


def priority_areas(*, modified_since: datetime | None = None) -> QuerySet[PriorityAreaPage]:
    areas = _live_areas()
    if modified_since is not None:
        areas = areas.filter(last_published_at__gt=modified_since)
    return areas


def priority_area(*, public_id: UUID) -> PriorityAreaPage | None:
    found: PriorityAreaPage | None = _live_areas().filter(translation_key=public_id).first()
    return found


def priority_area_data(area: PriorityAreaPage) -> dict[str, Any]:
    return {
        "id": area.translation_key,
        "slug": area.slug,
        "title": area.title,
        "summary": area.summary,
        "url": _absolute(area.full_url),
        "modified_at": area.last_published_at,
    }


def coalitions() -> QuerySet[Coalition]:
    """As the coalitions page lists them (every coalition is public: they are a snippet)."""
    return Coalition.objects.all()


def coalition(*, slug: str) -> Coalition | None:
    return Coalition.objects.filter(slug=slug).first()


def coalition_data(coalition: Coalition) -> dict[str, Any]:
    return {
        "id": coalition.slug,
        "name": coalition.name,
        "description": coalition.description,
        "our_role": coalition.our_role,
        "website": coalition.url or None,
    }


# --- tracker -----------------------------------------------------------------------------------


def tracked_items(
    *,
    kind: str = "",
    area: str = "",
    status: str = "",
    response: str = "",
    modified_since: datetime | None = None,
    now: datetime,
) -> QuerySet[TrackedItem]:
    """Live tracked items, as the tracker page filters them; "closing-soon" is the page's own
    closing-soon list (open now, closing within 21 UK days)."""
    site_status = "open" if status == "closing-soon" else status
    filters = TrackerFilters.from_query(
        _query(kind=kind, area=_public_area(area), status=site_status, response=response)
    )
    items = tracked_item_list(filters=filters, now=now)
    if status == "closing-soon":
        items = items.filter(windows__closes_at__gt=now, windows__closes_at__lt=closing_soon_cutoff(now)).distinct()
    if modified_since is not None:
        items = items.filter(updated_at__gt=modified_since)
    return items.select_related("response__article").prefetch_related("stages")


def tracked_item(*, slug: str, now: datetime) -> TrackedItem | None:
    return tracked_items(now=now).filter(slug=slug).first()


def _window_state(opens_at: datetime | None, closes_at: datetime, now: datetime) -> str:
    if closes_at <= now:
        return "closed"
    if opens_at is not None and opens_at > now:
        return "upcoming"
    return "open"


def _public_article(page: Any) -> dict[str, Any] | None:
    if page is None or not page.live:
        return None
    specific = ArticlePage.objects.live().public().filter(pk=page.pk).first()
    if specific is None:
        return None
    return {"id": specific.translation_key, "title": specific.title, "url": _absolute(specific.full_url)}


def tracked_item_data(
    item: TrackedItem, *, now: datetime, area_ids: set[int] | None = None, site_page: Any = None
) -> dict[str, Any]:
    area_ids = public_area_ids() if area_ids is None else area_ids
    response = getattr(item, "response", None)
    response_data = None
    if response is not None:
        response_data = {
            "status": response.status,
            "label": PUBLIC_LABELS.get(response.status, ""),
            # The page says why we are not responding; internal notes never leave.
            "reason": response.not_responding_reason or None if response.status == "not-responding" else None,
            "article": _public_article(response.article),
        }
    site_page = tracker_page() if site_page is None else site_page
    return {
        "id": item.slug,
        "title": item.title,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "owner_body": item.owner_body,
        "summary": item.summary,
        "source_url": item.source_url or None,
        "respond_url": item.respond_url or None,
        "url": _item_url(item, site_page),
        "priority_areas": _area_refs(area for area in item.priority_areas.all() if area.pk in area_ids),
        "stages": [
            {"name": stage.name, "label": stage.get_name_display(), "date": stage.date, "note": stage.note}
            for stage in sorted(item.stages.all(), key=lambda stage: (stage.date, stage.sort_order or 0, stage.pk))
        ],
        "submission_windows": [
            {
                "label": window.label,
                "opens_at": window.opens_at,
                "closes_at": window.closes_at,
                "late_submissions_accepted": window.late_submissions_accepted,
                "state": _window_state(window.opens_at, window.closes_at, now),
            }
            for window in sorted(item.windows.all(), key=lambda window: window.closes_at)
        ],
        "response": response_data,
        "modified_at": item.updated_at,
    }


def tracker_site_page() -> Any:
    return tracker_page()


def _item_url(item: TrackedItem, site_page: Any) -> str | None:
    """The item's address on the tracker page, in full, like every other address here."""
    if site_page is None:
        return None
    path = item_path(item, page=site_page)
    parts = site_page.get_url_parts()
    if not path or parts is None:
        return None
    return f"{parts[1]}{path}" if path.startswith("/") else path


# --- campaign actions --------------------------------------------------------------------------


def actions(
    *, kind: str = "", area: str = "", state: str = "", modified_since: datetime | None = None
) -> QuerySet[ActionPage]:
    """Live, public actions that have been opened (a draft-state action is listed nowhere),
    newest first, as the campaigns page orders them."""
    model = ACTION_KINDS.get(kind, ActionPage)
    found = model.objects.live().public().exclude(state=ActionState.DRAFT)
    if area:
        found = found.filter(priority_areas__slug=_public_area(area))
    today = timezone.localdate()
    past_closing = Q(closing_date__lt=today)
    if state == ActionState.OPEN:
        found = found.filter(state=ActionState.OPEN).exclude(past_closing)
    elif state == ActionState.CLOSED:
        # As signers see it: an open action past its closing date has closed.
        found = found.filter(Q(state=ActionState.CLOSED) | (Q(state=ActionState.OPEN) & past_closing))
    elif state == ActionState.DELIVERED:
        found = found.filter(state=ActionState.DELIVERED)
    if modified_since is not None:
        found = found.filter(
            Q(last_published_at__gt=modified_since)
            | Q(opened_at__gt=modified_since)
            | Q(closed_at__gt=modified_since)
            | Q(delivered_at__gt=modified_since)
        )
    actions_found: QuerySet[ActionPage] = (
        found.distinct().specific().prefetch_related("priority_areas").order_by("-first_published_at", "-pk")
    )
    return actions_found


def action(*, public_id: UUID) -> ActionPage | None:
    found: ActionPage | None = actions().filter(translation_key=public_id).first()
    return found


def _modified(action: ActionPage) -> datetime | None:
    times = [t for t in (action.last_published_at, action.opened_at, action.closed_at, action.delivered_at) if t]
    return max(times) if times else None


def actions_data(pages: list[ActionPage], *, area_ids: set[int] | None = None) -> list[dict[str, Any]]:
    """The actions with their public counts, read in one query as the campaigns page reads them."""
    area_ids = public_area_ids() if area_ids is None else area_ids
    rows = []
    for card in action_cards(pages):
        page = card.action
        url = _absolute(page.full_url)
        is_petition = isinstance(page, PetitionPage)
        rows.append(
            {
                "id": page.translation_key,
                "slug": page.slug,
                "title": page.title,
                "kind": "petition" if is_petition else "open-letter",
                "summary": page.summary,
                "target": page.target if is_petition else getattr(page, "addressee", ""),
                "ask": page.ask if is_petition else None,
                "state": page.effective_state,
                "state_label": page.state_label,
                "goal": card.goal or None,
                "closing_date": page.closing_date,
                "priority_areas": _area_refs(area for area in page.priority_areas.all() if area.pk in area_ids),
                "url": url,
                "easy_read_url": f"{url}easy-read/" if page.easy_read_summary and url else None,
                "signatories_url": f"{url}signatories/" if url else None,
                "count": {
                    "total": card.count.total,
                    "individuals": card.count.individuals,
                    "organisations": card.count.organisations,
                    "refreshed_at": card.count.refreshed_at,
                },
                "modified_at": _modified(page),
            }
        )
    return rows


def signatories(*, action: ActionPage) -> QuerySet[Signature]:
    """Exactly the signatories page's list: approved organisations first, then people who chose
    to be named, while their consent to be named stands."""
    return listed_signatures(action_id=action.pk)


def signatory_data(signature: Signature) -> dict[str, Any]:
    is_organisation = signature.kind == SignatureKind.ORGANISATION
    return {
        "name": signature.public_name,
        "kind": signature.kind,
        "organisation_type": signature.get_organisation_type_display() if is_organisation else None,
        "role": (signature.role or None) if not is_organisation else None,
    }


# --- bulletin ----------------------------------------------------------------------------------


def bulletin_issues(*, year: int | None = None, modified_since: datetime | None = None) -> Any:
    """Issues as sent, newest first: the archive page's list."""
    issues = sent_issues()
    if year is not None:
        issues = issues.filter(send_started_at__year=year)
    if modified_since is not None:
        issues = issues.filter(Q(last_published_at__gt=modified_since) | Q(send_started_at__gt=modified_since))
    return issues


def bulletin_issue(*, public_id: UUID) -> Any:
    return sent_issues().filter(translation_key=public_id).first()


def bulletin_issue_data(issue: Any) -> dict[str, Any]:
    times = [t for t in (issue.last_published_at, issue.send_started_at) if t]
    sent: datetime | None = issue.send_started_at
    return {
        "id": issue.translation_key,
        "title": issue.title,
        "intro": issue.intro,
        "sent_at": sent,
        "sent_on": timezone.localdate(sent) if sent else None,
        "url": _absolute(issue.full_url),
        "modified_at": max(times) if times else None,
    }

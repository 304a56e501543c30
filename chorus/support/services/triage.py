"""Staff work on a request: assigning it, its tags and links, and the audit of every view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Page

from chorus.accounts.models import User
from chorus.core.audit import log_action
from chorus.pages.models import PriorityAreaPage
from chorus.support.models import (
    CORRECTION,
    RequestEvent,
    RequestKind,
    StaffNoticeReason,
    SupportRequest,
    SupportTag,
)
from chorus.support.services.access import SupportError, staff_roles
from chorus.support.services.notices import staff_notices_add


@transaction.atomic
def support_request_assign(
    *, support_request: SupportRequest, assignee: User | None, actor: User, request: HttpRequest | None = None
) -> SupportRequest:
    """Give a request to a caseworker (or nobody) and tell them by email."""
    if not staff_roles(actor):
        raise SupportError("You are not allowed to assign support requests.")
    if assignee is not None and not staff_roles(assignee):
        raise SupportError("Requests can only be assigned to caseworkers and administrators.")
    support_request.assignee = assignee
    support_request.save(update_fields=["assignee"])
    log_action(
        "support.request.assigned",
        actor=actor,
        obj=support_request,
        request=request,
        data={"assignee": assignee.pk if assignee else None},
    )
    if assignee is not None and assignee != actor:
        staff_notices_add(support_request=support_request, recipients=[assignee], reason=StaffNoticeReason.ASSIGNED)
    return support_request


@transaction.atomic
def support_request_categorise(
    *,
    support_request: SupportRequest,
    actor: User,
    tags: list[str],
    pages: list[Page],
    tracked_items: list[Any] | None = None,
    request: HttpRequest | None = None,
) -> SupportRequest:
    """Set a request's tags and keep only the given links to articles, campaigns and
    tracker items (``tracked_items=None`` leaves the tracker links as they are)."""
    if not staff_roles(actor):
        raise SupportError("You are not allowed to change support requests.")
    names = sorted({name.strip().lower()[:60] for name in tags if name.strip()})
    tag_objects = [SupportTag.objects.get_or_create(name=name)[0] for name in names]
    support_request.tags.set(tag_objects)
    support_request.linked_pages.set(pages)
    if tracked_items is not None:
        support_request.linked_tracker_items.set(tracked_items)
    log_action(
        "support.request.categorised",
        actor=actor,
        obj=support_request,
        request=request,
        data={
            "tags": len(tag_objects),
            "pages": [page.pk for page in pages],
            **({"tracker_items": [item.pk for item in tracked_items]} if tracked_items is not None else {}),
        },
    )
    return support_request


def support_request_record_view(*, support_request: SupportRequest, actor: User, request: HttpRequest) -> None:
    """Every staff view of a request's content leaves an audit event."""
    log_action("support.request.viewed", actor=actor, obj=support_request, request=request)


def support_queue_record_view(*, support_requests: list[SupportRequest], actor: User, request: HttpRequest) -> None:
    """The queue shows the start of each request's description: one audit event per page
    shown, naming the requests by id only (so "who saw request X" can still be answered)."""
    if support_requests:
        log_action(
            "support.queue.viewed",
            actor=actor,
            request=request,
            data={"count": len(support_requests), "requests": [r.pk for r in support_requests]},
        )


@transaction.atomic
def support_request_correct(
    *,
    support_request: SupportRequest,
    actor: User,
    kind: str,
    priority_area: PriorityAreaPage | None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Correct a request's type and priority area (members sometimes choose the wrong one).

    Each change goes into the request's history and the audit log, old and new in words.
    Returns those words; an empty list if nothing changed (and nothing is recorded).
    """
    if not staff_roles(actor):
        raise SupportError("You are not allowed to change support requests.")
    if kind not in RequestKind.values:
        raise SupportError("Choose a type from the list.")
    changes: dict[str, list[str]] = {}
    if kind != support_request.kind:
        changes["type"] = [RequestKind(support_request.kind).label, RequestKind(kind).label]
    if priority_area != support_request.priority_area:
        changes["priority_area"] = [_area_name(support_request.priority_area), _area_name(priority_area)]
    if not changes:
        return []
    support_request.kind = kind
    support_request.priority_area = priority_area
    support_request.save(update_fields=["kind", "priority_area"])
    words = [f"{CHANGE_NAMES[name]}: {old} → {new}" for name, (old, new) in changes.items()]
    RequestEvent.objects.create(
        support_request=support_request,
        transition=CORRECTION,
        from_status=support_request.status,
        to_status=support_request.status,
        actor=actor,
        detail="; ".join(words)[:500],
        created_at=now or timezone.now(),
    )
    log_action(
        "support.request.corrected",
        actor=actor,
        obj=support_request,
        request=request,
        # Type names and priority-area titles only: nothing a member wrote.
        data={
            f"{name}_{end}": value
            for name, pair in changes.items()
            for end, value in zip(("from", "to"), pair, strict=True)
        },
    )
    return words


CHANGE_NAMES = {"type": "Type", "priority_area": "Priority area"}


def _area_name(area: PriorityAreaPage | None) -> str:
    return area.title if area is not None else "none"


@transaction.atomic
def support_request_link(
    *,
    support_request: SupportRequest,
    actor: User,
    page: Page | None = None,
    tracked_item: Any = None,
    request: HttpRequest | None = None,
) -> SupportRequest:
    """Link a request to one more article or campaign page, and/or one tracker item."""
    if not staff_roles(actor):
        raise SupportError("You are not allowed to change support requests.")
    data: dict[str, int] = {}
    if page is not None:
        support_request.linked_pages.add(page)
        data["page"] = page.pk
    if tracked_item is not None:
        support_request.linked_tracker_items.add(tracked_item)
        data["tracker_item"] = tracked_item.pk
    if data:
        log_action("support.request.linked", actor=actor, obj=support_request, request=request, data=data)
    return support_request

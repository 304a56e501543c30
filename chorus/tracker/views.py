"""Public feeds of the tracker and the staff "what's due" screen."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from chorus.core.audit import log_action
from chorus.core.http import mark_publicly_cacheable
from chorus.core.staff import staff_required
from chorus.pages.models import PriorityAreaPage
from chorus.tracker.calendars import deadlines_calendar
from chorus.tracker.models import TrackedItem
from chorus.tracker.permissions import VIEW_RESPONSES_PERMISSION, can_change_responses
from chorus.tracker.selectors import deadline_windows, item_deadline_windows, responses_due


def _calendar_response(body: bytes, filename: str, *, disposition: str = "inline") -> HttpResponse:
    # Feeds are inline (calendar apps subscribe to them); one item's file is downloaded
    # and opened, which is what "add to calendar" means on phones and desktops.
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return mark_publicly_cacheable(response, max_age=900)


def deadlines_ics(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    body = deadlines_calendar(windows=deadline_windows(now=now), name="Chorus: policy deadlines", now=now)
    return _calendar_response(body, "chorus-deadlines.ics")


def area_deadlines_ics(request: HttpRequest, slug: str) -> HttpResponse:
    area = PriorityAreaPage.objects.live().public().filter(slug=slug).first()
    if area is None:
        raise Http404("No such priority area.")
    now = timezone.now()
    body = deadlines_calendar(
        windows=deadline_windows(area_slug=slug, now=now), name=f"Chorus: policy deadlines – {area.title}", now=now
    )
    return _calendar_response(body, f"chorus-deadlines-{slug}.ics")


def item_deadlines_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One item's deadlines to add to a calendar, each with a reminder before it closes."""
    windows = list(item_deadline_windows(slug=slug))
    if not windows:
        raise Http404("No such item, or it has no deadline.")
    body = deadlines_calendar(
        windows=windows, name=f"Chorus: {windows[0].item.title}", now=timezone.now(), with_reminders=True
    )
    return _calendar_response(body, f"chorus-{slug}.ics", disposition="attachment")


@never_cache
@staff_required(VIEW_RESPONSES_PERMISSION)
def whats_due(request: HttpRequest) -> HttpResponse:
    """Our own response deadlines, most urgent first, for staff who may see the tracker."""
    rows = responses_due(now=timezone.now())
    # Shows staff owners' names: a view of (staff) personal data, so it is logged.
    log_action("tracker.due.viewed", request=request, object_type="tracker.response", data={"rows": len(rows)})
    context = {"rows": rows, "now": timezone.now(), "can_edit": can_change_responses(request.user)}
    return render(request, "tracker/admin/whats_due.html", context)


@never_cache
@staff_required("tracker.change_trackeditem")
def tracked_item_draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's public page as its latest saved version (draft or live) would look: a plain
    link that works without JavaScript, beside Wagtail's live preview."""
    item = get_object_or_404(TrackedItem, pk=pk)
    latest = item.get_latest_revision_as_object()
    response: HttpResponse = latest.make_preview_request(request, latest.default_preview_mode)
    return response

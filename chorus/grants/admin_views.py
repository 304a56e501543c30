"""Staff screens for what groups send: the applications of each round, and one application read in full.

Drafts stay the group's own until sent, so only their number per round is shown. Reading an
application shows its contact details and answers, so each reading is audited, as a
caseworker's reading of a support request is. Scoring and decisions come with the next
slice (docs/decisions/0039-funding-rounds.md).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from chorus.core.audit import log_action
from chorus.core.ids import parse_id
from chorus.core.staff import staff_required
from chorus.grants import selectors
from chorus.grants.models import Application, RoundPage
from chorus.grants.workflow import ApplicationStatus

READ_PERMISSION = "grants.view_application"


@staff_required(READ_PERMISSION)
def applications(request: HttpRequest) -> HttpResponse:
    round_id = parse_id(request.GET.get("round", ""))
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values or status == ApplicationStatus.DRAFT:
        status = ""
    drafts = selectors.drafts_per_round()
    rounds = RoundPage.objects.live().order_by("-closes_at")
    return render(
        request,
        "grants/admin/applications.html",
        {
            "applications": selectors.sent_applications(round_id=round_id, status=status),
            "rounds": [(round_page, drafts.get(round_page.pk, 0)) for round_page in rounds],
            "chosen_round": round_id,
            "statuses": [choice for choice in ApplicationStatus.choices if choice[0] != ApplicationStatus.DRAFT],
            "chosen_status": status,
        },
    )


@staff_required(READ_PERMISSION)
def application(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related("round", "band"), pk=pk
    )
    log_action("grants.application.viewed", obj=found, request=request)
    return render(
        request,
        "grants/admin/application.html",
        {"application": found, "rows": selectors.application_rows(found)},
    )

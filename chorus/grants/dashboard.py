"""The Grants officer's panel on the staff home page: per round, the applications waiting for a decision."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from chorus.core.dashboard import DashboardPanel, PanelLine
from chorus.core.deadlines import london_day
from chorus.grants.selectors import rounds_waiting_for_decisions
from chorus.grants.services.decisions import REMINDER_DAYS


def grants_officer_panel(*, today: date | None = None) -> DashboardPanel:
    today = today or london_day(timezone.now())
    url = reverse("grants_admin:applications")
    lines = []
    for waiting in rounds_waiting_for_decisions():
        round_page = waiting.round_page
        decided_by = round_page.decision_date
        if decided_by < today:
            detail = f"The decision date, {decided_by:%-d %B %Y}, has passed."
        else:
            detail = f"Decision date {decided_by:%-d %B %Y}."
        lines.append(
            PanelLine(
                label=f"waiting for a decision in {round_page.title}",
                count=waiting.waiting,
                url=f"{url}?round={round_page.pk}",
                detail=detail,
                # Near or past the date groups were promised: someone needs to act now.
                attention=decided_by <= today + timedelta(days=REMINDER_DAYS),
            )
        )
    return DashboardPanel(
        title="Funding applications",
        name="grants",
        lines=lines,
        empty_text="No application is waiting for a decision.",
        more_url=url,
        more_label="Open the applications",
        order=20,
    )

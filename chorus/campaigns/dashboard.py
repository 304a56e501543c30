"""The campaigner's panel on the staff home page: moderation, unusual signing, today's pace, letters, closing soon."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from chorus.campaigns.letter_selectors import letter_counts_by_office, letter_totals
from chorus.campaigns.models import ActionPage
from chorus.campaigns.selectors import confirmed_per_hour, organisations_awaiting_moderation
from chorus.campaigns.services.trends import latest_trends
from chorus.campaigns.workflow import ActionState
from chorus.core.dashboard import DashboardPanel, PanelLine, Sparkline

CLOSING_SOON_DAYS = 7


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _letter_lines(action: ActionPage) -> list[PanelLine]:
    """A letter action's letters sent and waiting, and any its offices refused: it has no signatures to count."""
    totals = letter_totals(letter_counts_by_office(action_id=action.pk))
    url = reverse("campaigns_admin_letters", args=[action.pk])
    lines = [
        PanelLine(
            label=f"{_plural(totals['sent'], 'letter', 'letters')} sent on {action.title}",
            count=totals["sent"],
            url=url,
            detail=(
                f"{totals['waiting']} waiting their turn, {totals['on_the_way']} on their way, "
                f"{totals['pending']} waiting for their writers to confirm."
            ),
        )
    ]
    if totals["refused"]:
        lines.append(
            PanelLine(
                label=f"{_plural(totals['refused'], 'letter', 'letters')} refused by the office on {action.title}",
                count=totals["refused"],
                url=url,
                attention=True,
            )
        )
    return lines


def campaigner_panel(*, now: datetime | None = None) -> DashboardPanel:
    now = now or timezone.now()
    today = timezone.localdate(now)
    lines: list[PanelLine] = []
    for action, waiting in organisations_awaiting_moderation():
        lines.append(
            PanelLine(
                label=f"{_plural(waiting, 'organisation', 'organisations')} awaiting moderation on {action.title}",
                count=waiting,
                url=reverse("campaigns_admin_moderation", args=[action.pk]),
                attention=True,
            )
        )
    # What the hourly trend check found, not the week-long check run again on every load.
    trends = latest_trends()
    titles = dict(ActionPage.objects.filter(pk__in={t.action_id for t in trends}).values_list("pk", "title"))
    for trend in trends:
        lines.append(
            PanelLine(
                label=f"signatures in the last hour from one {trend.kind} on {titles.get(trend.action_id, '')}",
                count=trend.signatures,
                url=reverse("campaigns_admin_dashboard", args=[trend.action_id]),
                detail=f"Unusual: {trend.expected_in_words}.",
                attention=True,
            )
        )
    open_actions = list(
        ActionPage.objects.live().filter(state=ActionState.OPEN).specific().order_by("closing_date", "title")
    )
    signing = [action for action in open_actions if action.takes_signatures]
    hourly = confirmed_per_hour(action_ids=[action.pk for action in signing], until=now)
    for action in signing:
        counts = hourly[action.pk]
        total = sum(counts)
        busiest = max(counts)
        lines.append(
            PanelLine(
                label=f"confirmed in the last 24 hours on {action.title}",
                count=total,
                url=reverse("campaigns_admin_dashboard", args=[action.pk]),
                sparkline=Sparkline(
                    values=tuple(counts),
                    description=(
                        f"Hour by hour, oldest first: {', '.join(str(n) for n in counts)}. Busiest hour: {busiest}."
                    ),
                ),
            )
        )
    for action in open_actions:
        if not action.takes_signatures:
            lines.extend(_letter_lines(action))
    soon = today + timedelta(days=CLOSING_SOON_DAYS)
    closing = [action for action in open_actions if action.closing_date and today <= action.closing_date <= soon]
    for action in closing:
        days = (action.closing_date - today).days if action.closing_date else 0
        when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        lines.append(
            PanelLine(
                label=f"{action.title} closes {when}",
                url=reverse("campaigns_admin_dashboard", args=[action.pk]),
                detail=f"Closing date: {action.closing_date:%A %-d %B}.",
            )
        )
    return DashboardPanel(
        title="Campaigns",
        name="campaigns",
        lines=lines,
        empty_text="No open actions, nothing to moderate and no unusual signing.",
        more_url=reverse("campaigns_admin_list"),
        more_label="All campaign actions",
        order=20,
    )

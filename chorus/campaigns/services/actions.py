"""An action's workflow: open, close, deliver; and closing actions left open without a date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.campaigns.models import ActionPage
from chorus.campaigns.selectors import LIVE_ACTIONS
from chorus.campaigns.workflow import ACTION_WORKFLOW, TRANSITION_PERMISSION, ActionState
from chorus.core.middleware import retire_cached_pages
from chorus.core.workflow import SYSTEM, transition


def require_permission(actor: Any, permission: str) -> None:
    """Refuse a staff action to someone without the permission (views check first; this stops any other caller)."""
    if not getattr(actor, "has_perm", None) or not actor.has_perm(permission):
        raise PermissionDenied("You do not have permission to do that.")


@transaction.atomic
def action_transition(
    *, action: ActionPage, target: ActionState, actor: Any, request: HttpRequest | None = None
) -> None:
    """Move an action along its workflow (workflow.ACTION_WORKFLOW) and audit it."""
    # Views check first; this stops any other caller before the row is even locked.
    require_permission(actor, TRANSITION_PERMISSION)
    _action_transition_apply(action=action, target=target, actor=actor, request=request)


def _action_transition_apply(
    *,
    action: ActionPage,
    target: ActionState,
    actor: Any,
    request: HttpRequest | None = None,
    why: str = "",
    screen: str = "",
) -> None:
    def stamps(locked: ActionPage) -> dict[str, Any]:
        now = timezone.now()
        if target == ActionState.OPEN:
            return {"opened_at": locked.opened_at or now, "closed_at": None}
        if target == ActionState.CLOSED:
            return {"closed_at": now}
        if target == ActionState.DELIVERED:
            return {"delivered_at": now}
        return {}

    # The engine writes with a queryset update, not a revision: the workflow owns these columns.
    transition(
        ACTION_WORKFLOW,
        action,
        target=target,
        actor=actor,
        changes=stamps,
        audit_data={"why": why} if why else None,
        request=request,
        screen=screen,
    )
    transaction.on_commit(retire_cached_pages)
    # An update() sends no signal; other processes catch up within seconds (selectors).
    transaction.on_commit(LIVE_ACTIONS.clear)


def actions_close_undated() -> int:
    """Close actions that have no closing date once they have been open for the longest
    time allowed; returns how many. Retention runs from closing, so without this the
    signers of an undated action would be kept for as long as it stayed open."""
    opened_before = timezone.now() - timedelta(days=settings.CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS)
    stale = ActionPage.objects.filter(state=ActionState.OPEN, closing_date__isnull=True, opened_at__lte=opened_before)
    closed = 0
    for action in stale.order_by("pk"):
        with transaction.atomic():
            _action_transition_apply(
                action=action,
                target=ActionState.CLOSED,
                actor=SYSTEM,
                why=f"no closing date, open {settings.CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS} days",
                screen="task: campaigns.apply_retention",
            )
        closed += 1
    return closed

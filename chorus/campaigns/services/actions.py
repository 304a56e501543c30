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
from chorus.campaigns.workflow import TRANSITION_PERMISSION, ActionState, transition_for
from chorus.core.audit import log_action
from chorus.core.middleware import retire_cached_pages


def require_permission(actor: Any, permission: str) -> None:
    """Refuse a staff action to someone without the permission (views check first; this stops any other caller)."""
    if not getattr(actor, "has_perm", None) or not actor.has_perm(permission):
        raise PermissionDenied("You do not have permission to do that.")


@transaction.atomic
def action_transition(
    *, action: ActionPage, target: ActionState, actor: Any, request: HttpRequest | None = None
) -> None:
    """Move an action along its workflow (workflow.TRANSITIONS) and audit it."""
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
    locked = ActionPage.objects.select_for_update().get(pk=action.pk)
    transition = transition_for(locked.state, target)
    if transition is None:
        raise ValueError(f"An action cannot go from {locked.state} to {target}.")
    now = timezone.now()
    stamps: dict[str, Any] = {"state": target}
    if target == ActionState.OPEN:
        stamps["opened_at"] = locked.opened_at or now
        stamps["closed_at"] = None
    elif target == ActionState.CLOSED:
        stamps["closed_at"] = now
    elif target == ActionState.DELIVERED:
        stamps["delivered_at"] = now
    # A queryset update, not a revision: the workflow owns these columns.
    ActionPage.objects.filter(pk=action.pk).update(**stamps)
    for name, value in stamps.items():
        setattr(action, name, value)
    log_action(
        f"campaigns.action.{target}",
        actor=actor,
        obj=locked,
        object_type="campaigns.actionpage",
        data={"from": str(transition.source), "to": str(target), **({"why": why} if why else {})},
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
                actor=None,
                why=f"no closing date, open {settings.CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS} days",
                screen="task: campaigns.apply_retention",
            )
        closed += 1
    return closed

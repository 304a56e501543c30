"""The life of a campaign action, declared as data with the one engine (``chorus.core.workflow``).

``chorus.campaigns.services.actions`` is the only code that changes an action's state; it
passes ``ACTION_WORKFLOW`` to ``chorus.core.workflow.transition``.
"""

from __future__ import annotations

from django.db import models

from chorus.core.workflow import SYSTEM, Permission, Transition, Workflow, step


class ActionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for signatures"
    CLOSED = "closed", "Closed"
    DELIVERED = "delivered", "Delivered"


# Changing an action's state is a campaigning decision; this permission is held by
# Campaigners and Administrators (see permissions.py).
TRANSITION_PERMISSION = "campaigns.change_signature"
CAMPAIGNING = Permission(TRANSITION_PERMISSION)

# The model is named by label: models.py imports ActionState from here.
A = ActionState

ACTION_WORKFLOW = Workflow(
    model="campaigns.ActionPage",
    state_field="state",
    audit_action="campaigns.action.{target}",
    transitions=(
        step(
            "open", [ActionState.DRAFT], ActionState.OPEN, [CAMPAIGNING], "Open for signatures", "Open for signatures"
        ),
        # The system closes an action left open too long without a closing date (retention).
        step(
            "close",
            [ActionState.OPEN],
            ActionState.CLOSED,
            [CAMPAIGNING, SYSTEM],
            "Close signing",
            "Signing has closed",
        ),
        step("reopen", [ActionState.CLOSED], ActionState.OPEN, [CAMPAIGNING], "Reopen signing", "Open for signatures"),
        step("deliver", [ActionState.CLOSED], ActionState.DELIVERED, [CAMPAIGNING], "Mark as delivered", "Delivered"),
    ),
)
TRANSITIONS: tuple[Transition, ...] = ACTION_WORKFLOW.transitions


def transition_for(source: str, target: str) -> Transition | None:
    return ACTION_WORKFLOW.between(source, target)


def transitions_from(source: str) -> list[Transition]:
    return ACTION_WORKFLOW.from_state(source)

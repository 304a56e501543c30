"""The life of a campaign action, declared as data: states, transitions and who may make them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class ActionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for signatures"
    CLOSED = "closed", "Closed"
    DELIVERED = "delivered", "Delivered"


@dataclass(frozen=True)
class Transition:
    source: ActionState
    target: ActionState
    staff_label: str  # the button staff press
    public_label: str  # what the public page says afterwards


TRANSITIONS: tuple[Transition, ...] = (
    Transition(ActionState.DRAFT, ActionState.OPEN, "Open for signatures", "Open for signatures"),
    Transition(ActionState.OPEN, ActionState.CLOSED, "Close signing", "Signing has closed"),
    Transition(ActionState.CLOSED, ActionState.OPEN, "Reopen signing", "Open for signatures"),
    Transition(ActionState.CLOSED, ActionState.DELIVERED, "Mark as delivered", "Delivered"),
)

# Changing an action's state is a campaigning decision; this permission is held by
# Campaigners and Administrators (see permissions.py).
TRANSITION_PERMISSION = "campaigns.change_signature"


def transition_for(source: str, target: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]

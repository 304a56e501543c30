"""Our response's workflow, declared as data: states, allowed moves, who may make them.

``chorus.tracker.services.response_transition`` is the only code that changes a
response's status; it reads this table, so the rules live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from chorus.accounts.roles import CAMPAIGNER, EDITOR, Role
from chorus.tracker.models import ResponseStatus

# The roles that run the tracker: they change responses, own them and get their reminders.
# Administrators may look (``permissions.py`` gives them view permissions) but not change;
# the tests check that this tuple and the roles holding ``tracker.change_response`` agree.
STAFF_ROLES: tuple[Role, ...] = (CAMPAIGNER, EDITOR)


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str  # the button or choice staff see
    roles: tuple[Role, ...] = STAFF_ROLES
    requires_reason: bool = False  # "not responding" must say why, publicly
    requires_article: bool = False  # "published" must point at the article


TRANSITIONS: tuple[Transition, ...] = (
    Transition(ResponseStatus.PLANNED, ResponseStatus.DRAFTING, "Start drafting"),
    Transition(ResponseStatus.DRAFTING, ResponseStatus.SUBMITTED, "Mark as submitted"),
    Transition(ResponseStatus.SUBMITTED, ResponseStatus.PUBLISHED, "Mark as published", requires_article=True),
    Transition(ResponseStatus.DRAFTING, ResponseStatus.PUBLISHED, "Publish without submitting", requires_article=True),
    Transition(ResponseStatus.PLANNED, ResponseStatus.NOT_RESPONDING, "Decide not to respond", requires_reason=True),
    Transition(ResponseStatus.DRAFTING, ResponseStatus.NOT_RESPONDING, "Stop: not responding", requires_reason=True),
    Transition(ResponseStatus.NOT_RESPONDING, ResponseStatus.PLANNED, "Reopen: we will respond after all"),
    Transition(ResponseStatus.DRAFTING, ResponseStatus.PLANNED, "Back to planned"),
)

# What the public sees for each state on an item's page.
PUBLIC_LABELS: dict[str, str] = {
    ResponseStatus.PLANNED: "We plan to respond.",
    ResponseStatus.DRAFTING: "We are writing our response.",
    ResponseStatus.SUBMITTED: "We have sent our response.",
    ResponseStatus.PUBLISHED: "We have published our response.",
    ResponseStatus.NOT_RESPONDING: "We are not responding.",
}

# States in which the owner still has work to do before the deadline.
ACTIVE_STATES: frozenset[str] = frozenset({ResponseStatus.PLANNED, ResponseStatus.DRAFTING})


def find_transition(source: str, target: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.source == source and transition.target == target:
            return transition
    return None


def allowed_targets(source: str) -> list[str]:
    return [transition.target for transition in TRANSITIONS if transition.source == source]

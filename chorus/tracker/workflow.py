"""Our response's workflow, declared as data with the one engine (``chorus.core.workflow``).

``chorus.tracker.services.response_transition`` is the only code that changes a
response's status; it passes this table to ``chorus.core.workflow.transition``, so the
rules live in one place. Moving to "published" also needs the article linked.
"""

from __future__ import annotations

from chorus.accounts.roles import CAMPAIGNER, EDITOR, Role
from chorus.core.workflow import Transition, Workflow, step
from chorus.tracker.models import Response, ResponseStatus

# The roles that run the tracker: they change responses, own them and get their reminders.
# Administrators may look (``permissions.py`` gives them view permissions) but not change;
# the tests check that this tuple and the roles holding ``tracker.change_response`` agree.
STAFF_ROLES: tuple[Role, ...] = (CAMPAIGNER, EDITOR)

# What the public sees for each state on an item's page.
PUBLIC_LABELS: dict[str, str] = {
    ResponseStatus.PLANNED: "We plan to respond.",
    ResponseStatus.DRAFTING: "We are writing our response.",
    ResponseStatus.SUBMITTED: "We have sent our response.",
    ResponseStatus.PUBLISHED: "We have published our response.",
    ResponseStatus.NOT_RESPONDING: "We are not responding.",
}

S = ResponseStatus


def _move(name: str, source: str, target: str, label: str, *, needs_reason: bool = False) -> Transition:
    return step(name, [source], target, STAFF_ROLES, label, PUBLIC_LABELS[target], needs_reason=needs_reason)


# "Not responding" must say why, publicly; "published" must point at the article.
RESPONSE_WORKFLOW = Workflow(
    model=Response,
    state_field="status",
    audit_action="tracker.response.transitioned",
    transitions=(
        _move("start_drafting", S.PLANNED, S.DRAFTING, "Start drafting"),
        _move("submit", S.DRAFTING, S.SUBMITTED, "Mark as submitted"),
        _move("publish", S.SUBMITTED, S.PUBLISHED, "Mark as published"),
        _move("publish_unsubmitted", S.DRAFTING, S.PUBLISHED, "Publish without submitting"),
        _move("decline", S.PLANNED, S.NOT_RESPONDING, "Decide not to respond", needs_reason=True),
        _move("stop", S.DRAFTING, S.NOT_RESPONDING, "Stop: not responding", needs_reason=True),
        _move("reopen", S.NOT_RESPONDING, S.PLANNED, "Reopen: we will respond after all"),
        _move("back_to_planned", S.DRAFTING, S.PLANNED, "Back to planned"),
    ),
)
TRANSITIONS: tuple[Transition, ...] = RESPONSE_WORKFLOW.transitions

# States in which the owner still has work to do before the deadline.
ACTIVE_STATES: frozenset[str] = frozenset({ResponseStatus.PLANNED, ResponseStatus.DRAFTING})


def needs_article(transition: Transition) -> bool:
    return transition.target == ResponseStatus.PUBLISHED


def find_transition(source: str, target: str) -> Transition | None:
    return RESPONSE_WORKFLOW.between(source, target)


def allowed_targets(source: str) -> list[str]:
    return [transition.target for transition in RESPONSE_WORKFLOW.from_state(source)]

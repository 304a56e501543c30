"""Moving applications on and deciding them, through the workflow engine; the decision-date reminder.

Every move goes through ``chorus.core.workflow.transition`` (it locks the row, checks the
move and the permission, and audits). A decision always carries a message to the group,
shown on their private page; the email only says a decision is ready, with the link. An
award records the amount, the dates and a one-line public description, all published in
the open data, so none of it names a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.core.deadlines import london_day
from chorus.core.models import AuditEvent
from chorus.core.outbox import outbox_add, outbox_add_many, outbox_row
from chorus.core.workflow import Transition, transition
from chorus.grants import selectors
from chorus.grants.choices import DeclineReason
from chorus.grants.models import Application, RoundPage
from chorus.grants.workflow import APPLICATION_WORKFLOW, CONSIDERED

# Outbox kinds (composed in chorus.grants.emails).
DECIDED_EMAIL = "grants.application_decided"
REMINDER_EMAIL = "grants.decision_date_reminder"

# The moves made with a button alone; a decision needs its own form (a message, and more).
PLAIN_MOVES = frozenset({"check_eligibility", "review", "shortlist"})
# How many days before a round's published decision date the Grants officers are reminded.
REMINDER_DAYS = 7
MESSAGE_LIMIT = 5000
DESCRIPTION_LIMIT = 200


class DecisionRefused(Exception):
    """Something the member of staff can act on, said in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _not_conflicted(actor: Any) -> Any:
    """A check for the engine: someone with a declared conflict does not move or decide it."""

    def check(locked: Application, chosen: Transition) -> None:
        if selectors.has_conflict(application=locked, user=actor):
            raise PermissionDenied("You declared a conflict of interest with this application.")

    return check


def application_move(
    *, application: Application, name: str, actor: Any, request: HttpRequest | None = None
) -> Application:
    """Move it on by one of the plain moves (check eligibility, send for review, shortlist)."""
    if name not in PLAIN_MOVES:
        raise DecisionRefused("Choose one of the moves offered.")
    return transition(  # type: ignore[no-any-return]
        APPLICATION_WORKFLOW, application, name=name, actor=actor, check=_not_conflicted(actor), request=request
    )


def _message(message: str) -> str:
    text = message.strip()
    if not text:
        raise DecisionRefused("Write a message to the group: every decision comes with one.")
    if len(text) > MESSAGE_LIMIT:
        raise DecisionRefused(f"Keep the message to the group under {MESSAGE_LIMIT:,} characters.")
    return text


def _queue_decision_email(locked: Application) -> dict[str, Any]:
    # In the decision's own transaction: the email and the decision are kept, or neither.
    outbox_add(kind=DECIDED_EMAIL, about_id=locked.pk, dedupe_key=str(locked.pk))
    return {}


@dataclass(frozen=True)
class Award:
    amount: int
    award_date: date
    planned_start: date
    planned_end: date
    description: str


def award_problems(award: Award, *, round_page: RoundPage) -> dict[str, str]:
    """What is wrong with an award's figures, by field, in plain words (empty when nothing is)."""
    problems: dict[str, str] = {}
    if award.amount < 1:
        problems["amount"] = "The amount must be at least £1."
    elif award.amount > round_page.budget:
        problems["amount"] = f"The amount cannot be more than the round's budget of {round_page.budget_in_words}."
    if award.planned_end < award.planned_start:
        problems["planned_end"] = "The planned end cannot be before the planned start."
    description = award.description.strip()
    if not description:
        problems["description"] = "Say in one line what the grant is for."
    elif len(description) > DESCRIPTION_LIMIT or "\n" in description:
        problems["description"] = f"Keep the description to one line of up to {DESCRIPTION_LIMIT} characters."
    return problems


def application_award(
    *,
    application: Application,
    actor: Any,
    award: Award,
    message: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Application:
    """Award a grant (from the panel): the figures, the message to the group, and the email saying it is ready."""
    now = now or timezone.now()
    text = _message(message)
    problems = award_problems(award, round_page=application.round)
    if problems:
        raise DecisionRefused(next(iter(problems.values())))
    locked = transition(
        APPLICATION_WORKFLOW,
        application,
        name="award",
        actor=actor,
        check=_not_conflicted(actor),
        changes={
            "decided_at": now,
            "decision_reason": "",
            "decision_message": text,
            "amount_awarded": award.amount,
            "award_date": award.award_date,
            "planned_start": award.planned_start,
            "planned_end": award.planned_end,
            "award_description": award.description.strip(),
        },
        hooks=[_queue_decision_email],
        audit_data={"amount": award.amount},
        request=request,
    )
    return locked  # type: ignore[no-any-return]


def application_decline(
    *,
    application: Application,
    actor: Any,
    reason: str,
    message: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Application:
    """Decide not to fund it: a reason from the list, the message to the group, and the email saying it is ready."""
    now = now or timezone.now()
    text = _message(message)
    if reason not in DeclineReason.values:
        raise DecisionRefused("Choose the main reason it was not funded.")
    locked = transition(
        APPLICATION_WORKFLOW,
        application,
        name="decline",
        actor=actor,
        reason=text,
        check=_not_conflicted(actor),
        changes={"decided_at": now, "decision_reason": reason, "decision_message": text},
        hooks=[_queue_decision_email],
        # The reason is a code from the list, not free text: the transparency page counts them.
        audit_data={"reason": reason},
        request=request,
    )
    return locked  # type: ignore[no-any-return]


def _reminded(round_page: RoundPage) -> bool:
    # The audit log is the record that a round's reminder went: it is kept for years, and a
    # moved decision date (a new date in the data) is reminded of again.
    return AuditEvent.objects.filter(
        action="grants.round.decision_reminder_sent",
        object_type="grants.roundpage",
        object_id=str(round_page.pk),
        data__decision_date=round_page.decision_date.isoformat(),
    ).exists()


def decision_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the Grants officers of each round whose decision date is a week away or less and
    which still has applications undecided; once per round and decision date. Returns how many rounds."""
    today = london_day(now or timezone.now())
    due = (
        RoundPage.objects.filter(
            decision_date__gte=today,
            decision_date__lte=today + timedelta(days=REMINDER_DAYS),
            applications__status__in=list(CONSIDERED),
        )
        .distinct()
        .order_by("decision_date", "pk")
    )
    officers = list(selectors.grants_officers_to_email())
    reminded = 0
    for round_page in due:
        with transaction.atomic():
            locked = RoundPage.objects.select_for_update().get(pk=round_page.pk)
            if _reminded(locked):
                continue
            undecided = locked.applications.filter(status__in=list(CONSIDERED)).count()
            key = f"{locked.pk}:{locked.decision_date.isoformat()}"
            outbox_add_many(
                outbox_row(kind=REMINDER_EMAIL, about_id=locked.pk, user_id=user.pk, dedupe_key=f"{key}:{user.pk}")
                for user in officers
            )
            log_action(
                "grants.round.decision_reminder_sent",
                obj=locked,
                data={
                    "decision_date": locked.decision_date.isoformat(),
                    "count": undecided,
                    "officers": len(officers),
                },
            )
            reminded += 1
    return reminded

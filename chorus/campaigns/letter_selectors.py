"""Reads for letters to representatives: the writer's links, when a letter should go, and the counts.

Public side: the letter a confirmation or "Did your MP reply?" link is for, the day a
queued letter should go, and the action page's summary. Staff side: counts by office and
lists of letters. The staff lists ask only for the columns they show, so no writer's name,
address, postcode or words is even read; ``letter_for_staff`` is the one staff read that
does, behind its own permission and an audit entry (``letter_admin_views``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db.models import Count, Max, Q, QuerySet

from chorus.campaigns.models import (
    NAMED_TARGET_KEY,
    ConstituentLetter,
    LetterBundle,
    LetterStatus,
    LetterToRepresentativePage,
    ReplyReport,
    SharedReply,
)
from chorus.campaigns.services.letter_delivery import letter_expected_send_date
from chorus.core.crypto import token_digest

# --- the writer's links and the public page ------------------------------------------------------


def letter_for_token(*, token: str) -> ConstituentLetter | None:
    """The letter an emailed confirmation link is for (None for a wrong or empty token)."""
    if not token:
        return None
    letter: ConstituentLetter | None = (
        ConstituentLetter.objects.filter(token_hash=token_digest(token)).select_related("action", "person").first()
    )
    return letter


def letter_for_reply_token(*, token: str) -> ConstituentLetter | None:
    """The sent letter a "Did your MP reply?" link is for; None for a wrong, old or erased link."""
    if not token:
        return None
    letter: ConstituentLetter | None = (
        ConstituentLetter.objects.filter(
            reply_token_hash=token_digest(token), status=LetterStatus.SENT, erased_at__isnull=True
        )
        .select_related("action")
        .first()
    )
    return letter


def letter_expected_day(letter: ConstituentLetter) -> date | None:
    """The UK day a confirmed letter waiting its turn should go; None once it is not waiting, or if it cannot go."""
    if letter.status != LetterStatus.QUEUED:
        return None
    return letter_expected_send_date(letter)


class LettersSummary(NamedTuple):
    """What the action's public page says has come of it: counts that survive erasure."""

    sent: int  # letters the offices' mail servers took
    representatives: int  # offices written to: MPs' constituencies, or the one named decision-maker
    replies: int  # writers who answered "yes, they replied"


def letters_summary(*, action_id: int) -> LettersSummary:
    """Letters sent, offices written to, and writers who told us they had a reply."""
    sent = ConstituentLetter.objects.filter(action_id=action_id, status=LetterStatus.SENT)
    figures = sent.aggregate(
        sent=Count("pk"),
        representatives=Count("target_key", distinct=True),
        replies=Count("pk", filter=Q(reply_report=ReplyReport.YES)),
    )
    return LettersSummary(sent=figures["sent"], representatives=figures["representatives"], replies=figures["replies"])


# --- staff screens: counts and letters, without their writers -----------------------------------

# What staff lists of letters show, and nothing else.
LIST_COLUMNS = (
    "pk",
    "action_id",
    "target_key",
    "constituency_name",
    "target_name",
    "similarity",
    "status",
    "created_at",
    "confirmed_at",
    "released_at",
    "sent_at",
    "refused_at",
    "erased_at",
    "reply_report",
    "reply_may_share",
)


@dataclass(frozen=True)
class OfficeCounts:
    """One office's letters on an action: a constituency's MP, or the named decision-maker."""

    target_key: str
    office: str  # "Leeds East" or the decision-maker's name, for people
    pending: int
    waiting: int
    on_the_way: int
    sent: int
    refused: int
    replied_yes: int
    replied_not_yet: int
    replied_no: int

    @property
    def reply_unknown(self) -> int:
        return self.sent - self.replied_yes - self.replied_not_yet - self.replied_no


COUNT_COLUMNS = {
    "pending": Q(status=LetterStatus.PENDING),
    "waiting": Q(status=LetterStatus.QUEUED, released_at__isnull=True),
    "on_the_way": Q(status=LetterStatus.QUEUED, released_at__isnull=False),
    "sent": Q(status=LetterStatus.SENT),
    "refused": Q(status=LetterStatus.REFUSED),
    "replied_yes": Q(status=LetterStatus.SENT, reply_report=ReplyReport.YES),
    "replied_not_yet": Q(status=LetterStatus.SENT, reply_report=ReplyReport.NOT_YET),
    "replied_no": Q(status=LetterStatus.SENT, reply_report=ReplyReport.NO),
}


def letter_counts_by_office(*, action_id: int) -> list[OfficeCounts]:
    """Each office's letters by where they are, and the replies reported, in office name order."""
    rows = (
        ConstituentLetter.objects.filter(action_id=action_id)
        .values("target_key")
        .annotate(
            constituency=Max("constituency_name"),
            person=Max("target_name"),
            **{name: Count("pk", filter=condition) for name, condition in COUNT_COLUMNS.items()},
        )
        .order_by()
    )
    offices = []
    for row in rows:
        values: dict[str, Any] = dict(row)
        offices.append(
            OfficeCounts(
                target_key=values["target_key"],
                office=(values["person"] if values["target_key"] == NAMED_TARGET_KEY else values["constituency"])
                or "An office with no name recorded",
                **{name: values[name] for name in COUNT_COLUMNS},
            )
        )
    return sorted(offices, key=lambda counts: counts.office.casefold())


def letter_totals(offices: list[OfficeCounts]) -> dict[str, int]:
    """The action's counts across offices, plus how many offices were written to."""
    totals = {name: sum(getattr(office, name) for office in offices) for name in COUNT_COLUMNS}
    totals["offices"] = sum(1 for office in offices if office.sent)
    return totals


def letters_for_staff(*, action_id: int) -> QuerySet[ConstituentLetter]:
    """The action's letters, newest first, with the columns a list shows: never a writer's details."""
    return ConstituentLetter.objects.filter(action_id=action_id).only(*LIST_COLUMNS).order_by("-created_at", "-pk")


def letter_for_staff(*, action_id: int, letter_id: int) -> ConstituentLetter | None:
    """One letter with its writer's details and words (their email too), for the audited reading screen."""
    letter: ConstituentLetter | None = (
        ConstituentLetter.objects.filter(action_id=action_id, pk=letter_id).select_related("person").first()
    )
    return letter


def letter_bundles_of(*, action_id: int, limit: int = 20) -> QuerySet[LetterBundle]:
    """The action's latest bundles, newest first, with the member of staff who sent any of them early."""
    return LetterBundle.objects.filter(action_id=action_id).select_related("created_by")[:limit]


def office_name(*, action: LetterToRepresentativePage, target_key: str) -> str:
    """An office's name for people, from its letters."""
    if target_key == NAMED_TARGET_KEY:
        return action.target_name or "the named decision-maker"
    name = (
        ConstituentLetter.objects.filter(action=action, target_key=target_key)
        .exclude(constituency_name="")
        .values_list("constituency_name", flat=True)
        .first()
    )
    return f"the MP for {name}" if name else "this office"


def shared_replies_of(*, action_id: int) -> QuerySet[SharedReply]:
    """Replies staff attached to tracker items, without their text (it is read on the letter's screen)."""
    return SharedReply.objects.filter(action_id=action_id).select_related("item", "attached_by").defer("text")

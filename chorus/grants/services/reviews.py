"""Reviewing: a reviewer scores an application against its round's criteria, or declares a conflict.

Who may read which application is one selector (``selectors.applications_readable_by``);
a panel member reads and scores only the rounds they are named on. A Grants officer
names each round's panel here too. Every change is audited with ids only: scores,
comments and notes stay in their (encrypted) rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.grants import selectors
from chorus.grants.choices import Recommendation
from chorus.grants.models import Application, ConflictOfInterest, PanelMembership, Review, RoundPage

LOWEST_SCORE = 1
HIGHEST_SCORE = 5


class ReviewRefused(Exception):
    """Something the reviewer can act on, said in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("round").get(pk=application.pk)


def review_submit(
    *,
    application: Application,
    reviewer: Any,
    scores: Mapping[str, int],
    comment: str,
    recommendation: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Review:
    """Store one reviewer's scores (every criterion, 1 to 5), comment and recommendation, once."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked so a move on (to a decision) and a review cannot cross.
        locked = _locked(application)
        if not selectors.may_review(application=locked, user=reviewer):
            if selectors.has_conflict(application=locked, user=reviewer):
                raise ReviewRefused(
                    "You declared a conflict of interest with this application, so you cannot score it."
                )
            raise ReviewRefused("This application cannot be scored now.")
        criteria = [block_id for block_id, _ in selectors.criteria_of(locked.round)]
        if set(scores) != set(criteria):
            raise ReviewRefused("Give a score for every criterion.")
        if any(not isinstance(score, int) or not LOWEST_SCORE <= score <= HIGHEST_SCORE for score in scores.values()):
            raise ReviewRefused(f"Each score is a whole number from {LOWEST_SCORE} to {HIGHEST_SCORE}.")
        if recommendation not in Recommendation.values:
            raise ReviewRefused("Choose a recommendation.")
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    application=locked,
                    reviewer=reviewer,
                    scores={block_id: scores[block_id] for block_id in criteria},
                    comment=comment.strip(),
                    recommendation=recommendation,
                    submitted_at=now,
                )
        except IntegrityError:
            raise ReviewRefused("You have already sent your review of this application.") from None
        log_action(
            "grants.review.submitted",
            actor=reviewer,
            obj=locked,
            data={"review": review.pk},
            request=request,
        )
    return review


def conflict_declare(
    *,
    application: Application,
    reviewer: Any,
    note: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> ConflictOfInterest:
    """Record a reviewer's conflict of interest: from now on they cannot read, score or see its reviews.

    Declaring twice keeps the first declaration. A review sent before the conflict stops
    counting (``selectors.counted_reviews``) but is kept, so the record stays whole.
    """
    now = now or timezone.now()
    if not selectors.applications_readable_by(reviewer).filter(pk=application.pk).exists():
        raise ReviewRefused("You cannot declare a conflict on an application you cannot read.")
    with transaction.atomic():
        conflict, created = ConflictOfInterest.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"note": note.strip(), "declared_at": now}
        )
        if created:
            log_action("grants.conflict.declared", actor=reviewer, obj=application, request=request)
    return conflict


def panel_member_add(
    *, round_page: RoundPage, member: Any, actor: Any, request: HttpRequest | None = None, now: datetime | None = None
) -> PanelMembership:
    """Name someone on a round's panel (a Panel member or a Grants officer); naming them twice does nothing."""
    if not selectors.panel_candidates().filter(pk=member.pk).exists():
        raise ReviewRefused("Only Panel members and Grants officers can be named on a panel.")
    with transaction.atomic():
        membership, created = PanelMembership.objects.get_or_create(
            round=round_page, member=member, defaults={"added_at": now or timezone.now()}
        )
        if created:
            log_action(
                "grants.panel.member_added", actor=actor, obj=round_page, data={"member": member.pk}, request=request
            )
    return membership


def panel_member_remove(*, round_page: RoundPage, member: Any, actor: Any, request: HttpRequest | None = None) -> bool:
    """Take someone off a round's panel: they stop reading its applications; their reviews stay."""
    with transaction.atomic():
        removed, _ = PanelMembership.objects.filter(round=round_page, member=member).delete()
        if removed:
            log_action(
                "grants.panel.member_removed", actor=actor, obj=round_page, data={"member": member.pk}, request=request
            )
    return bool(removed)

"""Delivering constituents' letters to MPs and named decision-makers, at a pace offices can read.

Each office (one constituency's MP, or an action's named decision-maker) gets at most the
action's ``daily_cap`` letters a UK day, spread through its sending hours on working days,
oldest first (``letters_release``, every few minutes). An action may instead bundle an
office's letters into one email a week with a PDF (``letter_bundles_send``); staff can send
an office's bundle early (``letter_bundle_send_now``).

A letter is handed to the outbox (``released_at``) and counts against the day's cap from
then. The outbox tells no app what became of a row, so ``letters_settle`` reads the settled
rows and records it: sent when the office's mail server accepted it, refused when it
refused for good (the outbox has retried a refusal for now), and the writer is told once.
Nothing is marked sent before the server took it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from chorus.campaigns.models import (
    LETTER_BUNDLE_EMAIL,
    LETTER_REFUSED_EMAIL,
    LETTER_TO_OFFICE_EMAIL,
    NAMED_TARGET_KEY,
    ConstituentLetter,
    LetterBundle,
    LetterBundleStatus,
    LetterDelivery,
    LetterStatus,
    LetterToRepresentativePage,
)
from chorus.core.audit import log_action, log_actions
from chorus.core.deadlines import LONDON, london_day
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.core.outbox import outbox_add, outbox_add_many, outbox_row
from chorus.core.working_days import add_working_days, is_working_day
from chorus.representatives.lookup import seat

logger = logging.getLogger(__name__)

# Sending a bundle early is a campaign change, like closing an action or sending an update.
BUNDLE_PERMISSION = "campaigns.change_signature"
# One bundle carries at most this many letters; any more go in the next one.
BUNDLE_MOST = 300
# A letter handed to the outbox whose row has vanished (never expected) goes back in the queue after this.
LOST_RELEASE_AFTER = timedelta(days=1)
SETTLED = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SKIPPED)

# --- pacing: pure functions of the clock, the cap and what already went today ----------------


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def in_sending_hours(*, now: datetime, sending_from: time, sending_until: time) -> bool:
    """Whether ``now`` is inside the sending hours of a UK working day (Europe/London)."""
    local = now.astimezone(LONDON)
    if not is_working_day(local.date()):
        return False
    return sending_from <= local.time() < sending_until


def letters_may_release(*, now: datetime, sent_today: int, cap: int, sending_from: time, sending_until: time) -> int:
    """How many more letters to one target may go now: the day's cap, spread evenly over the sending hours.

    None go outside the sending hours of a UK working day, nor once ``cap`` went today.
    """
    if cap <= 0 or sending_until <= sending_from:
        return 0
    if not in_sending_hours(now=now, sending_from=sending_from, sending_until=sending_until):
        return 0
    local = now.astimezone(LONDON)
    window = _seconds(sending_until) - _seconds(sending_from)
    elapsed = _seconds(local.time()) - _seconds(sending_from)
    # One at the opening time, then one more each (window / cap): a queue of hundreds reaches
    # an office through the day, never in one burst, and the whole cap is open by the end.
    allowed_by_now = min(cap, cap * elapsed // window + 1)
    return max(allowed_by_now - sent_today, 0)


def expected_release_day(
    *, now: datetime, place: int, cap: int, sent_today: int, sending_from: time, sending_until: time
) -> date | None:
    """The UK day the letter at ``place`` in its target's queue (1: next to go) should go, at ``cap`` a day.

    None when nothing can go (a cap of nought).
    """
    if cap <= 0 or sending_until <= sending_from:
        return None
    today = london_day(now)
    remaining = max(place, 1)
    local_time = now.astimezone(LONDON).time()
    if is_working_day(today) and local_time < sending_until:
        room_today = max(cap - sent_today, 0)
        if remaining <= room_today:
            return today
        remaining -= room_today
    # Whole working days after today, cap letters each.
    days_needed = -(-remaining // cap)
    return add_working_days(today, days_needed)


def first_working_day_of_week(day: date) -> date:
    """The week's first UK working day (Monday, or the next one after a bank holiday): the bundle's day.

    A week with no working day at all gives the next working day.
    """
    monday = day - timedelta(days=day.weekday())
    return monday if is_working_day(monday) else add_working_days(monday, 1)


def next_digest_day(*, now: datetime, sending_until: time, sent_this_week: bool) -> date:
    """The UK day on which a target's next weekly bundle goes: at most one a week.

    It goes on the first working day with letters waiting (within hours of the opening time), else on
    next week's first.
    """
    today = london_day(now)
    if sent_this_week:
        return first_working_day_of_week(week_of(now) + timedelta(days=7))
    if is_working_day(today) and now.astimezone(LONDON).time() < sending_until:
        return today
    return add_working_days(today, 1)


def digest_due(*, now: datetime, sending_from: time, sending_until: time, sent_this_week: bool) -> bool:
    """Whether a target's weekly bundle should go now: none sent this week, and within a working day's hours.

    So on Monday morning, or on Tuesday after a bank holiday Monday.
    """
    return not sent_this_week and in_sending_hours(now=now, sending_from=sending_from, sending_until=sending_until)


def week_of(moment: datetime) -> date:
    """The Monday (UK) of the week a moment falls in: what keys a target's weekly bundle."""
    day = london_day(moment)
    return day - timedelta(days=day.weekday())


def uk_day_start(now: datetime) -> datetime:
    """Midnight in London at the start of ``now``'s UK day."""
    day = london_day(now)
    return datetime(day.year, day.month, day.day, tzinfo=LONDON)


# --- whose turn, and where it goes ------------------------------------------------------------


def letters_waiting() -> QuerySet[ConstituentLetter]:
    """Confirmed letters not yet handed to the outbox."""
    return ConstituentLetter.objects.filter(
        status=LetterStatus.QUEUED, released_at__isnull=True, erased_at__isnull=True
    )


def _in_turn(letters: QuerySet[ConstituentLetter]) -> QuerySet[ConstituentLetter]:
    return letters.order_by("confirmed_at", "pk")


def office_address(*, action: LetterToRepresentativePage, target_key: str, snapshot: str = "") -> str:
    """Where an office's letters go now ("" while there is nowhere: a vacant seat, no address).

    An MP's letters go to whoever holds the seat when they go: after an election the new MP
    answers for the constituency. Only when the seat is missing from the loaded data is the
    address the letter was confirmed with used.
    """
    if target_key == NAMED_TARGET_KEY:
        return action.target_email or snapshot
    found = seat(target_key)
    if found is None:
        return snapshot
    return "" if found.is_vacant else found.email


def _sent_today(*, action_id: int, target_key: str, now: datetime) -> int:
    return ConstituentLetter.objects.filter(
        action_id=action_id, target_key=target_key, bundle__isnull=True, released_at__gte=uk_day_start(now)
    ).count()


def _latest_snapshot(letters: QuerySet[ConstituentLetter]) -> str:
    return str(
        letters.exclude(target_email="").order_by("-confirmed_at").values_list("target_email", flat=True).first() or ""
    )


@dataclass
class ReleaseRun:
    letters: int = 0
    offices: int = 0
    held_without_address: int = 0


def letters_release(*, now: datetime | None = None) -> ReleaseRun:
    """Hand each office's next letters to the outbox, as many as its pace allows now."""
    now = now or timezone.now()
    run = ReleaseRun()
    groups = set(
        letters_waiting()
        .filter(action__delivery=LetterDelivery.EACH)
        .values_list("action_id", "target_key")
        .distinct()
    )
    actions = _actions({action_id for action_id, _ in groups})
    for action_id, target_key in sorted(groups):
        released, held = _release_for_office(action=actions[action_id], target_key=target_key, now=now)
        run.letters += released
        run.offices += 1 if released else 0
        run.held_without_address += held
    if run.letters:
        log_action(
            "campaigns.letters.released",
            data={"letters": run.letters, "offices": run.offices},
            screen="task: campaigns.release_letters",
        )
    return run


def _actions(ids: set[int]) -> dict[int, LetterToRepresentativePage]:
    return {action.pk: action for action in LetterToRepresentativePage.objects.filter(pk__in=ids)}


@transaction.atomic
def _release_for_office(*, action: LetterToRepresentativePage, target_key: str, now: datetime) -> tuple[int, int]:
    """Release one office's letters that may go now; returns (released, held for want of an address)."""
    mine = letters_waiting().filter(action=action, target_key=target_key)
    # The queue is locked before the day's count is read: a second run at the same moment waits
    # here, then counts what this one released, so together they never pass the cap.
    queue = list(_in_turn(mine).select_for_update().values_list("pk", "person_id")[: action.daily_cap])
    if not queue:
        return 0, 0
    room = letters_may_release(
        now=now,
        sent_today=_sent_today(action_id=action.pk, target_key=target_key, now=now),
        cap=action.daily_cap,
        sending_from=action.sending_from,
        sending_until=action.sending_until,
    )
    if room <= 0:
        return 0, 0
    address = office_address(action=action, target_key=target_key, snapshot=_latest_snapshot(mine))
    if not address:
        return 0, len(queue)
    chosen = queue[:room]
    ConstituentLetter.objects.filter(pk__in=[pk for pk, _ in chosen]).update(released_at=now)
    # The office's public address rides on the row: the letter goes where it was released to.
    outbox_add_many(
        outbox_row(kind=LETTER_TO_OFFICE_EMAIL, about_id=pk, person_id=person_id, address=address)
        for pk, person_id in chosen
    )
    return len(chosen), 0


# --- the weekly bundle -------------------------------------------------------------------------


def letter_bundles_send(*, now: datetime | None = None) -> int:
    """Bundle each office's waiting letters once a week, for actions that deliver that way; returns how many.

    A bundle goes on the week's first working day, in the sending hours.
    """
    now = now or timezone.now()
    groups = set(
        letters_waiting()
        .filter(action__delivery=LetterDelivery.WEEKLY)
        .values_list("action_id", "target_key")
        .distinct()
    )
    actions = _actions({action_id for action_id, _ in groups})
    made = 0
    for action_id, target_key in sorted(groups):
        action = actions[action_id]
        sent_this_week = LetterBundle.objects.filter(action=action, target_key=target_key, week=week_of(now)).exists()
        if not digest_due(
            now=now,
            sending_from=action.sending_from,
            sending_until=action.sending_until,
            sent_this_week=sent_this_week,
        ):
            continue
        if letter_bundle_make(action=action, target_key=target_key, now=now, week=week_of(now)) is not None:
            made += 1
    return made


@transaction.atomic
def letter_bundle_make(
    *,
    action: LetterToRepresentativePage,
    target_key: str,
    now: datetime | None = None,
    week: date | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> LetterBundle | None:
    """Put an office's waiting letters (oldest first, up to BUNDLE_MOST) in one bundle for the outbox.

    None when there is nothing to send, nowhere to send it, or this week's went already.
    """
    now = now or timezone.now()
    mine = letters_waiting().filter(action=action, target_key=target_key)
    queue = list(
        _in_turn(mine).select_for_update().values_list("pk", "constituency_name", "target_name")[:BUNDLE_MOST]
    )
    if not queue:
        return None
    address = office_address(action=action, target_key=target_key, snapshot=_latest_snapshot(mine))
    if not address:
        return None
    _, constituency_name, target_name = queue[-1]
    try:
        # A savepoint: the weekly job and a second run racing it meet the constraint, not a broken transaction.
        with transaction.atomic():
            bundle = LetterBundle.objects.create(
                action=action,
                target_key=target_key,
                target_name=action.target_name if target_key == NAMED_TARGET_KEY else target_name,
                constituency_name=constituency_name,
                week=week,
                size=len(queue),
                created_by=actor,
                created_at=now,
            )
    except IntegrityError:
        return None
    ConstituentLetter.objects.filter(pk__in=[pk for pk, _, _ in queue]).update(released_at=now, bundle=bundle)
    outbox_add(kind=LETTER_BUNDLE_EMAIL, about_id=bundle.pk, address=address, dedupe_key=f"bundle:{bundle.pk}")
    log_action(
        "campaigns.letters.bundled",
        actor=actor,
        obj=bundle,
        data={"action": action.pk, "letters": len(queue), "early": week is None},
        request=request,
        screen="" if actor is not None else "task: campaigns.send_letter_bundles",
    )
    return bundle


def letter_bundle_send_now(
    *, action: LetterToRepresentativePage, target_key: str, actor: Any, request: HttpRequest | None = None
) -> LetterBundle | None:
    """Staff send an office's bundle now instead of waiting for the week's; None if nothing waits."""
    if not getattr(actor, "has_perm", None) or not actor.has_perm(BUNDLE_PERMISSION):
        raise PermissionDenied("You do not have permission to do that.")
    if action.delivery != LetterDelivery.WEEKLY:
        raise ValueError("This action sends each letter on its own, at the daily pace.")
    return letter_bundle_make(action=action, target_key=target_key, actor=actor, request=request)


# --- what the outbox did -------------------------------------------------------------------------


@dataclass
class SettleRun:
    sent: int = 0
    refused: int = 0
    requeued: int = 0
    dropped: int = 0


def _latest_rows(kind: str, about_ids: list[int]) -> dict[int, OutboxMessage]:
    """The newest outbox row of ``kind`` about each id (a letter put back in the queue has two)."""
    latest: dict[int, OutboxMessage] = {}
    rows = OutboxMessage.objects.filter(kind=kind, about_id__in=about_ids).only(
        "pk", "about_id", "status", "settled_at", "created_at"
    )
    for row in rows.order_by("pk"):
        assert row.about_id is not None
        latest[row.about_id] = row
    return latest


def letters_settle(*, now: datetime | None = None) -> SettleRun:
    """Record what the outbox did with released letters and bundles: sent, or refused for good."""
    now = now or timezone.now()
    run = SettleRun()
    _settle_letters(now=now, run=run)
    _settle_bundles(now=now, run=run)
    if run.sent or run.refused:
        log_action(
            "campaigns.letters.settled",
            data={"sent": run.sent, "refused": run.refused},
            screen="task: campaigns.release_letters",
        )
    return run


def _settle_letters(*, now: datetime, run: SettleRun) -> None:
    on_the_way = ConstituentLetter.objects.filter(
        status=LetterStatus.QUEUED, released_at__isnull=False, bundle__isnull=True
    )
    letters = {
        pk: (released_at, erased)
        for pk, released_at, erased in on_the_way.values_list("pk", "released_at", "erased_at")
    }
    if not letters:
        return
    rows = _latest_rows(LETTER_TO_OFFICE_EMAIL, list(letters))
    sent: dict[datetime, list[int]] = defaultdict(list)
    refused, requeue, drop = [], [], []
    for pk, (released_at, erased_at) in letters.items():
        row = rows.get(pk)
        if row is None:
            # No row: a person's erasure removed it, or (never expected) it vanished.
            if erased_at is not None:
                drop.append(pk)
            elif released_at is None or released_at < now - LOST_RELEASE_AFTER:
                requeue.append(pk)
        elif row.status == OutboxStatus.SENT:
            sent[row.settled_at or now].append(pk)
        elif row.status == OutboxStatus.FAILED:
            refused.append(pk)
        elif row.status == OutboxStatus.SKIPPED:
            (drop if erased_at is not None else requeue).append(pk)
    with transaction.atomic():
        for settled_at, ids in sent.items():
            run.sent += ConstituentLetter.objects.filter(pk__in=ids, status=LetterStatus.QUEUED).update(
                status=LetterStatus.SENT, sent_at=settled_at
            )
        run.refused += _refuse(refused, now=now)
        run.requeued += ConstituentLetter.objects.filter(pk__in=requeue, status=LetterStatus.QUEUED).update(
            released_at=None
        )
        # Erased before it went: never delivered, nothing of it to count.
        run.dropped += ConstituentLetter.objects.filter(pk__in=drop, status=LetterStatus.QUEUED).delete()[0]


def _settle_bundles(*, now: datetime, run: SettleRun) -> None:
    waiting = dict(LetterBundle.objects.filter(status=LetterBundleStatus.WAITING).values_list("pk", "created_at"))
    if not waiting:
        return
    rows = _latest_rows(LETTER_BUNDLE_EMAIL, list(waiting))
    for bundle_id, created_at in waiting.items():
        row = rows.get(bundle_id)
        with transaction.atomic():
            if row is not None and row.status == OutboxStatus.SENT:
                moment = row.settled_at or now
                if LetterBundle.objects.filter(pk=bundle_id, status=LetterBundleStatus.WAITING).update(
                    status=LetterBundleStatus.SENT, settled_at=moment
                ):
                    in_it = ConstituentLetter.objects.filter(bundle_id=bundle_id, status=LetterStatus.QUEUED)
                    # Erased after it was bundled: left out of the email, so never delivered.
                    run.dropped += in_it.filter(erased_at__isnull=False).delete()[0]
                    delivered = in_it.update(status=LetterStatus.SENT, sent_at=moment)
                    LetterBundle.objects.filter(pk=bundle_id).update(size=delivered)
                    run.sent += delivered
            elif row is not None and row.status == OutboxStatus.FAILED:
                if LetterBundle.objects.filter(pk=bundle_id, status=LetterBundleStatus.WAITING).update(
                    status=LetterBundleStatus.REFUSED, settled_at=now
                ):
                    ids = list(
                        ConstituentLetter.objects.filter(bundle_id=bundle_id, status=LetterStatus.QUEUED).values_list(
                            "pk", flat=True
                        )
                    )
                    run.refused += _refuse(ids, now=now)
            elif (row is not None and row.status == OutboxStatus.SKIPPED) or (
                row is None and created_at < now - LOST_RELEASE_AFTER
            ):
                # Nothing was left to send (every letter in it erased): the bundle never went.
                in_it = ConstituentLetter.objects.filter(bundle_id=bundle_id, status=LetterStatus.QUEUED)
                run.dropped += in_it.filter(erased_at__isnull=False).delete()[0]
                run.requeued += in_it.update(released_at=None, bundle=None)
                LetterBundle.objects.filter(pk=bundle_id, status=LetterBundleStatus.WAITING).delete()


def _refuse(ids: list[int], *, now: datetime) -> int:
    """Mark letters refused for good, and queue one email to each writer saying so."""
    if not ids:
        return 0
    refused = list(
        ConstituentLetter.objects.filter(pk__in=ids, status=LetterStatus.QUEUED).values_list("pk", "person_id")
    )
    ConstituentLetter.objects.filter(pk__in=[pk for pk, _ in refused]).update(
        status=LetterStatus.REFUSED, refused_at=now
    )
    # Keyed: however often this runs, each writer hears once.
    outbox_add_many(
        outbox_row(kind=LETTER_REFUSED_EMAIL, about_id=pk, person_id=person_id, dedupe_key=f"letter-refused:{pk}")
        for pk, person_id in refused
        if person_id is not None
    )
    log_actions(
        "campaigns.letter.refused",
        objs=[ConstituentLetter(pk=pk) for pk, _ in refused],
        screen="task: campaigns.release_letters",
    )
    return len(refused)


# --- when will mine go? ----------------------------------------------------------------------------


def letter_expected_send_date(letter: ConstituentLetter, *, now: datetime | None = None) -> date | None:
    """The UK day a confirmed letter is expected to reach its office (the day it went, once sent).

    None when it is not waiting (unconfirmed, refused, erased) or cannot go (no office address).
    """
    now = now or timezone.now()
    if letter.status == LetterStatus.SENT and letter.sent_at is not None:
        return london_day(letter.sent_at)
    if letter.status != LetterStatus.QUEUED or letter.erased_at is not None or letter.confirmed_at is None:
        return None
    if letter.released_at is not None:
        return london_day(max(letter.released_at, now))
    action = LetterToRepresentativePage.objects.get(pk=letter.action_id)
    if action.delivery == LetterDelivery.WEEKLY:
        sent_this_week = LetterBundle.objects.filter(
            action=action, target_key=letter.target_key, week=week_of(now)
        ).exists()
        return next_digest_day(now=now, sending_until=action.sending_until, sent_this_week=sent_this_week)
    ahead = (
        letters_waiting()
        .filter(action=action, target_key=letter.target_key)
        .filter(Q(confirmed_at__lt=letter.confirmed_at) | Q(confirmed_at=letter.confirmed_at, pk__lt=letter.pk))
        .count()
    )
    return expected_release_day(
        now=now,
        place=ahead + 1,
        cap=action.daily_cap,
        sent_today=_sent_today(action_id=action.pk, target_key=letter.target_key, now=now),
        sending_from=action.sending_from,
        sending_until=action.sending_until,
    )

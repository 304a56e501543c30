"""The life of an issue: schedule, send, pause, resume, finish, and deliveries in doubt.

Every status change is a move of ``chorus.bulletin.workflow.ISSUE_WORKFLOW``, made by the
one engine (``chorus.core.workflow.transition``): it locks, checks, writes and audits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import batched
from typing import Any

from django.db import transaction
from django.utils import timezone

from chorus.bulletin.models import (
    SCHEDULE_FAILED_EMAIL,
    BulletinIssue,
    Delivery,
    DeliveryStatus,
    IssueStatus,
)
from chorus.bulletin.selectors import (
    delivery_counts,
    recipients_for,
    schedule_failure_recipients,
    subscription_topic_keys,
)
from chorus.bulletin.workflow import ISSUE_WORKFLOW
from chorus.core.audit import log_action
from chorus.core.outbox import outbox_add_many, outbox_row
from chorus.core.workflow import SYSTEM, TransitionNotAllowed, transition


class IssueStateError(Exception):
    """The issue is not in a state that allows this action."""


class IssueRepublishedError(IssueStateError):
    """The issue was published again after the sender looked at it: what they checked is not what is live."""

    def __init__(self) -> None:
        super().__init__(REPUBLISHED_MESSAGE)


REPUBLISHED_MESSAGE = "The issue was published again after you looked at it. Check the preview below, then send."
# Shown when a send finds the version it was sending gone (its revision was deleted).
VERSION_GONE_REASON = (
    "Paused: the version being sent is no longer on record. "
    "Check the preview, then resume to send the version published now."
)


def _lock_issue(issue: BulletinIssue) -> BulletinIssue:
    locked: BulletinIssue = BulletinIssue.objects.select_for_update().get(pk=issue.pk)
    return locked


def _move(issue: BulletinIssue, name: str, *, actor: Any, **options: Any) -> BulletinIssue:
    """Make one move of ``ISSUE_WORKFLOW``; a person is checked by permission, no one is the system.

    The engine writes only the send-state columns it is given (a queryset update): never
    the editor's content or revisions.
    """
    mover = actor if getattr(actor, "pk", None) else SYSTEM
    try:
        moved: BulletinIssue = transition(ISSUE_WORKFLOW, issue, name=name, actor=mover, **options)
    except TransitionNotAllowed as refused:
        raise IssueStateError(str(refused)) from None
    return moved


def deliveries_freeze(*, issue: BulletinIssue, chunk_size: int = 5000) -> int:
    """Write one queued delivery per recipient, in chunks; repeating it adds nobody twice.

    Each row records the topics its recipient had chosen, so every try sends them the same
    edition even if they change their topics mid-send; a row already frozen is kept as it is.
    """
    ids = recipients_for(issue).order_by("pk").values_list("pk", flat=True)
    created = 0
    for chunk in batched(ids.iterator(chunk_size=chunk_size), chunk_size):
        chosen = subscription_topic_keys(subscription_ids=chunk)
        rows = [Delivery(issue_id=issue.pk, subscription_id=pk, chosen_topics=chosen.get(pk, "")) for pk in chunk]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(chunk)
    return created


@transaction.atomic
def issue_schedule(*, issue: BulletinIssue, when: datetime, actor: Any) -> BulletinIssue:
    """Send automatically at a set time (the scheduler starts it)."""

    def published(locked: BulletinIssue, _: Any) -> None:
        if not locked.live:
            raise IssueStateError("Publish the issue before scheduling it.")

    return _move(
        issue,
        "scheduled",
        actor=actor,
        check=published,
        changes={
            "scheduled_for": when,
            "scheduled_by": actor if getattr(actor, "pk", None) else None,
            "schedule_failed_reason": "",
        },
        audit_data={"when": when.isoformat()},
    )


@transaction.atomic
def issue_publish_latest(*, issue: BulletinIssue, actor: Any) -> int:
    """Publish the issue's latest saved version from the sending screen; returns its revision id.

    Through Wagtail's own publishing (``Revision.publish``), so the page, its history and
    its search entry change as they do when published in the editor. Only before sending
    starts, and only for someone Wagtail lets publish the page.
    """
    locked = _lock_issue(issue)
    if locked.status not in {IssueStatus.DRAFT, IssueStatus.SCHEDULED}:
        raise IssueStateError("Sending has started, so this issue can no longer be published again from here.")
    if not locked.permissions_for_user(actor).can_publish():
        raise IssueStateError("You cannot publish this issue. Ask an editor to publish it.")
    revision = locked.get_latest_revision()
    if revision is None or (locked.live and revision.pk == locked.live_revision_id):
        raise IssueStateError("There are no unpublished changes: the latest version is already published.")
    revision.publish(user=actor)
    log_action("bulletin.issue.published", actor=actor, obj=locked, data={"revision": revision.pk})
    return int(revision.pk)


@transaction.atomic
def issue_schedule_cancel(*, issue: BulletinIssue, actor: Any) -> bool:
    """Take a scheduled issue back to draft so it is not sent; False if it was not scheduled (safe to repeat)."""
    locked = _lock_issue(issue)
    if locked.status == IssueStatus.DRAFT:
        return False
    was_due = locked.scheduled_for
    _move(
        locked,
        "schedule_cancelled",
        actor=actor,
        changes={"scheduled_for": None, "scheduled_by": None},
        audit_data={"was_due": was_due.isoformat() if was_due else ""},
    )
    return True


def send_refusal(issue: BulletinIssue) -> str:
    """Why the issue cannot start sending now, in words for staff; empty if it can."""
    if issue.status not in {IssueStatus.DRAFT, IssueStatus.SCHEDULED}:
        return "This issue has already been sent or is sending."
    if not issue.live:
        return "The issue is not published: publish it before sending it."
    if issue.live_revision_id is None:
        # Live without a revision (made in code, never published from the editor): there
        # is no fixed version to send, so every batch could not render the same thing.
        return "The issue has no published version on record: publish it again before sending it."
    return ""


def _start_sending(
    issue: BulletinIssue,
    *,
    actor: Any,
    screen: str = "",
    check: Callable[[BulletinIssue, Any], None] | None = None,
) -> int:
    from chorus.bulletin import tasks

    recipients = 0

    def freeze_and_enqueue(locked: BulletinIssue) -> dict[str, Any]:
        nonlocal recipients
        recipients = deliveries_freeze(issue=locked)
        transaction.on_commit(lambda: tasks.send_issue.enqueue(locked.pk))
        return {"recipients": recipients, "revision": locked.sending_revision_id}

    _move(
        issue,
        "sending",
        actor=actor,
        check=check,
        changes=lambda locked: {
            "send_started_at": timezone.now(),
            "paused_reason": "",
            "schedule_failed_reason": "",
            # Read under the issue's lock: every batch, and any resume, renders this one version.
            "sending_revision_id": locked.live_revision_id,
        },
        hooks=[freeze_and_enqueue],
        screen=screen,
    )
    return recipients


@transaction.atomic
def issue_send(*, issue: BulletinIssue, revision_id: int | None = None, actor: Any = None) -> int:
    """Freeze the recipient list and start sending ``revision_id``; returns how many recipients.

    The sending screen passes the revision it showed, and the send is refused, with nothing
    frozen, if another has been published since. None sends whatever is live (scripts, tests).
    """

    def sendable(locked: BulletinIssue, _: Any) -> None:
        if refusal := send_refusal(locked):
            raise IssueStateError(refusal)
        if revision_id is not None and revision_id != locked.live_revision_id:
            raise IssueRepublishedError

    return _start_sending(issue, actor=actor, check=sendable)


@transaction.atomic
def issue_send_scheduled(*, issue_id: int, now: datetime | None = None) -> int | None:
    """Start a scheduled issue whose time has come; returns recipients, or None if it did not start.

    An issue that can no longer be sent (unpublished since it was scheduled, say) goes
    back to draft with the reason on the sending screen, and whoever scheduled it is told,
    rather than waiting as "Scheduled" for ever.
    """

    now = now or timezone.now()
    issue = BulletinIssue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None or issue.status != IssueStatus.SCHEDULED or issue.scheduled_for is None:
        return None  # started by another scheduler, or cancelled, a moment ago
    if issue.scheduled_for > now:
        return None  # moved to a later time since the scheduler looked
    refusal = send_refusal(issue)
    if not refusal:
        return _start_sending(issue, actor=None, screen="scheduled job")
    _move(
        issue,
        "schedule_failed",
        actor=None,
        changes={"schedule_failed_reason": refusal[:200]},
        audit_data={
            "was_due": issue.scheduled_for.isoformat(),
            "reason": refusal,
            "scheduled_by": issue.scheduled_by_id,
        },
        screen="scheduled job",
    )
    issue_schedule_failure_notify(issue_id=issue.pk)
    return None


def issue_schedule_failure_notify(*, issue_id: int) -> int:
    """Queue emails that a scheduled send did not happen and why; returns how many will be told.

    Each email is built when it goes (chorus.bulletin.emails), so one whose issue has been
    scheduled or sent again meanwhile is not sent at all.
    """
    issue = BulletinIssue.objects.select_related("scheduled_by").filter(pk=issue_id).first()
    if issue is None or issue.status != IssueStatus.DRAFT or not issue.schedule_failed_reason:
        return 0  # scheduled or sent again since: nothing left to report
    recipients, stand_ins = schedule_failure_recipients(issue)
    outbox_add_many(
        outbox_row(
            kind=SCHEDULE_FAILED_EMAIL,
            about_id=issue.pk,
            user_id=user.pk,
            payload={"stand_ins": stand_ins},
            # Once per person for each time the issue was due.
            dedupe_key=f"{issue.pk}:{issue.scheduled_for.isoformat() if issue.scheduled_for else ''}:{user.pk}",
        )
        for user in recipients
    )
    log_action(
        "bulletin.issue.schedule_failure_emailed",
        obj=issue,
        data={"recipients": len(recipients), "stand_ins": stand_ins},
        screen="scheduled job",
    )
    return len(recipients)


@transaction.atomic
def issue_pause(*, issue: BulletinIssue, actor: Any = None, reason: str = "Paused by staff") -> BulletinIssue:
    """Stop claiming new batches; batches in flight finish their current message and stop."""
    return _move(
        issue,
        "paused",
        actor=actor,
        changes={"paused_reason": reason[:200]},
        audit_data={"reason": reason[:200]},
    )


@transaction.atomic
def issue_resume(*, issue: BulletinIssue, actor: Any = None, retry_failed: bool = True) -> BulletinIssue:
    """Carry on sending; failed deliveries (refused by the server) are queued again."""
    from chorus.bulletin import tasks

    def version_to_send(locked: BulletinIssue, _: Any) -> None:
        # The version in flight was deleted (see VERSION_GONE_REASON): staff resume with the
        # version published now, which the sending screen and preview show them.
        if locked.sending_revision_id is None and (not locked.live or locked.live_revision_id is None):
            raise IssueStateError("The issue is not published: publish it before resuming.")

    def requeue_and_enqueue(locked: BulletinIssue) -> dict[str, Any]:
        requeued = 0
        if retry_failed:
            requeued = Delivery.objects.filter(issue=locked, status=DeliveryStatus.FAILED).update(
                status=DeliveryStatus.QUEUED, error=""
            )
        transaction.on_commit(lambda: tasks.send_issue.enqueue(locked.pk))
        return {"requeued": requeued, "revision": locked.sending_revision_id}

    return _move(
        issue,
        "resumed",
        actor=actor,
        check=version_to_send,
        changes=lambda locked: {
            "paused_reason": "",
            "sending_revision_id": locked.sending_revision_id or locked.live_revision_id,
        },
        hooks=[requeue_and_enqueue],
    )


@transaction.atomic
def issue_finish_if_done(*, issue_id: int) -> bool:
    """Mark an issue sent once nothing is queued or claimed; in-doubt rows wait for staff."""
    issue = BulletinIssue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None or issue.status != IssueStatus.SENDING:
        return False
    open_rows = Delivery.objects.filter(
        issue_id=issue_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.CLAIMED]
    ).exists()
    if open_rows:
        return False
    _move(
        issue,
        "sent",
        actor=None,
        changes={"send_finished_at": timezone.now()},
        hooks=[lambda locked: delivery_counts(issue_id=issue_id)],
    )
    return True


@transaction.atomic
def deliveries_reconcile(*, issue: BulletinIssue, delivery_ids: list[int], outcome: str, actor: Any) -> int:
    """Staff decide what happened to deliveries in doubt: they were sent, or send them again."""
    if outcome not in {"sent", "resend"}:
        raise ValueError("outcome must be 'sent' or 'resend'")
    rows = Delivery.objects.filter(issue=issue, pk__in=delivery_ids, status=DeliveryStatus.IN_DOUBT)
    if outcome == "sent":
        count = rows.update(status=DeliveryStatus.SENT, error="confirmed sent by staff")
    else:
        count = rows.update(status=DeliveryStatus.QUEUED, claimed_by="", claimed_at=None, error="")
    log_action("bulletin.delivery.reconciled", actor=actor, obj=issue, data={"outcome": outcome, "count": count})
    if outcome == "resend" and count:
        from chorus.bulletin import tasks

        locked = _lock_issue(issue)
        if locked.status == IssueStatus.SENT:
            # Sent before versions were recorded: resend what is published, as that send did.
            _move(
                locked,
                "resending",
                actor=actor,
                changes={"sending_revision_id": locked.sending_revision_id or locked.live_revision_id},
            )
        transaction.on_commit(lambda: tasks.send_issue.enqueue(issue.pk))
    return count

"""The life of an issue: schedule, send, pause, resume, finish, and deliveries in doubt."""

from __future__ import annotations

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
from chorus.core.audit import log_action
from chorus.core.outbox import outbox_add_many, outbox_row


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


def _save_state(issue: BulletinIssue) -> None:
    # Only send-state columns: never touch the editor's content or revisions.
    attnames = [
        BulletinIssue._meta.get_field(name).attname
        for name in BulletinIssue.SEND_STATE_FIELDS
        if name != "assembled_for"
    ]
    BulletinIssue.objects.filter(pk=issue.pk).update(**{attname: getattr(issue, attname) for attname in attnames})


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
    issue = _lock_issue(issue)
    if issue.status not in {IssueStatus.DRAFT, IssueStatus.SCHEDULED}:
        raise IssueStateError("Only a draft can be scheduled.")
    if not issue.live:
        raise IssueStateError("Publish the issue before scheduling it.")
    issue.status = IssueStatus.SCHEDULED
    issue.scheduled_for = when
    issue.scheduled_by = actor if getattr(actor, "pk", None) else None
    issue.schedule_failed_reason = ""
    _save_state(issue)
    log_action("bulletin.issue.scheduled", actor=actor, obj=issue, data={"when": when.isoformat()})
    return issue


@transaction.atomic
def issue_schedule_cancel(*, issue: BulletinIssue, actor: Any) -> bool:
    """Take a scheduled issue back to draft so it is not sent; False if it was not scheduled (safe to repeat)."""
    issue = _lock_issue(issue)
    if issue.status == IssueStatus.DRAFT:
        return False
    if issue.status != IssueStatus.SCHEDULED:
        raise IssueStateError("Sending has already started, so there is no schedule to cancel.")
    was_due = issue.scheduled_for
    issue.status = IssueStatus.DRAFT
    issue.scheduled_for = None
    issue.scheduled_by = None
    _save_state(issue)
    log_action(
        "bulletin.issue.schedule_cancelled",
        actor=actor,
        obj=issue,
        data={"was_due": was_due.isoformat() if was_due else ""},
    )
    return True


def _send_refusal(issue: BulletinIssue) -> str:
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


def _start_sending(issue: BulletinIssue, *, actor: Any, screen: str = "") -> int:
    from chorus.bulletin import tasks

    count = deliveries_freeze(issue=issue)
    issue.status = IssueStatus.SENDING
    issue.send_started_at = timezone.now()
    issue.paused_reason = ""
    issue.schedule_failed_reason = ""
    # Read under the issue's lock: every batch, and any resume, renders this one version.
    issue.sending_revision_id = issue.live_revision_id
    _save_state(issue)
    log_action(
        "bulletin.issue.sending",
        actor=actor,
        obj=issue,
        data={"recipients": count, "revision": issue.sending_revision_id},
        screen=screen,
    )
    transaction.on_commit(lambda: tasks.send_issue.enqueue(issue.pk))
    return count


@transaction.atomic
def issue_send(*, issue: BulletinIssue, revision_id: int | None = None, actor: Any = None) -> int:
    """Freeze the recipient list and start sending ``revision_id``; returns how many recipients.

    The sending screen passes the revision it showed, and the send is refused, with nothing
    frozen, if another has been published since. None sends whatever is live (scripts, tests).
    """
    issue = _lock_issue(issue)
    if refusal := _send_refusal(issue):
        raise IssueStateError(refusal)
    if revision_id is not None and revision_id != issue.live_revision_id:
        raise IssueRepublishedError
    return _start_sending(issue, actor=actor)


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
    refusal = _send_refusal(issue)
    if not refusal:
        return _start_sending(issue, actor=None, screen="scheduled job")
    issue.status = IssueStatus.DRAFT
    issue.schedule_failed_reason = refusal[:200]
    _save_state(issue)
    log_action(
        "bulletin.issue.schedule_failed",
        obj=issue,
        data={
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
    issue = _lock_issue(issue)
    if issue.status != IssueStatus.SENDING:
        raise IssueStateError("Only a sending issue can be paused.")
    issue.status = IssueStatus.PAUSED
    issue.paused_reason = reason[:200]
    _save_state(issue)
    log_action("bulletin.issue.paused", actor=actor, obj=issue, data={"reason": reason[:200]})
    return issue


@transaction.atomic
def issue_resume(*, issue: BulletinIssue, actor: Any = None, retry_failed: bool = True) -> BulletinIssue:
    """Carry on sending; failed deliveries (refused by the server) are queued again."""
    from chorus.bulletin import tasks

    issue = _lock_issue(issue)
    if issue.status != IssueStatus.PAUSED:
        raise IssueStateError("Only a paused issue can be resumed.")
    if issue.sending_revision_id is None:
        # The version in flight was deleted (see VERSION_GONE_REASON): staff resume with the
        # version published now, which the sending screen and preview show them.
        if not issue.live or issue.live_revision_id is None:
            raise IssueStateError("The issue is not published: publish it before resuming.")
        issue.sending_revision_id = issue.live_revision_id
    requeued = 0
    if retry_failed:
        requeued = Delivery.objects.filter(issue=issue, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.QUEUED, error=""
        )
    issue.status = IssueStatus.SENDING
    issue.paused_reason = ""
    _save_state(issue)
    log_action(
        "bulletin.issue.resumed",
        actor=actor,
        obj=issue,
        data={"requeued": requeued, "revision": issue.sending_revision_id},
    )
    transaction.on_commit(lambda: tasks.send_issue.enqueue(issue.pk))
    return issue


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
    issue.status = IssueStatus.SENT
    issue.send_finished_at = timezone.now()
    _save_state(issue)
    log_action("bulletin.issue.sent", obj=issue, data=delivery_counts(issue_id=issue_id))
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
            locked.status = IssueStatus.SENDING
            if locked.sending_revision_id is None:
                # Sent before versions were recorded: resend what is published, as that send did.
                locked.sending_revision_id = locked.live_revision_id
            _save_state(locked)
        transaction.on_commit(lambda: tasks.send_issue.enqueue(issue.pk))
    return count

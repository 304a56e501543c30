"""Writes for the bulletin: subscriptions, bounces, composing and the life of an issue."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from chorus.bulletin.models import (
    SCHEDULE_FAILED_EMAIL,
    SUBSCRIBE_REQUEST_EMAIL,
    Bounce,
    BounceKind,
    BulletinIndexPage,
    BulletinIssue,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    Subscription,
    SubscriptionStatus,
)
from chorus.bulletin.permissions import SEND_PERMISSION
from chorus.core.audit import log_action
from chorus.core.digest import DigestItem
from chorus.core.outbox import outbox_add, outbox_add_many, outbox_row
from chorus.core.ratelimit import Limit, within_limits
from chorus.pages.models import PriorityAreaPage
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.services import (
    consent_give,
    consent_withdraw,
    consent_withdraw_one,
    person_find_by_email,
    person_get_or_create,
)

logger = logging.getLogger(__name__)

# The exact words beside the subscribe button; stored with each consent record.
CONSENT_WORDING = (
    "Send me the weekly members' bulletin by email. I can change my topics, pause it or "
    "unsubscribe at any time with the link in every bulletin."
)
CONSENT_WORDING_VERSION = "2026-11"
# No one can use the form to flood an address with confirmation emails.
ADDRESS_LIMITS = [Limit(3, 3600), Limit(6, 86400)]
SENDABLE = (SubscriptionStatus.ACTIVE,)
RECEIVING = (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED)
ENDED = (SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.SUSPENDED)


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


def _set_status(subscription: Subscription, status: str) -> None:
    now = timezone.now()
    subscription.status = status
    subscription.status_changed_at = now
    # The retention clock starts when sending first stops and stops only when the person
    # comes back (confirming again): a new request they never confirm does not reset it.
    if status in ENDED and subscription.ended_at is None:
        subscription.ended_at = now
    elif status in RECEIVING:
        subscription.ended_at = None


def _activate(subscription: Subscription) -> None:
    """Start sending to an address that has just been proved, with its bounce counts cleared."""
    _set_status(subscription, SubscriptionStatus.ACTIVE)
    subscription.confirmed_at = timezone.now()
    subscription.hard_bounces = subscription.soft_bounces = 0
    subscription.save()


# --- subscribing -------------------------------------------------------------------


def subscription_request_queue(
    *, email: str, name: str = "", topic_ids: Iterable[int] = (), source: str = "bulletin subscribe form"
) -> None:
    """Take a subscribe form's answers: one outbox row, the same work whoever the address belongs to.

    Looking the address up here would make a known address answer more slowly than an
    unknown one; the outbox's run files the request (``subscription_request``) and sends
    a confirmation link or an "already subscribed" note.
    """
    outbox_add(
        kind=SUBSCRIBE_REQUEST_EMAIL,
        address=email,
        payload={"name": name, "topics": sorted(set(topic_ids)), "source": source[:200]},
    )


@dataclass(frozen=True)
class SubscribeAnswer:
    """What a subscribe request came to, and which email (if any) to send about it."""

    subscription: Subscription
    email: str  # "confirm", "already_subscribed", or "" when the address had enough emails today


@transaction.atomic
def subscription_request(
    *, email: str, name: str = "", topic_ids: Iterable[int] = (), source: str = "bulletin subscribe form"
) -> SubscribeAnswer:
    """Start a double opt-in; the screen always says "check your email", whatever the state."""
    # The name is used only for a new person: an anonymous form never edits someone's record.
    person, _ = person_get_or_create(email=email, name=name)
    subscription, created = Subscription.objects.select_for_update().get_or_create(person=person)
    already_active = subscription.status in {SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED}
    if not already_active:
        # Topics only change for an address that is not yet receiving, so a stranger
        # cannot rearrange someone else's live subscription from the public form.
        if subscription.status != SubscriptionStatus.SUSPENDED:
            _set_status(subscription, SubscriptionStatus.PENDING)
        subscription.topics.set(PriorityAreaPage.objects.filter(pk__in=list(topic_ids)))
    answer = ""
    if within_limits("bulletin-address", person.email_index or str(person.pk), ADDRESS_LIMITS):
        answer = "already_subscribed" if already_active else "confirm"
        # A new link replaces the last one sent (tokens.confirm_token); none is replaced
        # when no email goes, so a flood of requests cannot stop its owner's link working.
        subscription.confirmation_sent_at = timezone.now()
    subscription.save()
    log_action(
        "bulletin.subscription.requested",
        obj=subscription,
        data={"created": created, "status": subscription.status},
        screen=source[:200],
    )
    return SubscribeAnswer(subscription=subscription, email=answer)


@transaction.atomic
def subscription_confirm(*, subscription: Subscription, source: str = "bulletin confirmation page") -> Subscription:
    """Activate after the person pressed the button in the confirmation page; records consent."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status in RECEIVING:
        return subscription
    _activate(subscription)
    consent_give(
        person=subscription.person,
        purpose=ConsentPurpose.BULLETIN,
        wording=CONSENT_WORDING,
        wording_version=CONSENT_WORDING_VERSION,
        source=source,
    )
    log_action("bulletin.subscription.confirmed", obj=subscription, screen=source[:200])
    return subscription


@transaction.atomic
def subscription_start_proven(*, person: Person, source: str) -> Subscription:
    """Start the bulletin for someone who asked for it elsewhere and has proved the address.

    A signer who ticked "send me the bulletin" and then pressed confirm on the page their
    emailed link opened has done what double opt-in asks, so no second email is sent.
    The caller records the consent, in the words the person saw; an address already
    receiving the bulletin keeps its topics and pause.
    """
    subscription, created = Subscription.objects.select_for_update().get_or_create(person=person)
    if subscription.status in RECEIVING:
        return subscription
    previous = subscription.status
    _activate(subscription)
    log_action(
        "bulletin.subscription.confirmed",
        obj=subscription,
        data={"created": created, "from": "" if created else previous},
        screen=source[:200],
    )
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, via: str) -> Subscription:
    """Stop every bulletin to this person and withdraw their consent; safe to repeat."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        return subscription
    _set_status(subscription, SubscriptionStatus.UNSUBSCRIBED)
    subscription.save()
    consent_withdraw(person=subscription.person, purpose=ConsentPurpose.BULLETIN, via=via[:200])
    log_action("bulletin.subscription.unsubscribed", obj=subscription, data={"via": via[:50]})
    return subscription


@transaction.atomic
def subscription_update(*, subscription: Subscription, topic_ids: Iterable[int], paused: bool) -> Subscription:
    """Save topics and pause/resume from the preferences page."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.topics.set(PriorityAreaPage.objects.filter(pk__in=list(topic_ids)))
    if paused and subscription.status == SubscriptionStatus.ACTIVE:
        _set_status(subscription, SubscriptionStatus.PAUSED)
    elif not paused and subscription.status == SubscriptionStatus.PAUSED:
        _set_status(subscription, SubscriptionStatus.ACTIVE)
    subscription.save()
    log_action(
        "bulletin.subscription.updated",
        obj=subscription,
        data={"status": subscription.status, "topics": subscription.topics.count()},
    )
    return subscription


@transaction.atomic
def subscription_resubscribe(*, subscription: Subscription) -> Subscription:
    """Come back from the preferences page after unsubscribing or being suspended for bounces.

    The link came to their inbox, so it proves the address works and is theirs.
    """
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status not in {SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.SUSPENDED}:
        return subscription
    previous = subscription.status
    subscription.status = SubscriptionStatus.PENDING  # subscription_confirm activates and records consent
    subscription.save()
    subscription = subscription_confirm(subscription=subscription, source="bulletin preferences page")
    log_action("bulletin.subscription.reactivated", obj=subscription, data={"from": previous})
    return subscription


@transaction.atomic
def bounce_record(*, email: str, kind: str, diagnostic: str = "", issue_id: int | None = None) -> Bounce | None:
    """Record a bounce; repeated bounces suspend the address. Unknown addresses are ignored."""
    person = person_find_by_email(email=email)
    subscription = (
        Subscription.objects.select_for_update().filter(person=person).first() if person is not None else None
    )
    if subscription is None:
        return None
    issue = BulletinIssue.objects.filter(pk=issue_id).first() if issue_id else None
    bounce = Bounce.objects.create(
        subscription=subscription, issue=issue, kind=BounceKind(kind), diagnostic=diagnostic[:2000]
    )
    if kind == BounceKind.HARD:
        subscription.hard_bounces += 1
    else:
        subscription.soft_bounces += 1
    subscription.last_bounce_at = timezone.now()
    suspend = (
        subscription.hard_bounces >= settings.BULLETIN_HARD_BOUNCE_LIMIT
        or subscription.soft_bounces >= settings.BULLETIN_SOFT_BOUNCE_LIMIT
    )
    if suspend and subscription.status in (*SENDABLE, SubscriptionStatus.PAUSED):
        _set_status(subscription, SubscriptionStatus.SUSPENDED)
        log_action("bulletin.subscription.suspended", obj=subscription, data={"bounce_id": bounce.pk})
    subscription.save()
    log_action("bulletin.bounce.recorded", obj=bounce, data={"kind": kind, "subscription_id": subscription.pk})
    return bounce


@transaction.atomic
def subscriptions_remove_unconfirmed(*, older_than: timedelta = timedelta(days=14)) -> int:
    """Forget addresses that never confirmed: we have no consent to keep them."""
    cutoff = timezone.now() - older_than
    stale = Subscription.objects.filter(
        status=SubscriptionStatus.PENDING, confirmed_at__isnull=True, created_at__lt=cutoff
    )
    # The Person stays: other apps may hold records for them, and people's retention job decides.
    count, _ = stale.delete()
    if count:
        log_action("bulletin.subscription.unconfirmed_removed", data={"count": count}, screen="scheduled job")
    return count


def subscriptions_remove_ended(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Delete subscriptions that ended more than the retention period ago; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BULLETIN_RETENTION_ENDED_DAYS)
    due = (
        Subscription.objects.filter(ended_at__lt=cutoff)
        .exclude(status__in=RECEIVING)
        # Someone who asked to come back has a confirmation link that must keep working.
        .exclude(confirmation_sent_at__gte=cutoff)
        .order_by("pk")
    )
    removed = 0
    while True:
        # One transaction per batch: locks stay short and a run that stops keeps what it did.
        with transaction.atomic():
            ids = list(due.select_for_update().values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            # Staff's figures for past issues (sent, failed, skipped…) are counted live from
            # Delivery rows. Detaching the rows keeps those figures exact and leaves nothing
            # in them that points at a person; deleting them would rewrite history.
            Delivery.objects.filter(subscription_id__in=ids).update(subscription=None)
            _withdraw_ended_consents(subscription_ids=ids)
            # Bounces (their diagnostics may quote the address) and topic choices go with it.
            Subscription.objects.filter(pk__in=ids).delete()
            log_action("bulletin.subscription.ended_removed", data={"count": len(ids)}, screen="scheduled job")
        removed += len(ids)
    return removed


def _withdraw_ended_consents(*, subscription_ids: list[int]) -> None:
    # A suspended subscriber never withdrew, so their agreement is still open and would keep
    # the person for ever. Only the agreement the subscription rested on is closed: one
    # given after it ended (a petition's "send me the bulletin" box) is a new choice.
    consents = ConsentRecord.objects.filter(
        person__bulletin_subscription__pk__in=subscription_ids,
        purpose=ConsentPurpose.BULLETIN,
        scope="",
        withdrawn_at__isnull=True,
        given_at__lte=F("person__bulletin_subscription__ended_at"),
    ).values_list("pk", "person_id")
    rows = list(consents)
    people = Person.objects.only("pk").in_bulk([person_id for _, person_id in rows])
    for consent_id, person_id in rows:
        consent_withdraw_one(
            person=people[person_id], consent_id=consent_id, via="bulletin subscription removed after it ended"
        )


# --- composing ---------------------------------------------------------------------


def draft_sources() -> list[Callable[..., list[DigestItem]]]:
    sources = []
    for dotted in settings.BULLETIN_DRAFT_SOURCES:
        try:
            sources.append(import_string(dotted))
        except ImportError:
            logger.warning("Bulletin draft source %s cannot be imported yet; skipping it.", dotted)
    return sources


def draft_items(*, since: datetime, until: datetime) -> list[DigestItem]:
    items: list[DigestItem] = []
    for source in draft_sources():
        try:
            items.extend(source(since=since, until=until))
        except Exception:
            # One broken source must not stop the draft; editors see what came through.
            logger.exception("Bulletin draft source %s failed", getattr(source, "__qualname__", source))
    return items


def draft_sections(*, items: list[DigestItem]) -> list[tuple[str, dict[str, Any]]]:
    """Group items under their first priority area, then everything else by section name."""
    areas = {area.pk: area.title for area in PriorityAreaPage.objects.live().order_by("path")}
    groups: OrderedDict[str, list[DigestItem]] = OrderedDict((title, []) for title in areas.values())
    for item in items:
        area_ids = [pk for pk in item.priority_area_ids if pk in areas]
        key = areas[area_ids[0]] if area_ids else item.section
        groups.setdefault(key, []).append(item)
    blocks = []
    for heading, group in groups.items():
        if not group:
            continue
        blocks.append(
            (
                "section",
                {
                    "heading": heading,
                    "intro": "",
                    "items": [
                        {"title": item.title[:200], "url": item.url[:500], "summary": item.summary} for item in group
                    ],
                },
            )
        )
    return blocks


@transaction.atomic
def issue_draft_assemble(*, now: datetime | None = None) -> BulletinIssue | None:
    """Make this week's draft from every source, once per week; None if it exists or no index page."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    week_start = (local - timedelta(days=local.weekday())).date()
    if BulletinIssue.objects.filter(assembled_for=week_start).exists():
        return None
    index = BulletinIndexPage.objects.first()
    if index is None:
        logger.warning("No bulletin index page: the weekly draft was not assembled.")
        return None
    last = BulletinIssue.objects.filter(send_started_at__isnull=False).order_by("-send_started_at").first()
    since = last.send_started_at if last is not None and last.send_started_at else now - timedelta(days=7)
    items = draft_items(since=since, until=now)
    issue = BulletinIssue(
        title=f"Members' bulletin, {local:%-d %B %Y}",
        slug=f"bulletin-{week_start:%Y-%m-%d}",
        intro="",
        sections=draft_sections(items=items),
        period_start=since,
        period_end=now,
        assembled_for=week_start,
        live=False,
    )
    index.add_child(instance=issue)
    issue.save_revision()
    area_ids = {pk for item in items for pk in item.priority_area_ids}
    issue.topics.set(PriorityAreaPage.objects.filter(pk__in=area_ids))
    issue.save()
    log_action("bulletin.issue.assembled", obj=issue, data={"items": len(items)}, screen="scheduled job")
    return issue


# --- the life of an issue ----------------------------------------------------------


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


def recipients_for(issue: BulletinIssue) -> Any:
    """Active subscriptions that want this issue: no topics chosen, or a topic it covers."""
    subscriptions = Subscription.objects.filter(status__in=SENDABLE)
    topic_ids = list(issue.topics.values_list("pk", flat=True))
    if topic_ids:
        subscriptions = subscriptions.filter(Q(topics__isnull=True) | Q(topics__in=topic_ids)).distinct()
    return subscriptions


def deliveries_freeze(*, issue: BulletinIssue, chunk_size: int = 5000) -> int:
    """Write one queued delivery per recipient, in chunks; repeating it adds nobody twice."""
    ids = recipients_for(issue).order_by("pk").values_list("pk", flat=True)
    created = 0
    chunk: list[Delivery] = []
    for subscription_id in ids.iterator(chunk_size=chunk_size):
        chunk.append(Delivery(issue_id=issue.pk, subscription_id=subscription_id))
        if len(chunk) >= chunk_size:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            created += len(chunk)
            chunk = []
    if chunk:
        Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
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


def schedule_failure_recipients(issue: BulletinIssue) -> tuple[list[Any], bool]:
    """Who hears that a scheduled send failed: whoever scheduled it, else everyone who may send.

    Returns the people and whether they are the stand-ins. Someone who has left, or
    may no longer send bulletins, is not told; the others are, so the issue is not forgotten.
    """
    from chorus.accounts.models import User

    scheduler = issue.scheduled_by
    if scheduler is not None and scheduler.is_active and scheduler.email and scheduler.has_perm(SEND_PERMISSION):
        return [scheduler], False
    senders = User.objects.with_perm(
        SEND_PERMISSION, is_active=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    return list(senders.exclude(email="").order_by("pk")), True


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


def delivery_counts(*, issue_id: int) -> dict[str, int]:
    from chorus.bulletin.selectors import issue_progress

    return issue_progress(issue_id=issue_id).as_dict()


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

"""Writes for the support desk. Views and tasks call these; nothing else changes a request."""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from chorus.accounts.models import User
from chorus.accounts.roles import ADMINISTRATOR, CASEWORKER, user_has_role
from chorus.core import working_days as clocks
from chorus.core.audit import log_action
from chorus.core.crypto import token_digest
from chorus.core.mail import (
    MAIL_REFUSED,
    MailNotSent,
    describe_mail_error,
    refused_for_good,
    render_email,
    send_rendered,
)
from chorus.core.outbox import sender_run_request
from chorus.people.services import person_get_or_create
from chorus.support import workflow
from chorus.support.models import (
    ContactMethod,
    Message,
    MessageAuthor,
    MessageKind,
    ReferenceCounter,
    RequestEvent,
    RequestKind,
    StaffNotice,
    StaffNoticeReason,
    SupportRequest,
    SupportTag,
)
from chorus.support.workflow import Status

logger = logging.getLogger(__name__)


class SupportError(Exception):
    """A change the workflow or the rules do not allow; the message is safe to show."""


@dataclass(frozen=True)
class Submission:
    """What a member sent, already validated by a form."""

    kind: str
    description: str
    contact_method: str
    name: str = ""
    email: str = ""
    phone: str = ""
    where_category: str = ""
    where_detail: str = ""
    links: str = ""
    deadline: date | None = None
    priority_area_id: int | None = None
    membership: str = ""
    applicant_type: str = ""
    group_name: str = ""
    help_types: tuple[str, ...] = ()
    help_other: str = ""
    access_needs: str = ""


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _next_reference(year: int) -> tuple[int, str]:
    # The UPDATE takes a row lock, so two submissions in the same year queue up and
    # never see the same number; the first of a year creates the row.
    for _ in range(3):
        if ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1):
            number = ReferenceCounter.objects.get(year=year).last_number
            return number, f"CH-{year}-{number:04d}"
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last_number=1)
            return 1, f"CH-{year}-0001"
        except IntegrityError:
            continue  # another submission created the year's row first
    raise RuntimeError("Could not issue a reference number.")


def _enqueue(task_path: str, **kwargs: Any) -> None:
    from django.utils.module_loading import import_string

    task = import_string(task_path)
    transaction.on_commit(lambda: task.enqueue(**kwargs))


@transaction.atomic
def support_request_submit(*, submission: Submission, now: datetime | None = None) -> tuple[SupportRequest, str]:
    """Record a member's alert or request; return it with the private link's raw token."""
    now = now or timezone.now()
    today = _local_date(now)
    sender = None
    if submission.email:
        sender, _ = person_get_or_create(email=submission.email, name=submission.name)
    number, reference = _next_reference(today.year)
    token = secrets.token_urlsafe(32)
    support_request = SupportRequest.objects.create(
        reference=reference,
        year=today.year,
        number=number,
        kind=submission.kind,
        token_hash=token_digest(token),
        token_sealed=token if sender is not None else "",
        sender=sender,
        contact_method=submission.contact_method,
        contact_name=submission.name,
        contact_phone=submission.phone if submission.contact_method == ContactMethod.PHONE else "",
        description=submission.description,
        where_category=submission.where_category,
        where_detail=submission.where_detail,
        links=submission.links,
        deadline=submission.deadline,
        priority_area_id=submission.priority_area_id,
        membership=submission.membership,
        applicant_type=submission.applicant_type,
        group_name=submission.group_name,
        help_types=list(submission.help_types),
        help_other=submission.help_other,
        access_needs=submission.access_needs,
        created_month=today.replace(day=1),
        received_at=now,
        first_response_due=clocks.add_working_days(today, settings.CHORUS_SUPPORT_FIRST_RESPONSE_DAYS),
        resolution_due=clocks.add_working_days(today, settings.CHORUS_SUPPORT_RESOLUTION_DAYS),
    )
    log_action(
        "support.request.submitted",
        obj=support_request,
        data={"kind": support_request.kind, "anonymous": sender is None},
    )
    if sender is not None:
        _enqueue("chorus.support.tasks.support_send_link_email", support_request_id=support_request.pk)
    _staff_notices_add(
        support_request=support_request, recipients=triage_staff(), reason=StaffNoticeReason.NEW_REQUEST
    )
    return support_request, token


def support_request_for_token(*, token: str) -> SupportRequest | None:
    if not token or len(token) > 200:
        return None
    return SupportRequest.objects.filter(token_hash=token_digest(token), anonymised_at__isnull=True).first()


def staff_roles(user: Any) -> frozenset[str]:
    roles = set()
    if user_has_role(user, CASEWORKER):
        roles.add(workflow.CASEWORKER)
    if user_has_role(user, ADMINISTRATOR):
        roles.add(workflow.ADMINISTRATOR)
    return frozenset(roles)


def _pause_clock(support_request: SupportRequest, now: datetime) -> None:
    if support_request.paused_at is None:
        support_request.paused_at = now


def _resume_clock(support_request: SupportRequest, now: datetime) -> None:
    if support_request.paused_at is None:
        return
    paused = clocks.working_days_between(_local_date(support_request.paused_at), _local_date(now))
    support_request.paused_working_days += paused
    support_request.paused_at = None
    received = _local_date(support_request.received_at)
    extra = support_request.paused_working_days
    support_request.first_response_due = clocks.add_working_days(
        received, settings.CHORUS_SUPPORT_FIRST_RESPONSE_DAYS + extra
    )
    support_request.resolution_due = clocks.add_working_days(received, settings.CHORUS_SUPPORT_RESOLUTION_DAYS + extra)


@transaction.atomic
def support_request_transition(
    *,
    support_request: SupportRequest,
    transition: str,
    actor: User | None = None,
    by_member: bool = False,
    by_system: bool = False,
    outcome_message: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> SupportRequest:
    """Move a request along the workflow if the actor's role allows it; audit the change."""
    now = now or timezone.now()
    step = workflow.TRANSITIONS.get(transition)
    if step is None:
        raise SupportError("That is not a step in the workflow.")
    # Lock the row so two caseworkers acting at once cannot both move it.
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if by_system:
        roles, actor = frozenset({workflow.SYSTEM}), None
    elif by_member:
        roles, actor = frozenset({workflow.MEMBER}), None
    else:
        roles = staff_roles(actor)
    if not step.roles & roles:
        raise SupportError("You are not allowed to make that change.")
    if support_request.status not in step.sources:
        raise SupportError(
            f"A request that is “{Status(support_request.status).label}” cannot be moved with “{step.staff_label}”."
        )
    previous = support_request.status
    support_request.status = step.target
    if step.target == Status.WAITING_ON_MEMBER:
        _pause_clock(support_request, now)
    else:
        _resume_clock(support_request, now)
    if step.target in workflow.CLOSED_STATUSES:
        support_request.closed_at = now
    elif previous in workflow.CLOSED_STATUSES:
        support_request.closed_at = None
        # A reopened request gets a fresh resolution target from today.
        support_request.resolution_due = clocks.add_working_days(
            _local_date(now), settings.CHORUS_SUPPORT_RESOLUTION_DAYS
        )
    # Only a person on staff answers; the job closing a request untouched is no response.
    if actor is not None and support_request.first_response_at is None:
        support_request.first_response_at = now
    support_request.save()
    RequestEvent.objects.create(
        support_request=support_request,
        transition=step.name,
        from_status=previous,
        to_status=step.target,
        actor=actor,
        by_member=by_member,
        by_system=by_system,
        created_at=now,
    )
    log_action(
        "support.request.transitioned",
        actor=actor,
        obj=support_request,
        request=request,
        data={
            "transition": step.name,
            "from": previous,
            "to": step.target,
            "by_member": by_member,
            "by_system": by_system,
        },
    )
    if step.target in workflow.OUTCOME_STATUSES:
        body = outcome_message.strip() or workflow.outcome_message(step.target)
        _staff_message(support_request=support_request, actor=actor, body=body, now=now, request=request)
    return support_request


def _staff_message(
    *, support_request: SupportRequest, actor: User | None, body: str, now: datetime, request: HttpRequest | None
) -> Message:
    message = Message.objects.create(
        support_request=support_request,
        kind=MessageKind.TO_MEMBER,
        author=MessageAuthor.STAFF,
        author_user=actor,
        body=body,
        created_at=now,
    )
    log_action("support.message.sent", actor=actor, obj=support_request, request=request, data={"message": message.pk})
    if support_request.sender_id is not None:
        _enqueue("chorus.support.tasks.support_send_new_message_email", support_request_id=support_request.pk)
    return message


@transaction.atomic
def support_message_send(
    *,
    support_request: SupportRequest,
    actor: User,
    body: str,
    internal: bool,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Message:
    """Staff write to the member (emailed as a notice only) or add an internal note."""
    now = now or timezone.now()
    if not staff_roles(actor):
        raise SupportError("You are not allowed to write on support requests.")
    if not body.strip():
        raise SupportError("Write a message.")
    if support_request.anonymised_at is not None:
        raise SupportError("This request has been anonymised.")
    if internal:
        note = Message.objects.create(
            support_request=support_request,
            kind=MessageKind.INTERNAL_NOTE,
            author=MessageAuthor.STAFF,
            author_user=actor,
            body=body.strip(),
            created_at=now,
        )
        log_action("support.note.added", actor=actor, obj=support_request, request=request, data={"note": note.pk})
        return note
    if support_request.first_response_at is None:
        support_request.first_response_at = now
        support_request.save(update_fields=["first_response_at"])
    return _staff_message(support_request=support_request, actor=actor, body=body.strip(), now=now, request=request)


@transaction.atomic
def support_member_reply(*, support_request: SupportRequest, body: str, now: datetime | None = None) -> Message:
    """A member's reply through the private link; may restart the clock or reopen (see workflow.py)."""
    now = now or timezone.now()
    if not body.strip():
        raise SupportError("Write your reply.")
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    status = support_request.status
    if status == Status.WITHDRAWN:
        raise SupportError("You withdrew this request. To tell us something new, please send a new request.")
    if status in workflow.OUTCOME_STATUSES:
        closed_at = support_request.closed_at or now
        if now - closed_at > timedelta(days=settings.CHORUS_SUPPORT_REOPEN_DAYS):
            raise SupportError(
                f"This request was closed more than {settings.CHORUS_SUPPORT_REOPEN_DAYS} days ago, so we "
                "cannot reopen it. Please send a new request and mention your reference number."
            )
        support_request = support_request_transition(
            support_request=support_request, transition="member_reopen", by_member=True, now=now
        )
    elif status == Status.WAITING_ON_MEMBER:
        support_request = support_request_transition(
            support_request=support_request, transition="member_replied", by_member=True, now=now
        )
    message = Message.objects.create(
        support_request=support_request,
        kind=MessageKind.TO_MEMBER,
        author=MessageAuthor.MEMBER,
        body=body.strip(),
        created_at=now,
    )
    log_action("support.message.received", obj=support_request, data={"message": message.pk})
    _staff_notices_add(
        support_request=support_request,
        recipients=reply_recipients(support_request=support_request),
        reason=StaffNoticeReason.MEMBER_REPLIED,
    )
    return message


@transaction.atomic
def support_request_withdraw(*, support_request: SupportRequest) -> SupportRequest:
    """The member withdraws their request through the private link."""
    return support_request_transition(support_request=support_request, transition="withdraw", by_member=True)


@transaction.atomic
def support_request_assign(
    *, support_request: SupportRequest, assignee: User | None, actor: User, request: HttpRequest | None = None
) -> SupportRequest:
    """Give a request to a caseworker (or nobody) and tell them by email."""
    if not staff_roles(actor):
        raise SupportError("You are not allowed to assign support requests.")
    if assignee is not None and not staff_roles(assignee):
        raise SupportError("Requests can only be assigned to caseworkers and administrators.")
    support_request.assignee = assignee
    support_request.save(update_fields=["assignee"])
    log_action(
        "support.request.assigned",
        actor=actor,
        obj=support_request,
        request=request,
        data={"assignee": assignee.pk if assignee else None},
    )
    if assignee is not None and assignee != actor:
        _staff_notices_add(support_request=support_request, recipients=[assignee], reason=StaffNoticeReason.ASSIGNED)
    return support_request


@transaction.atomic
def support_request_categorise(
    *,
    support_request: SupportRequest,
    actor: User,
    tags: list[str],
    pages: list[Page],
    request: HttpRequest | None = None,
) -> SupportRequest:
    """Set a request's tags and its links to articles, campaigns and tracker items."""
    if not staff_roles(actor):
        raise SupportError("You are not allowed to change support requests.")
    names = sorted({name.strip().lower()[:60] for name in tags if name.strip()})
    tag_objects = [SupportTag.objects.get_or_create(name=name)[0] for name in names]
    support_request.tags.set(tag_objects)
    support_request.linked_pages.set(pages)
    log_action(
        "support.request.categorised",
        actor=actor,
        obj=support_request,
        request=request,
        data={"tags": len(tag_objects), "pages": [page.pk for page in pages]},
    )
    return support_request


def support_request_record_view(*, support_request: SupportRequest, actor: User, request: HttpRequest) -> None:
    """Every staff view of a request's content leaves an audit event."""
    log_action("support.request.viewed", actor=actor, obj=support_request, request=request)


def _anonymise(support_request: SupportRequest, now: datetime) -> None:
    for field in (
        "contact_name",
        "contact_phone",
        "description",
        "where_detail",
        "links",
        "membership",
        "group_name",
        "help_other",
        "access_needs",
    ):
        setattr(support_request, field, "")
    support_request.sender = None
    support_request.token_sealed = ""
    support_request.deadline = None
    # A fresh random hash: the old private link stops working and nothing can match it.
    support_request.token_hash = token_digest(secrets.token_urlsafe(32))
    support_request.anonymised_at = now
    support_request.save()
    support_request.messages.all().delete()
    support_request.tags.clear()
    StaffNotice.objects.filter(support_request=support_request).delete()


@transaction.atomic
def support_requests_anonymise_closed(*, now: datetime | None = None) -> int:
    """Blank the content of requests closed longer than the retention period; counts survive."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CHORUS_SUPPORT_RETENTION_DAYS)
    due = SupportRequest.objects.filter(
        status__in=workflow.CLOSED_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True
    ).select_for_update()
    count = 0
    for support_request in due:
        _anonymise(support_request, now)
        count += 1
    if count:
        log_action("support.request.anonymised", object_type="support.supportrequest", data={"count": count})
    return count


@dataclass(frozen=True)
class InactiveClosures:
    """How many requests one run of the inactivity job closed, by reason."""

    unanswered: int
    inactive: int


def support_requests_close_inactive(*, now: datetime | None = None, batch_size: int = 200) -> InactiveClosures:
    """Close requests left waiting for the member, or left untouched, too long, so retention applies."""
    now = now or timezone.now()
    # Waiting requests first: one past both limits is closed for the more specific reason.
    unanswered = _close_inactive_with(
        transition="close_unanswered",
        cutoff=now - timedelta(days=settings.CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS),
        now=now,
        batch_size=batch_size,
    )
    inactive = _close_inactive_with(
        transition="close_inactive",
        cutoff=now - timedelta(days=settings.CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS),
        now=now,
        batch_size=batch_size,
    )
    return InactiveClosures(unanswered=unanswered, inactive=inactive)


def _close_inactive_with(*, transition: str, cutoff: datetime, now: datetime, batch_size: int) -> int:
    sources = workflow.TRANSITIONS[transition].sources
    closed, after_pk = 0, 0
    while True:
        # Walk by primary key so a request that is skipped is never read again in this run.
        due = (
            SupportRequest.objects.filter(status__in=sources, pk__gt=after_pk)
            .inactive_since(cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        batch = list(due[:batch_size])
        if not batch:
            return closed
        for pk in batch:
            if _close_if_still_inactive(pk=pk, transition=transition, cutoff=cutoff, now=now):
                closed += 1
        after_pk = batch[-1]


@transaction.atomic
def _close_if_still_inactive(*, pk: int, transition: str, cutoff: datetime, now: datetime) -> bool:
    # Check again under the row lock: the member may have replied since the batch was read.
    support_request = SupportRequest.objects.select_for_update().filter(pk=pk).first()
    sources = workflow.TRANSITIONS[transition].sources
    if support_request is None or support_request.status not in sources:
        return False
    if not SupportRequest.objects.filter(pk=pk).inactive_since(cutoff).exists():
        return False
    support_request_transition(support_request=support_request, transition=transition, by_system=True, now=now)
    return True


@transaction.atomic
def support_requests_erase_for_person(*, person_id: int, now: datetime | None = None) -> int:
    """Anonymise every request a person sent (their right to erasure)."""
    now = now or timezone.now()
    count = 0
    for support_request in SupportRequest.objects.filter(sender_id=person_id).select_for_update():
        _anonymise(support_request, now)
        count += 1
    log_action("support.request.erased", object_type="people.person", object_id=person_id, data={"count": count})
    return count


# --- notices to staff: an outbox of rows, sent in batches ------------------------------
#
# Staff are told that something happened on the desk, never what: the email carries the
# reference, the kind and a link to the desk, where they sign in with their second factor
# to read it. Notices are rows written with the event, so a crash never loses one; one
# sender run (asked for after commit, and every minute by the periodic job) sends each
# person a single email for all their waiting notices over one mail connection, so a
# surge of requests is a handful of emails, not one task and connection per request.

STAFF_NOTICES_QUEUED = "support:staff-notices-queued"
# Gather for a moment so that, in a surge, one run takes many notices at once.
STAFF_NOTICES_GATHER = timedelta(seconds=5)
# A sender run that has not finished a batch in this time is taken to have died.
STAFF_NOTICE_LEASE = timedelta(minutes=5)
# A notice still unsent after this long is dropped: the queue has shown the request by then.
STAFF_NOTICE_GIVE_UP = timedelta(days=1)
STAFF_NOTICE_TEMPLATE = "support/emails/staff_notice"


def _can_be_emailed(users: QuerySet[User]) -> QuerySet[User]:
    return users.filter(is_active=True).exclude(email="")


def triage_staff() -> QuerySet[User]:
    """Who is told about new requests (and replies nobody is assigned): active Caseworkers with an email."""
    return _can_be_emailed(User.objects.filter(groups__name=CASEWORKER.name)).distinct().order_by("pk")


def reply_recipients(*, support_request: SupportRequest) -> list[User]:
    """Who is told that the member replied: the assignee, or the triage staff if there is
    none, or none who can be emailed (left, or no address), so that no reply goes unseen."""
    if support_request.assignee_id is not None:
        assignee = _can_be_emailed(User.objects.filter(pk=support_request.assignee_id)).first()
        if assignee is not None:
            return [assignee]
    return list(triage_staff())


def _staff_notices_add(*, support_request: SupportRequest, recipients: Iterable[User], reason: str) -> int:
    """Queue a notice for each recipient who can be emailed; a sender run is asked for after commit."""
    # When the row was written, not the event's own time: a day from now it is given up.
    written = timezone.now()
    notices = [
        StaffNotice(support_request=support_request, recipient=user, reason=reason, created_at=written)
        for user in recipients
        if user.is_active and user.email
    ]
    if notices:
        StaffNotice.objects.bulk_create(notices)
        # Robust: the request is stored whatever happens; the periodic job sends what is left.
        transaction.on_commit(staff_notices_request, robust=True)
    return len(notices)


def staff_notices_request() -> None:
    """See that a sender run happens soon; one queued run serves every notice added before it starts."""
    from chorus.support import tasks

    sender_run_request(flag=STAFF_NOTICES_QUEUED, sender=tasks.support_send_staff_notices, gather=STAFF_NOTICES_GATHER)


def support_staff_notices_send(*, batch_size: int = 200) -> int:
    """Send every waiting staff notice, one email per person per batch; returns emails sent.

    A notice is deleted once the mail server has accepted its email (or refused it for
    good); if the connection fails, the rest of the batch is released for the next run.
    """
    cache.delete(STAFF_NOTICES_QUEUED)
    now = timezone.now()
    stale, _ = StaffNotice.objects.filter(created_at__lt=now - STAFF_NOTICE_GIVE_UP).delete()
    if stale:
        logger.warning("%d staff notice(s) could not be sent within a day and were dropped.", stale)
    sent = 0
    while True:
        found, batch = _staff_notices_claim(batch_size)
        if not found:
            break
        if batch:
            sent += _staff_notices_deliver(batch)
    if sent:
        log_action("support.staff_notices.sent", data={"emails": sent}, screen="task: support.send_staff_notices")
    return sent


def _staff_notices_claim(batch_size: int) -> tuple[bool, list[StaffNotice]]:
    """Take up to batch_size waiting notices for this run; whether any were waiting at all."""
    now = timezone.now()
    free = StaffNotice.objects.filter(Q(claim="") | Q(claimed_at__lt=now - STAFF_NOTICE_LEASE))
    ids = list(free.order_by("pk").values_list("pk", flat=True)[:batch_size])
    if not ids:
        return False, []
    claim = secrets.token_hex(16)
    # Conditional: of two runs, only one takes each row.
    free.filter(pk__in=ids).update(claim=claim, claimed_at=now)
    batch = StaffNotice.objects.filter(claim=claim).select_related("recipient", "support_request")
    return True, list(batch.order_by("pk"))


def _notice_item(notice: StaffNotice) -> dict[str, str]:
    support_request = notice.support_request
    # Only what is safe in an email: the reference and the kind. Never the content, the
    # member's name or contact, the priority area or anything else that hints at their health.
    return {
        "reason": notice.reason,
        "reference": support_request.reference,
        "kind": RequestKind(support_request.kind).label,
        "url": settings.SITE_URL + reverse("support_admin:detail", kwargs={"pk": support_request.pk}),
    }


def _notice_items(notices: list[StaffNotice]) -> list[dict[str, str]]:
    """One line per request and reason: three replies on one request are one line."""
    seen: set[tuple[int, str]] = set()
    items = []
    for notice in notices:
        key = (notice.support_request_id, notice.reason)
        if key not in seen and notice.support_request.anonymised_at is None:
            seen.add(key)
            items.append(_notice_item(notice))
    return items


def _staff_notices_deliver(batch: list[StaffNotice]) -> int:
    claim = batch[0].claim
    by_recipient: dict[int, list[StaffNotice]] = defaultdict(list)
    for notice in batch:
        by_recipient[notice.recipient_id].append(notice)
    done: list[int] = []  # sent, refused for good, or nothing left to send
    deferred: list[int] = []  # refused for now: kept claimed, so they wait out the lease
    emails: list[tuple[str, list[dict[str, str]], list[int]]] = []
    for notices in by_recipient.values():
        recipient, items = notices[0].recipient, _notice_items(notices)
        # Read again now: someone who left, or lost their address, since the event gets nothing.
        if items and recipient.is_active and recipient.email:
            emails.append((recipient.email, items, [notice.pk for notice in notices]))
        else:
            done += [notice.pk for notice in notices]
    sent = 0
    mailer = mailers["default"]
    try:
        if emails:
            mailer.open()
        for address, items, ids in emails:
            rendered = render_email(template=STAFF_NOTICE_TEMPLATE, context={"items": items, "count": len(items)})
            try:
                send_rendered(mailer, rendered, to=address)
            except MAIL_REFUSED as error:
                if refused_for_good(error):
                    logger.warning("A staff notice was refused for good (%s).", describe_mail_error(error))
                    done += ids
                else:
                    # A busy or throttling server: tried again once the claim's lease runs out.
                    deferred += ids
                continue
            done += ids
            sent += 1
    except (OSError, smtplib.SMTPException) as error:
        # The untried rest of the batch is released below; the error is kept without addresses.
        raise MailNotSent(describe_mail_error(error)) from None
    finally:
        with transaction.atomic():
            StaffNotice.objects.filter(pk__in=done, claim=claim).delete()
            StaffNotice.objects.filter(claim=claim).exclude(pk__in=deferred).update(claim="", claimed_at=None)
        mailer.close()
    return sent

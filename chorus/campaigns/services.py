"""Writes for campaign actions: signing, confirming, counting, moderating, invalidating, retention."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import logging
import secrets
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import mailers
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from chorus.bulletin.services import subscription_start_proven
from chorus.campaigns import consents
from chorus.campaigns.models import (
    ActionPage,
    BlockedIpHash,
    CampaignUpdate,
    CampaignUpdateDelivery,
    DeliveryStatus,
    DisplayChoice,
    Invalidation,
    Moderation,
    Signature,
    SignatureCount,
    SignatureIntake,
    SignatureKind,
    SignatureStatus,
    SignerEmail,
    domain_hash,
)
from chorus.campaigns.selectors import (
    LIVE_ACTIONS,
    InvalidationCriteria,
    block_lists,
    consent_scope,
    live_action,
    signatures_matching,
    unusual_trends,
    update_recipients,
)
from chorus.campaigns.tokens import stop_updates_path
from chorus.campaigns.workflow import TRANSITION_PERMISSION, ActionState, transition_for
from chorus.core.audit import log_action
from chorus.core.crypto import email_index, token_digest
from chorus.core.mail import (
    MAIL_REFUSED,
    MailNotSent,
    RenderedEmail,
    describe_mail_error,
    refused_for_good,
    render_email,
    send_rendered,
    send_templated_email,
)
from chorus.core.middleware import retire_cached_pages
from chorus.core.outbox import sender_run_request
from chorus.core.ratelimit import Limit, within_limits
from chorus.core.statements import row_first, row_insert, rows_update
from chorus.people.models import ConsentPurpose, Person
from chorus.people.services import NewPersonDetails, consent_give, persons_get_or_create

logger = logging.getLogger(__name__)

# A confirmation committed just before a refresh may carry an earlier timestamp than
# the refresh's start; actions changed within this lag are counted again next time.
COUNT_LAG = timedelta(seconds=10)


@dataclass(frozen=True)
class SignerDetails:
    """What the signing form collected, already validated."""

    email: str
    name: str
    kind: SignatureKind = SignatureKind.INDIVIDUAL
    role: str = ""
    organisation: str = ""
    organisation_type: str = ""
    contact: str = ""
    postcode: str = ""
    display: DisplayChoice = DisplayChoice.NOT_LISTED
    wants_bulletin: bool = False
    wants_updates: bool = False


class SubmitOutcome(enum.StrEnum):
    """What happened. The signer sees the same page for every outcome (no leak)."""

    RECEIVED = "received"  # taken in; filing decides which of the next three it is
    NEW = "new"
    RESENT = "resent"  # still pending: a fresh confirmation link is sent
    ALREADY_SIGNED = "already_signed"
    BLOCKED = "blocked"
    RATE_LIMITED = "rate_limited"
    BOT = "bot"
    CLOSED = "closed"


def _email_domain(email: str) -> str:
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def _signing_limits() -> list[Limit]:
    return [
        Limit(settings.CHORUS_CAMPAIGNS_SIGN_BURST, 60),
        Limit(settings.CHORUS_CAMPAIGNS_SIGN_SUSTAINED, 86400),
    ]


DETAIL_FIELDS = [
    "kind", "name", "role", "organisation", "organisation_type", "contact", "postcode", "display", "moderation",
    "wants_bulletin", "wants_updates",
]  # fmt: skip


def _apply_details(signature: Signature, details: SignerDetails) -> None:
    signature.kind = details.kind
    signature.name = details.name
    signature.role = details.role
    signature.organisation = details.organisation
    signature.organisation_type = details.organisation_type
    signature.contact = details.contact
    signature.postcode = details.postcode
    # Organisations are listed after approval; individuals only as they chose.
    signature.display = details.display if details.kind == SignatureKind.INDIVIDUAL else DisplayChoice.NOT_LISTED
    signature.moderation = Moderation.PENDING if details.kind == SignatureKind.ORGANISATION else Moderation.NOT_NEEDED
    signature.wants_bulletin = details.wants_bulletin
    signature.wants_updates = details.wants_updates


def signature_submit(
    *, action: ActionPage, details: SignerDetails, ip_hash: str, is_bot: bool = False
) -> SubmitOutcome:
    """Take a signature in: checks that need no database, then one insert.

    The sender run files it as a person and a signature moments later and sends the
    right email (``signatures_file``), so a surge costs each request one row and never
    waits on the audit chain or the person table.
    """
    if not action.is_open:
        return SubmitOutcome.CLOSED
    if is_bot:
        return SubmitOutcome.BOT
    if not within_limits("campaigns.sign", ip_hash, _signing_limits()):
        return SubmitOutcome.RATE_LIMITED
    email_domain_hash = domain_hash(_email_domain(details.email))
    if block_lists().blocks(ip_hash=ip_hash, email_domain_hash=email_domain_hash):
        return SubmitOutcome.BLOCKED
    # The one statement every signer's request makes: prebuilt (chorus.core.statements).
    row_insert(
        SignatureIntake,
        action=action.pk,
        answers=json.dumps(dataclasses.asdict(details)),
        ip_hash=ip_hash,
        email_domain_hash=email_domain_hash,
        received_at=timezone.now(),
    )
    transaction.on_commit(signer_emails_request, robust=True)
    return SubmitOutcome.RECEIVED


# Filing runs one at a time (PostgreSQL: this advisory lock; SQLite: its single writer),
# so two runs never create the same signature; the unique constraint still stands guard.
FILING_LOCK_KEY = 0x5167_6E31


def signatures_file(*, batch_size: int = 500) -> list[SubmitOutcome]:
    """File every signature waiting in the intake when called, oldest first, a batch per
    transaction.

    Returns what happened to each, in order. A run that dies leaves its batch in the
    intake, so nothing is lost; a batch is filed and removed in the same transaction.
    Signatures that arrive meanwhile are left for the next run, which their requests
    queue: chasing them would file a surge a few rows at a time, and each batch costs
    about ten statements however few rows it holds.
    """
    newest = SignatureIntake.objects.order_by("-pk").values_list("pk", flat=True).first()
    if newest is None:
        return []
    outcomes: list[SubmitOutcome] = []
    while batch := _signatures_file_batch(batch_size, up_to=newest):
        outcomes += batch
    return outcomes


@transaction.atomic
def _signatures_file_batch(batch_size: int, *, up_to: int) -> list[SubmitOutcome]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FILING_LOCK_KEY])
    taken = list(SignatureIntake.objects.filter(pk__lte=up_to).order_by("pk")[:batch_size])
    if not taken:
        return []
    actions = {action.pk: action for action in ActionPage.objects.filter(pk__in={row.action_id for row in taken})}
    signers = [(row, _details_from_json(row.answers)) for row in taken]
    people = persons_get_or_create(
        # The postcode stays on the signature, for this petition's area breakdown only.
        NewPersonDetails(email=details.email, name=details.name)
        for _, details in signers
    )
    existing = {
        (signature.action_id, signature.person_id): signature
        for signature in Signature.objects.select_for_update().filter(
            action_id__in=actions, person_id__in=[person.pk for person in people.values()]
        )
    }
    blocked = block_lists()
    new: dict[tuple[int, int], Signature] = {}
    outcomes: list[SubmitOutcome] = []
    for row, details in signers:
        action = actions.get(row.action_id)
        if action is None or not action.is_open:
            outcomes.append(SubmitOutcome.CLOSED)
            continue
        if blocked.blocks(ip_hash=row.ip_hash, email_domain_hash=row.email_domain_hash):
            outcomes.append(SubmitOutcome.BLOCKED)  # blocked since it was taken in
            continue
        person = people[email_index(details.email)]
        key = (action.pk, person.pk)
        if key in new:
            # The same address twice in one batch: the later answers win, one email.
            _apply_details(new[key], details)
            outcomes.append(SubmitOutcome.RESENT)
        elif key in existing:
            outcomes.append(_signature_file_again(existing[key], details))
        else:
            signature = Signature(
                person=person,
                action=action,
                ip_hash=row.ip_hash,
                email_domain_hash=row.email_domain_hash,
                email_due=SignerEmail.CONFIRM,
                created_at=row.received_at,  # when they signed, for trends and retention
            )
            _apply_details(signature, details)
            new[key] = signature
            outcomes.append(SubmitOutcome.NEW)
    Signature.objects.bulk_create(new.values())
    SignatureIntake.objects.filter(pk__in=[row.pk for row in taken]).delete()
    return outcomes


def _details_from_json(answers: str) -> SignerDetails:
    data = json.loads(answers)
    return SignerDetails(**{**data, "kind": SignatureKind(data["kind"]), "display": DisplayChoice(data["display"])})


def _signature_file_again(signature: Signature, details: SignerDetails) -> SubmitOutcome:
    """Someone who has signed before: a fresh link if still pending, else a note that they have."""
    if signature.status == SignatureStatus.PENDING:
        # Only the mailbox owner can confirm, and the confirm page shows the details,
        # so the latest answers replace a pending signature's earlier ones.
        _apply_details(signature, details)
        signature.email_due = SignerEmail.CONFIRM
        # Only these columns: a sender run may be issuing this signature's link right now.
        signature.save(update_fields=[*DETAIL_FIELDS, "email_due"])
        return SubmitOutcome.RESENT
    Signature.objects.filter(pk=signature.pk).update(email_due=SignerEmail.ALREADY_SIGNED)
    return SubmitOutcome.ALREADY_SIGNED


def confirm_path(token: str) -> str:
    return reverse("campaigns:confirm", kwargs={"token": token})


# --- signers' emails: an outbox on the signature rows, sent in batches ------------------

SIGNER_EMAILS_QUEUED = "campaigns:signer-emails-queued"
SIGNER_EMAILS_GATHER = timedelta(seconds=1)
# A sender run that has not finished a batch in this time is taken to have died.
SIGNER_EMAIL_LEASE = timedelta(minutes=5)


def signer_emails_request() -> None:
    """See that a sender runs soon. In a surge one queued run serves every signer who
    arrives before it starts, instead of one task and one SMTP connection per email.

    Called after commit with ``robust=True``: if the cache or queue is down the signer
    still gets the usual answer, and the periodic job sends the email within a minute.
    """
    from chorus.campaigns import tasks

    sender_run_request(flag=SIGNER_EMAILS_QUEUED, sender=tasks.send_signer_emails, gather=SIGNER_EMAILS_GATHER)


def signer_emails_send(*, batch_size: int = 200) -> int:
    """File the signatures waiting in the intake, then send every due signer email,
    batch by batch over one mail connection each.

    Returns how many were accepted by the mail server. An email is marked done only once
    the server has accepted it; if the connection fails, the rest of the batch is
    released for the next run. At worst a signer gets a second link, which replaces the first.
    """
    cache.delete(SIGNER_EMAILS_QUEUED)
    signatures_file()
    sent = 0
    while True:
        found, batch, tokens = _signer_emails_claim(batch_size)
        if not found:
            return sent
        if batch:
            sent += _signer_emails_deliver(batch, tokens)


def _signer_emails_claim(batch_size: int) -> tuple[bool, list[Signature], dict[int, str]]:
    """Take up to batch_size due emails for this run; issue fresh links for confirmations.

    Returns whether any were due at all, the signatures this run took (another run may
    have taken them first) and the new tokens, which exist only in memory and the email.
    """
    now = timezone.now()
    free = Q(email_claim="") | Q(email_claimed_at__lt=now - SIGNER_EMAIL_LEASE)
    due = Signature.objects.exclude(email_due=SignerEmail.NONE).filter(free)
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:batch_size])
    if not ids:
        return False, [], {}
    claim = secrets.token_hex(16)
    tokens: dict[int, str] = {}
    with transaction.atomic():
        # Re-checked under the row lock: of two runs, only one takes each row.
        due.filter(pk__in=ids).update(email_claim=claim, email_claimed_at=now)
        batch = list(Signature.objects.filter(email_claim=claim).select_related("person").order_by("pk"))
        links = [s for s in batch if s.email_due == SignerEmail.CONFIRM and s.status == SignatureStatus.PENDING]
        for signature in links:
            tokens[signature.pk] = secrets.token_urlsafe(32)
            signature.token_hash = token_digest(tokens[signature.pk])
        _store_token_hashes(links, sent_at=now)
    return True, batch, tokens


def _store_token_hashes(signatures: list[Signature], *, sent_at: Any) -> None:
    """Every hash of a batch in one statement (bulk_update's CASE expression costs more
    than the sending): on PostgreSQL the pairs go as two arrays, elsewhere row by row."""
    if not signatures:
        return
    table = connection.ops.quote_name(Signature._meta.db_table)
    sent_at_value = connection.ops.adapt_datetimefield_value(sent_at)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET token_hash = given.token_hash, token_sent_at = %s "  # noqa: S608 (names from the model)
                f"FROM unnest(%s::bigint[], %s::varchar[]) AS given(id, token_hash) WHERE {table}.id = given.id",
                [sent_at_value, [s.pk for s in signatures], [s.token_hash for s in signatures]],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET token_hash = %s, token_sent_at = %s WHERE id = %s",  # noqa: S608 (names from the model)
            [(signature.token_hash, sent_at_value, signature.pk) for signature in signatures],
        )


# Stands in for a signer's confirmation link while an action's email is rendered once per batch.
CONFIRM_URL_SLOT = "CHORUSCONFIRMURLSLOT"


def _signer_email_rendering(action: ActionPage, *, with_link: bool) -> RenderedEmail:
    if with_link:
        return render_email(
            template="campaigns/email/confirm",
            context={
                "action": action,
                "confirm_url": CONFIRM_URL_SLOT,
                "days": settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS,
            },
        )
    return render_email(
        template="campaigns/email/already_signed",
        context={"action": action, "action_url": settings.SITE_URL + action.url},
    )


def _signer_emails_deliver(batch: list[Signature], tokens: dict[int, str]) -> int:
    action_ids = {signature.action_id for signature in batch}
    actions = {action.pk: action for action in ActionPage.objects.filter(pk__in=action_ids).specific()}
    claim = batch[0].email_claim
    # By the email that was due: sent, or nothing left to send (erased, or confirmed meanwhile).
    done: dict[str, list[int]] = defaultdict(list)
    sent = 0
    mailer = mailers["default"]
    # Each action's two emails are rendered once per batch; a message differs only in its link.
    renderings: dict[tuple[int, bool], RenderedEmail] = {}
    try:
        mailer.open()
        for signature in batch:
            token = tokens.get(signature.pk)
            wanted = token is not None or signature.email_due == SignerEmail.ALREADY_SIGNED
            if wanted and signature.person is not None:
                key = (signature.action_id, token is not None)
                if key not in renderings:
                    renderings[key] = _signer_email_rendering(actions[signature.action_id], with_link=key[1])
                rendered = renderings[key]
                if token is not None:
                    rendered = rendered.with_link(CONFIRM_URL_SLOT, settings.SITE_URL + confirm_path(token))
                try:
                    send_rendered(mailer, rendered, to=signature.person.email)
                except MAIL_REFUSED as error:
                    if not refused_for_good(error):
                        raise  # a busy or throttling server: the next run tries again
                    # Every run would be refused again: the email is given up, not retried forever.
                    logger.warning("A signer's email was refused for good (%s).", describe_mail_error(error))
                else:
                    sent += 1
            done[signature.email_due].append(signature.pk)
    except (OSError, smtplib.SMTPException) as error:
        # The rest of the batch is released below for the next run; the error is kept without addresses.
        raise MailNotSent(describe_mail_error(error)) from None
    finally:
        with transaction.atomic():
            for due, ids in done.items():
                # Only if the same email is still due: a signer who confirmed and signed
                # again while this batch went out is now due "already signed", which the
                # next run sends.
                Signature.objects.filter(pk__in=ids, email_claim=claim, email_due=due).update(
                    email_due=SignerEmail.NONE, email_claim="", email_claimed_at=None
                )
            # Whatever was not sent, or became due meanwhile, goes back for the next run.
            Signature.objects.filter(email_claim=claim).update(email_claim="", email_claimed_at=None)
        mailer.close()
    return sent


class ConfirmOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"
    CLOSED = "closed"


# What the confirm page shows and confirming needs: the busiest read of a surge, kept narrow.
CONFIRM_FIELDS = [
    "action_id", "person_id", "kind", "name", "organisation", "display", "moderation", "status",
    "token_sent_at", "wants_bulletin", "wants_updates", "created_at",
]  # fmt: skip


def signature_for_token(*, token: str) -> Signature | None:
    if not token or len(token) > 100:
        return None
    # Hashes are unique in practice: the first row found, without sorting for it. Every
    # confirmation reads this, so the statement is prebuilt (chorus.core.statements).
    return row_first(Signature, fields=CONFIRM_FIELDS, token_hash=token_digest(token))


def confirm_state(signature: Signature | None) -> ConfirmOutcome | None:
    """What a confirm link would do now; None when it can still confirm."""
    if signature is None or signature.status == SignatureStatus.INVALIDATED:
        return ConfirmOutcome.INVALID
    if signature.status == SignatureStatus.CONFIRMED:
        return ConfirmOutcome.ALREADY_CONFIRMED
    action = live_action(key=str(signature.action_id))
    if action is None or not action.confirms_signature_made_at(signature.created_at):
        return ConfirmOutcome.CLOSED
    if signature.token_expired():
        return ConfirmOutcome.EXPIRED
    return None


def signature_confirm(*, token: str) -> ConfirmOutcome:
    """Confirm a signature from its emailed link; idempotent, and safe when replayed."""
    return signature_confirm_found(signature_for_token(token=token))


def signature_confirm_found(signature: Signature | None) -> ConfirmOutcome:
    """``signature_confirm`` for a signature its link has already found (the view has it).

    Reading it before the update is safe: only the conditional UPDATE decides.
    """
    blocked = confirm_state(signature)
    if blocked is not None:
        return blocked
    assert signature is not None
    scope = consent_scope(signature.action_id)
    chosen: list[tuple[ConsentPurpose, str]] = []
    if signature.kind == SignatureKind.INDIVIDUAL and signature.display != DisplayChoice.NOT_LISTED:
        chosen.append((ConsentPurpose.PUBLISH_NAME, scope))
    if signature.wants_updates:
        chosen.append((ConsentPurpose.CAMPAIGN_UPDATES, scope))
    if signature.wants_bulletin:
        chosen.append((ConsentPurpose.BULLETIN, ""))
    # Consents commit with the confirmation or not at all; a confirmation without any is
    # one statement, which needs no transaction (and its two extra round trips) around it.
    with transaction.atomic() if chosen else contextlib.nullcontext():
        now = timezone.now()
        # The conditional UPDATE lets exactly one of several simultaneous clicks win.
        won = rows_update(
            Signature,
            where={"id": signature.pk, "status": SignatureStatus.PENDING},
            status=SignatureStatus.CONFIRMED,
            confirmed_at=now,
            changed_at=now,
        )
        if not won:
            return ConfirmOutcome.ALREADY_CONFIRMED
        # The person is loaded only when there is something to record for them.
        if chosen and signature.person is not None:
            source = f"campaigns.sign:{signature.action_id}"
            for purpose, purpose_scope in chosen:
                _give(signature.person, purpose, source, purpose_scope)
            if signature.wants_bulletin:
                # Pressing confirm proved the address, as the bulletin's own double opt-in would.
                subscription_start_proven(person=signature.person, source=source)
    return ConfirmOutcome.CONFIRMED


def _give(person: Person, purpose: ConsentPurpose, source: str, scope: str) -> None:
    consent_give(
        person=person,
        purpose=purpose,
        wording=consents.WORDING[purpose],
        wording_version=consents.WORDING_VERSION,
        source=source,
        scope=scope,
    )


# --- counting ---------------------------------------------------------------------


def _recount(action_id: int, *, now: Any) -> None:
    figures = (
        Signature.objects.counted()
        .filter(action_id=action_id)
        .aggregate(
            total=Count("pk"),
            individuals=Count("pk", filter=Q(kind=SignatureKind.INDIVIDUAL)),
            organisations=Count("pk", filter=Q(kind=SignatureKind.ORGANISATION)),
        )
    )
    values = {**figures, "refreshed_at": now, "counted_up_to": now - COUNT_LAG}
    updated = SignatureCount.objects.filter(action_id=action_id).update(**values)
    if not updated:
        try:
            with transaction.atomic():
                SignatureCount.objects.create(action_id=action_id, **values)
        except IntegrityError:  # another refresher created it first
            SignatureCount.objects.filter(action_id=action_id).update(**values)


def counts_refresh(*, full: bool = False, batch_size: int = 50) -> int:
    """Recount, from Signature rows, each action with changes since its last count.

    ``full`` recounts every action (the nightly job). Returns how many were recounted.
    """
    now = timezone.now()
    if full:
        ids = list(ActionPage.objects.values_list("pk", flat=True))
    else:
        changed = Signature.objects.filter(action_id=OuterRef("pk"))
        ids = list(
            ActionPage.objects.annotate(
                has_any=Exists(changed),
                has_new=Exists(changed.filter(changed_at__gt=OuterRef("signature_count__counted_up_to"))),
            )
            .filter(
                Q(signature_count__isnull=True, has_any=True)
                | Q(signature_count__counted_up_to__isnull=True, has_any=True)
                | Q(has_new=True)
            )
            .values_list("pk", flat=True)
        )
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            for action_id in ids[start : start + batch_size]:
                _recount(action_id, now=now)
    # Every count of an open action is now known to be current: say so on the page.
    SignatureCount.objects.filter(action__state=ActionState.OPEN).exclude(action_id__in=ids).update(refreshed_at=now)
    return len(ids)


# --- staff actions ----------------------------------------------------------------


def _require(actor: Any, permission: str) -> None:
    if not getattr(actor, "has_perm", None) or not actor.has_perm(permission):
        raise PermissionDenied("You do not have permission to do that.")


@transaction.atomic
def action_transition(
    *, action: ActionPage, target: ActionState, actor: Any, request: HttpRequest | None = None
) -> None:
    """Move an action along its workflow (workflow.TRANSITIONS) and audit it."""
    _require(actor, TRANSITION_PERMISSION)
    _action_transition_apply(action=action, target=target, actor=actor, request=request)


def _action_transition_apply(
    *,
    action: ActionPage,
    target: ActionState,
    actor: Any,
    request: HttpRequest | None = None,
    why: str = "",
    screen: str = "",
) -> None:
    locked = ActionPage.objects.select_for_update().get(pk=action.pk)
    transition = transition_for(locked.state, target)
    if transition is None:
        raise ValueError(f"An action cannot go from {locked.state} to {target}.")
    now = timezone.now()
    stamps: dict[str, Any] = {"state": target}
    if target == ActionState.OPEN:
        stamps["opened_at"] = locked.opened_at or now
        stamps["closed_at"] = None
    elif target == ActionState.CLOSED:
        stamps["closed_at"] = now
    elif target == ActionState.DELIVERED:
        stamps["delivered_at"] = now
    # A queryset update, not a revision: the workflow owns these columns.
    ActionPage.objects.filter(pk=action.pk).update(**stamps)
    for name, value in stamps.items():
        setattr(action, name, value)
    log_action(
        f"campaigns.action.{target}",
        actor=actor,
        obj=locked,
        object_type="campaigns.actionpage",
        data={"from": str(transition.source), "to": str(target), **({"why": why} if why else {})},
        request=request,
        screen=screen,
    )
    transaction.on_commit(retire_cached_pages)
    # An update() sends no signal; other processes catch up within seconds (selectors).
    transaction.on_commit(LIVE_ACTIONS.clear)


def actions_close_undated() -> int:
    """Close actions that have no closing date once they have been open for the longest
    time allowed; returns how many. Retention runs from closing, so without this the
    signers of an undated action would be kept for as long as it stayed open."""
    opened_before = timezone.now() - timedelta(days=settings.CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS)
    stale = ActionPage.objects.filter(state=ActionState.OPEN, closing_date__isnull=True, opened_at__lte=opened_before)
    closed = 0
    for action in stale.order_by("pk"):
        with transaction.atomic():
            _action_transition_apply(
                action=action,
                target=ActionState.CLOSED,
                actor=None,
                why=f"no closing date, open {settings.CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS} days",
                screen="task: campaigns.apply_retention",
            )
        closed += 1
    return closed


@transaction.atomic
def organisations_moderate(
    *, action: ActionPage, signature_ids: list[int], approve: bool, actor: Any, request: HttpRequest | None = None
) -> int:
    """Approve or reject organisation signatures (one or many); returns how many changed."""
    _require(actor, "campaigns.change_signature")
    decision = Moderation.APPROVED if approve else Moderation.REJECTED
    qs = Signature.objects.filter(action=action, kind=SignatureKind.ORGANISATION, pk__in=signature_ids).exclude(
        moderation=decision
    )
    ids = sorted(qs.values_list("pk", flat=True))
    changed = Signature.objects.filter(pk__in=ids).update(moderation=decision, changed_at=timezone.now())
    log_action(
        f"campaigns.signature.{'approved' if approve else 'rejected'}",
        actor=actor,
        obj=action,
        object_type="campaigns.actionpage",
        data={"signature_ids": ids, "count": changed},
        request=request,
    )
    transaction.on_commit(retire_cached_pages)
    return changed


@transaction.atomic
def signatures_invalidate(
    *,
    action: ActionPage,
    criteria: InvalidationCriteria,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Invalidation:
    """Invalidate every signature matching the criteria, remembering how to undo it."""
    _require(actor, "campaigns.change_signature")
    # The form says the same in its own words; this stops any other caller.
    if criteria.refusal:
        raise ValueError(criteria.refusal)
    invalidation = Invalidation.objects.create(
        action=action, criteria=criteria.as_data(), reason=reason, created_by=actor
    )
    now = timezone.now()
    matching = signatures_matching(action_id=action.pk, criteria=criteria)
    affected = 0
    for status in (SignatureStatus.PENDING, SignatureStatus.CONFIRMED):
        affected += matching.filter(status=status).update(
            status=SignatureStatus.INVALIDATED,
            status_before_invalidation=status,
            invalidation=invalidation,
            changed_at=now,
        )
    invalidation.affected = affected
    invalidation.save(update_fields=["affected"])
    log_action(
        "campaigns.signatures.invalidated",
        actor=actor,
        obj=invalidation,
        data={"action": action.pk, "count": affected, "criteria": invalidation.criteria},
        request=request,
    )
    return invalidation


@transaction.atomic
def invalidation_reverse(*, invalidation: Invalidation, actor: Any, request: HttpRequest | None = None) -> int:
    """Put back every signature a bulk invalidation touched; returns how many."""
    _require(actor, "campaigns.change_signature")
    locked = Invalidation.objects.select_for_update().get(pk=invalidation.pk)
    if locked.reversed_at is not None:
        return 0
    now = timezone.now()
    restored = 0
    for status in (SignatureStatus.PENDING, SignatureStatus.CONFIRMED):
        restored += Signature.objects.filter(
            invalidation=locked, status=SignatureStatus.INVALIDATED, status_before_invalidation=status
        ).update(status=status, status_before_invalidation="", invalidation=None, changed_at=now)
    locked.reversed_at = now
    locked.reversed_by = actor
    locked.save(update_fields=["reversed_at", "reversed_by"])
    invalidation.reversed_at = now
    log_action(
        "campaigns.signatures.restored",
        actor=actor,
        obj=locked,
        data={"action": locked.action_id, "count": restored},
        request=request,
    )
    return restored


# A key's usual share of signing is read from this long before the hour checked. Address
# hashes last CHORUS_CAMPAIGNS_IP_HASH_DAYS (7), so a longer period would add nothing for them.
TREND_BASELINE = timedelta(days=7)


def trends_check() -> int:
    """Email campaigners when one hashed address or domain signs unusually often; returns alerts."""
    from chorus.accounts.models import User

    hour_start = timezone.now() - timedelta(hours=1)
    trends = unusual_trends(
        since=hour_start,
        threshold=settings.CHORUS_CAMPAIGNS_TREND_THRESHOLD,
        factor=settings.CHORUS_CAMPAIGNS_TREND_FACTOR,
        baseline_since=hour_start - TREND_BASELINE,
    )
    if not trends:
        return 0
    # Whoever can act on an alert (invalidate, block) gets it: campaigners, and superusers,
    # who in a small network may be the only staff, as in the demo.
    can_act = User.objects.with_perm(
        "campaigns.change_signature", is_active=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    recipients = [email for email in can_act.values_list("email", flat=True) if email]
    titles = dict(ActionPage.objects.filter(pk__in={t.action_id for t in trends}).values_list("pk", "title"))
    alerts = []
    for trend in trends:
        # Campaigners can act on a domain they can read: the block list and the bulk
        # invalidation take the domain itself, and a hash alone says nothing.
        domain = _domain_behind(trend.key_hash) if trend.kind == "email domain" else ""
        criteria = {"email_domain": domain} if domain else {"ip_hash": trend.key_hash}
        path = reverse("campaigns_admin_invalidate", kwargs={"pk": trend.action_id})
        url = f"{settings.SITE_URL}{path}?{urlencode(criteria)}"
        alerts.append({"trend": trend, "title": titles.get(trend.action_id, ""), "domain": domain, "url": url})
    context = {"alerts": alerts}
    for email in sorted(set(recipients)):
        send_templated_email(to=email, template="campaigns/email/trend_alert", context=context)
    log_action(
        "campaigns.trends.alerted",
        data={"alerts": len(trends), "recipients": len(set(recipients))},
        screen="task: campaigns.trend_check",
    )
    return len(trends)


def _domain_behind(email_domain_hash: str) -> str:
    """The domain a hash stands for, read from one signer's address (decrypted only here)."""
    signature = (
        Signature.objects.filter(email_domain_hash=email_domain_hash, person__isnull=False)
        .select_related("person")
        .first()
    )
    if signature is None or signature.person is None:
        return ""
    domain = _email_domain(signature.person.email)
    return domain if domain_hash(domain) == email_domain_hash else ""


# --- updates to signers who asked for them ------------------------------------------

# Stands in for each recipient's own stop link while an update is rendered once per send.
STOP_URL_SLOT = "CHORUSSTOPURLSLOT"
# An update still unfinished this long after it was sent is taken to have stalled.
UPDATE_RESUME_AFTER = timedelta(minutes=10)
# Addresses still refused "for now" this long after an update was sent are given up.
UPDATE_GIVE_UP_AFTER = timedelta(days=3)


def campaign_update_email(
    *, action: ActionPage, subject: str, body: str, stop_url: str = STOP_URL_SLOT
) -> RenderedEmail:
    """The update email as recipients get it; the staff preview shows exactly this."""
    return render_email(
        template="campaigns/email/update",
        context={
            "action": action,
            "action_url": settings.SITE_URL + action.url if action.url else settings.SITE_URL,
            "subject": subject,
            "body": body,
            "stop_url": stop_url,
        },
    )


@transaction.atomic
def campaign_update_send(
    *, action: ActionPage, subject: str, body: str, actor: Any, request: HttpRequest | None = None
) -> CampaignUpdate:
    """Store an update and queue its sending to every signer who agreed to updates on this action."""
    _require(actor, "campaigns.change_signature")
    if not subject.strip() or not body.strip():
        raise ValueError("An update needs a subject and a message.")
    update = CampaignUpdate.objects.create(
        action=action,
        subject=subject,
        body=body,
        created_by=actor,
        # What staff were shown; the sender counts again when it starts.
        recipients=update_recipients(action_id=action.pk).count(),
    )
    log_action(
        "campaigns.update.sent",
        actor=actor,
        obj=update,
        data={"action": action.pk, "recipients": update.recipients},
        request=request,
    )
    # Robust: if the queue is down the update is stored, and campaign_updates_resume sends it.
    transaction.on_commit(lambda: _campaign_update_enqueue(update.pk), robust=True)
    return update


def campaign_updates_resume() -> int:
    """Finish updates a run left unfinished (a broken connection, a lost task); returns how many went.

    Runs alongside a live sender safely: rows are claimed one run at a time.
    """
    sent = 0
    now = timezone.now()
    unfinished = CampaignUpdate.objects.filter(finished_at__isnull=True)
    for update in unfinished.filter(created_at__lt=now - UPDATE_GIVE_UP_AFTER):
        _campaign_update_finish(update)  # whatever is left is counted as not sent
    for update_id in unfinished.filter(created_at__lt=now - UPDATE_RESUME_AFTER).values_list("pk", flat=True):
        try:
            sent += campaign_update_deliver(update_id=update_id)
        except MailNotSent as error:
            # Already without addresses; the next resume tries again.
            logger.warning("Update %s is not finished yet: %s", update_id, error)
    return sent


def _campaign_update_enqueue(update_id: int) -> None:
    from chorus.campaigns import tasks

    tasks.send_campaign_update.enqueue(update_id=update_id)


def campaign_update_deliver(*, update_id: int, batch_size: int = 200) -> int:
    """Send an update to its recipients, batch by batch over one mail connection each;
    returns how many the mail server accepted in this run.

    Safe to run again after a crash or a broken connection: each recipient's row is
    claimed before their email goes and never goes back to waiting once accepted. A run
    killed mid-batch may leave a few unsent; the one message whose connection broke while
    it was being sent goes again, since the server may not have it. Addresses the server
    refuses for now are left for the next run, which ``campaign_updates_resume`` starts;
    this run then raises MailNotSent, without them.
    """
    update = CampaignUpdate.objects.select_related("action").get(pk=update_id)
    if update.finished_at is not None:
        return 0
    action = update.action.specific
    _campaign_update_start(update)
    # Refused for now by an earlier run: this run tries them again.
    CampaignUpdateDelivery.objects.filter(update=update, status=DeliveryStatus.DEFERRED).update(
        status=DeliveryStatus.PENDING
    )
    rendered = campaign_update_email(action=action, subject=update.subject, body=update.body)
    sent = 0
    deferred: list[str] = []
    while batch := _campaign_update_claim(update, batch_size):
        sent += _campaign_update_deliver_batch(update, batch, rendered, deferred)
    if deferred:
        raise MailNotSent(f"{deferred[-1]}: {len(deferred)} left for the next run")
    _campaign_update_finish(update)
    return sent


@transaction.atomic
def _campaign_update_start(update: CampaignUpdate) -> None:
    """List the recipients once, when sending first starts; a retried run keeps that list."""
    won = CampaignUpdate.objects.filter(pk=update.pk, started_at__isnull=True).update(started_at=timezone.now())
    if not won:
        return
    person_ids = list(update_recipients(action_id=update.action_id).values_list("pk", flat=True))
    CampaignUpdateDelivery.objects.bulk_create(
        (CampaignUpdateDelivery(update=update, person_id=person_id) for person_id in person_ids),
        batch_size=1000,
        ignore_conflicts=True,
    )
    CampaignUpdate.objects.filter(pk=update.pk).update(recipients=len(person_ids))


def _campaign_update_claim(update: CampaignUpdate, batch_size: int) -> list[CampaignUpdateDelivery]:
    waiting = CampaignUpdateDelivery.objects.filter(update=update, status=DeliveryStatus.PENDING)
    ids = list(waiting.order_by("pk").values_list("pk", flat=True)[:batch_size])
    if not ids:
        return []
    claim = secrets.token_hex(16)
    # Conditional: of two runs, only one takes each row.
    waiting.filter(pk__in=ids).update(status=DeliveryStatus.SENDING, claim=claim)
    return list(CampaignUpdateDelivery.objects.filter(claim=claim).select_related("person").order_by("pk"))


def _campaign_update_deliver_batch(
    update: CampaignUpdate, batch: list[CampaignUpdateDelivery], rendered: RenderedEmail, deferred: list[str]
) -> int:
    """Send one claimed batch; refusals for now are described (never named) in ``deferred``."""
    claim = batch[0].claim
    # Read again now: someone who stopped updates since the send started gets nothing.
    still_agreed = set(
        update_recipients(action_id=update.action_id)
        .filter(pk__in=[delivery.person_id for delivery in batch])
        .values_list("pk", flat=True)
    )
    done: dict[str, list[int]] = defaultdict(list)
    mailer = mailers["default"]
    try:
        mailer.open()
        for delivery in batch:
            email = delivery.person.email
            if delivery.person_id not in still_agreed or not email:
                done[DeliveryStatus.SKIPPED].append(delivery.pk)
                continue
            stop_url = settings.SITE_URL + stop_updates_path(person_id=delivery.person_id, action_id=update.action_id)
            headers = {
                # RFC 8058: mail programs show an unsubscribe button that POSTs to the link.
                "List-Unsubscribe": f"<{stop_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            try:
                send_rendered(mailer, rendered.with_link(STOP_URL_SLOT, stop_url), to=email, headers=headers)
            except MAIL_REFUSED as error:
                # Either way the rest of the batch goes on: one address must not hold up the others.
                if refused_for_good(error):
                    # Every run would be refused again: given up.
                    done[DeliveryStatus.REFUSED].append(delivery.pk)
                    logger.warning("An update email was refused for good (%s).", describe_mail_error(error))
                else:
                    # A busy or throttling server: the next run tries this one again.
                    done[DeliveryStatus.DEFERRED].append(delivery.pk)
                    deferred.append(describe_mail_error(error))
            else:
                done[DeliveryStatus.SENT].append(delivery.pk)
    except (OSError, smtplib.SMTPException) as error:
        # The untried rest of the batch is released below for the next run; no address is kept.
        raise MailNotSent(describe_mail_error(error)) from None
    finally:
        with transaction.atomic():
            for status, ids in done.items():
                CampaignUpdateDelivery.objects.filter(pk__in=ids, claim=claim).update(status=status, claim="")
            CampaignUpdateDelivery.objects.filter(claim=claim, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.PENDING, claim=""
            )
            CampaignUpdate.objects.filter(pk=update.pk).update(sent=F("sent") + len(done[DeliveryStatus.SENT]))
        mailer.close()
    return len(done[DeliveryStatus.SENT])


@transaction.atomic
def _campaign_update_finish(update: CampaignUpdate) -> None:
    """Record the outcome as counts, then drop the per-person rows: only the counts stay."""
    won = CampaignUpdate.objects.filter(pk=update.pk, finished_at__isnull=True).update(finished_at=timezone.now())
    if not won:
        return
    deliveries = CampaignUpdateDelivery.objects.filter(update=update)
    outcome = dict(deliveries.values_list("status").annotate(n=Count("pk")).order_by())
    deliveries.delete()
    skipped, refused = outcome.get(DeliveryStatus.SKIPPED, 0), outcome.get(DeliveryStatus.REFUSED, 0)
    recipients, sent = CampaignUpdate.objects.filter(pk=update.pk).values_list("recipients", "sent").get()
    # Whoever is left (refused for now, or never tried if sending never started) is given up.
    CampaignUpdate.objects.filter(pk=update.pk).update(
        skipped=skipped, refused=refused, given_up=max(recipients - sent - skipped - refused, 0)
    )
    log_action(
        "campaigns.update.delivered",
        obj=update,
        data={"action": update.action_id, **{str(status): n for status, n in outcome.items()}},
        screen="task: campaigns.send_campaign_update",
    )


# --- retention and erasure --------------------------------------------------------

ANONYMISED_FIELDS: dict[str, Any] = {
    "person": None,
    "name": "",
    "role": "",
    "contact": "",
    "postcode": "",
    "token_hash": "",
    "ip_hash": "",
    "email_domain_hash": "",
}


def _anonymise(qs: Any, *, now: Any) -> int:
    """Clear personal data from signatures; a published organisation's name stays public."""
    published = Q(kind=SignatureKind.ORGANISATION, moderation=Moderation.APPROVED, status=SignatureStatus.CONFIRMED)
    qs = qs.filter(anonymised_at__isnull=True)
    count: int = qs.filter(published).update(**ANONYMISED_FIELDS, anonymised_at=now)
    count += qs.exclude(published).update(**ANONYMISED_FIELDS, organisation="", anonymised_at=now)
    return count


@transaction.atomic
def signatures_apply_retention() -> dict[str, int]:
    """Anonymise signers of long-closed actions, drop stale unconfirmed rows and old address hashes."""
    now = timezone.now()
    closed_before = now - timedelta(days=settings.CHORUS_CAMPAIGNS_RETENTION_DAYS)
    # Closed by a campaigner, or left open past its closing date and never formally closed.
    expired_actions = ActionPage.objects.filter(
        Q(state__in=[ActionState.CLOSED, ActionState.DELIVERED], closed_at__lte=closed_before)
        | Q(closing_date__lte=closed_before.date())
    )
    anonymised = _anonymise(Signature.objects.filter(action__in=expired_actions), now=now)
    unconfirmed_before = now - timedelta(days=settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS)
    removed, _ = Signature.objects.filter(
        Q(token_sent_at__lt=unconfirmed_before) | Q(token_sent_at__isnull=True, created_at__lt=unconfirmed_before),
        status=SignatureStatus.PENDING,
    ).delete()
    hashes_cleared = (
        Signature.objects.filter(created_at__lt=now - timedelta(days=settings.CHORUS_CAMPAIGNS_IP_HASH_DAYS))
        .exclude(ip_hash="")
        .update(ip_hash="")
    )
    BlockedIpHash.objects.filter(expires_at__lt=now).delete()
    # Filed within seconds while a sender runs; one that never ran would only send dead links.
    never_filed, _ = SignatureIntake.objects.filter(received_at__lt=unconfirmed_before).delete()
    figures = {
        "anonymised": anonymised,
        "unconfirmed_removed": removed,
        "ip_hashes_cleared": hashes_cleared,
        "never_filed_removed": never_filed,
    }
    log_action("campaigns.retention.applied", data=figures, screen="task: campaigns.apply_retention")
    return figures


@transaction.atomic
def signatures_erase_for_person(*, person: Person) -> int:
    """Erase one person's details from every signature; confirmed ones still count."""
    now = timezone.now()
    qs = Signature.objects.filter(person=person)
    removed, _ = qs.filter(status=SignatureStatus.PENDING).delete()
    anonymised = _anonymise(Signature.objects.filter(person=person), now=now)
    total = removed + anonymised
    log_action("campaigns.signatures.erased", data={"count": total}, screen="privacy: erase")
    return total

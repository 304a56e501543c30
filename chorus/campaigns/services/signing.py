"""Taking signatures in and filing them: the busiest writes of a surge.

A signing request stores one encrypted intake row and asks for a filing run. The run
files every waiting row as a person and a signature, in batches, and queues each
signer's email in the outbox in the same transaction (``signatures_file``).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from chorus.campaigns.models import (
    SIGNER_ALREADY_SIGNED_EMAIL,
    SIGNER_CONFIRM_EMAIL,
    SIGNER_EMAILS,
    ActionPage,
    DisplayChoice,
    Moderation,
    Signature,
    SignatureIntake,
    SignatureKind,
    SignatureStatus,
    domain_hash,
    email_domain,
)
from chorus.campaigns.selectors import block_lists
from chorus.core.crypto import email_index
from chorus.core.models import OutboxMessage
from chorus.core.outbox import outbox_add_many, outbox_row, outbox_send
from chorus.core.queueing import coalesced_enqueue
from chorus.core.ratelimit import Limit, within_limits
from chorus.people.services import NewPersonDetails, persons_get_or_create


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
    *, action: ActionPage, details: SignerDetails, ip_hash: str, is_bot: bool = False, limit_key: str = ""
) -> SubmitOutcome:
    """Take a signature in: checks that need no database, then one insert.

    ``limit_key`` is what the signing limits count against, the address's hash unless
    given: the integration API counts per token and signer (its tokens have their own limits).

    The sender run files it as a person and a signature moments later and sends the
    right email (``signatures_file``), so a surge costs each request one row and never
    waits on the audit chain or the person table.
    """
    if not action.is_open:
        return SubmitOutcome.CLOSED
    if is_bot:
        return SubmitOutcome.BOT
    if not within_limits("campaigns.sign", limit_key or ip_hash, _signing_limits()):
        return SubmitOutcome.RATE_LIMITED
    email_domain_hash = domain_hash(email_domain(details.email))
    if block_lists().blocks(ip_hash=ip_hash, email_domain_hash=email_domain_hash):
        return SubmitOutcome.BLOCKED
    # The one row every signer's request writes.
    SignatureIntake.objects.create(
        action_id=action.pk,
        answers=json.dumps(dataclasses.asdict(details)),
        ip_hash=ip_hash,
        email_domain_hash=email_domain_hash,
        received_at=timezone.now(),
    )
    # Robust: if the cache or queue is down the signer still gets the usual answer, and
    # the periodic job files the signature within a minute.
    transaction.on_commit(signatures_filing_request, robust=True)
    return SubmitOutcome.RECEIVED


# --- the filing run ---------------------------------------------------------------------

FILING_QUEUED = "campaigns:filing-queued"
# A queued filing run waits this long first, so that in a surge it files a whole batch.
FILING_GATHER = timedelta(seconds=1)


def signatures_filing_request() -> None:
    """See that a filing run happens soon; one queued run files every signature taken in before it starts."""
    from chorus.campaigns import tasks

    coalesced_enqueue(tasks.file_signatures, flag=FILING_QUEUED, gather=FILING_GATHER)


def signatures_file_and_send() -> int:
    """The filing run: file the intake, then send the emails it queued over one connection.

    Sending here spares signers a second wait for the outbox's own run. Returns how many
    outbox rows were sent.
    """
    cache.delete(FILING_QUEUED)
    signatures_file()
    return outbox_send().sent


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
    # Which email each signature in this batch is due (the last one asked for wins).
    emails: dict[tuple[int, int], tuple[str, Signature]] = {}
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
            # The same address twice in one batch: one signature and one email. The first
            # answers stand, as they would once its link had gone out (_signature_file_again).
            outcomes.append(SubmitOutcome.RESENT)
        elif key in existing:
            outcome = _signature_file_again(existing[key], details)
            outcomes.append(outcome)
            kind = SIGNER_CONFIRM_EMAIL if outcome == SubmitOutcome.RESENT else SIGNER_ALREADY_SIGNED_EMAIL
            emails[key] = (kind, existing[key])
        else:
            signature = Signature(
                person=person,
                action=action,
                ip_hash=row.ip_hash,
                email_domain_hash=row.email_domain_hash,
                created_at=row.received_at,  # when they signed, for trends and retention
            )
            _apply_details(signature, details)
            new[key] = signature
            emails[key] = (SIGNER_CONFIRM_EMAIL, signature)
            outcomes.append(SubmitOutcome.NEW)
    Signature.objects.bulk_create(new.values())
    SignatureIntake.objects.filter(pk__in=[row.pk for row in taken]).delete()
    _signer_emails_queue(emails)
    return outcomes


def _details_from_json(answers: str) -> SignerDetails:
    data = json.loads(answers)
    return SignerDetails(**{**data, "kind": SignatureKind(data["kind"]), "display": DisplayChoice(data["display"])})


def _signature_file_again(signature: Signature, details: SignerDetails) -> SubmitOutcome:
    """Someone who has signed before: a fresh link if still pending, else a note that they have.

    While a pending signature's link is still valid its details stand: anyone can type an
    address into the form, and a stranger must not be able to change what its owner is
    about to confirm. Once that link has lapsed, the latest answers replace the old ones.
    """
    if signature.status == SignatureStatus.PENDING:
        if signature.token_expired():
            _apply_details(signature, details)
            signature.save(update_fields=DETAIL_FIELDS)
        return SubmitOutcome.RESENT
    return SubmitOutcome.ALREADY_SIGNED


def _signer_emails_queue(emails: dict[tuple[int, int], tuple[str, Signature]]) -> None:
    """Queue each signer's email, at most CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY a day per person.

    Anyone can type someone else's address into the form from many machines; the cap
    keeps that from filling a stranger's inbox. Their signature is still filed.
    """
    if not emails:
        return
    cap = settings.CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY
    person_ids = {signature.person_id for _, signature in emails.values()}
    sent_today = dict(
        OutboxMessage.objects.filter(
            kind__in=SIGNER_EMAILS,
            person_id__in=person_ids,
            created_at__gte=timezone.now() - timedelta(days=1),
        )
        .values_list("person_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = []
    for kind, signature in emails.values():
        if sent_today.get(signature.person_id, 0) >= cap:
            continue
        sent_today[signature.person_id] = sent_today.get(signature.person_id, 0) + 1
        rows.append(outbox_row(kind=kind, about_id=signature.pk, person_id=signature.person_id))
    outbox_add_many(rows)


def confirm_path(token: str) -> str:
    return reverse("campaigns:confirm", kwargs={"token": token})

"""Writing a letter to a representative: who it goes to, how like others it is, and confirming it.

A letter is stored when the writer sends it, waits for the writer to confirm it from an
emailed link, and is then queued for delivery (``letter_delivery``, at the action's pace).
Similarity is measured the way WriteToThem does it, on hashed five-word sequences of the
letter without its greeting and sign-off, against the other confirmed letters to the same
target. It encourages people to write in their own words; it never stops a letter.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from chorus.campaigns.models import (
    LETTER_ALREADY_WRITTEN_EMAIL,
    LETTER_CONFIRM_EMAIL,
    LETTER_WRITER_EMAILS,
    NAMED_TARGET_KEY,
    ConstituentLetter,
    LetterShingle,
    LetterStatus,
    LetterToRepresentativePage,
    domain_hash,
    email_domain,
)
from chorus.campaigns.selectors import block_lists
from chorus.core.audit import log_action
from chorus.core.crypto import blind_index, canonical_email
from chorus.core.models import OutboxMessage
from chorus.core.outbox import outbox_add
from chorus.core.ratelimit import Limit, within_limits
from chorus.people.services import person_get_or_create
from chorus.representatives.lookup import Seat, seat

# --- similarity ---------------------------------------------------------------------------

SHINGLE_WORDS = 5
# At or above this share of a letter already in other letters, the writer is told plainly.
SIMILARITY_MOSTLY = 0.6
# From this share, the writer is told gently that parts are like other letters.
SIMILARITY_SOME = 0.2


class SimilarityLevel(enum.StrEnum):
    NONE = "none"
    SOME = "some"
    MOSTLY = "mostly"


def similarity_level(score: float) -> SimilarityLevel:
    """What a similarity score means for the writer."""
    if score >= SIMILARITY_MOSTLY:
        return SimilarityLevel.MOSTLY
    if score >= SIMILARITY_SOME:
        return SimilarityLevel.SOME
    return SimilarityLevel.NONE


# A greeting on the first line ("Dear Ms Patel,"), or at the very start of dictated text.
_GREETING = re.compile(r"^\s*(dear|hello|hi|to)\b[^\n,]{0,80}[,\n]", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"\b(yours\s+(sincerely|faithfully|truly)|kind\s+regards|best\s+wishes|with\s+thanks|many\s+thanks|regards)\b",
    re.IGNORECASE,
)
# A sign-off is only one if little follows it: the writer's name and perhaps an address.
_SIGN_OFF_TAIL = 300
_NOT_A_WORD = re.compile(r"[^\w]+")


def letter_core_text(body: str) -> str:
    """The letter without its greeting and sign-off: what people write the same way anyway."""
    text = _GREETING.sub("", body, count=1)
    endings = list(_SIGN_OFF.finditer(text))
    if endings and len(text) - endings[-1].start() <= _SIGN_OFF_TAIL:
        text = text[: endings[-1].start()]
    return text


def letter_words(body: str) -> list[str]:
    """The words of a letter's core, lower-cased, without punctuation."""
    folded = unicodedata.normalize("NFKC", letter_core_text(body)).casefold().replace("_", " ")
    return _NOT_A_WORD.sub(" ", folded).split()


def letter_shingles(body: str) -> set[str]:
    """Keyed hashes of every run of five words: comparable between letters, never readable."""
    words = letter_words(body)
    runs = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    return {blind_index(run, purpose="letter-shingle")[:16] for run in runs}


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def letter_similarity(*, action: LetterToRepresentativePage, target_key: str, body: str) -> float:
    """Share (0 to 1) of this letter's five-word runs already in confirmed letters to the same target."""
    shingles = sorted(letter_shingles(body))
    if not shingles:
        return 0.0
    seen = 0
    for chunk in _chunks(shingles):
        seen += LetterShingle.objects.filter(
            action=action, target_key=target_key, shingle__in=chunk, letters__gt=0
        ).count()
    return round(seen / len(shingles), 3)


def letter_shingles_count(letter: ConstituentLetter) -> None:
    """Count a confirmed letter's runs for its target (race-free: insert at nought, then add one)."""
    shingles = sorted(letter_shingles(letter.body))
    for chunk in _chunks(shingles):
        LetterShingle.objects.bulk_create(
            [
                LetterShingle(action_id=letter.action_id, target_key=letter.target_key, shingle=shingle, letters=0)
                for shingle in chunk
            ],
            ignore_conflicts=True,
        )
        LetterShingle.objects.filter(
            action_id=letter.action_id, target_key=letter.target_key, shingle__in=chunk
        ).update(letters=F("letters") + 1)


# --- who a letter goes to -------------------------------------------------------------------


@dataclass(frozen=True)
class LetterTarget:
    """Who a letter goes to, as the writer is shown it and the letter keeps it."""

    key: str  # a constituency code, or NAMED_TARGET_KEY
    name: str
    role: str  # "Labour MP for Cardiff East", "Speaker of the House of Commons, MP for …", a minister's title
    email: str
    constituency_name: str = ""
    vacant: bool = False


def letter_target_for_seat(found: Seat) -> LetterTarget:
    """A seat's MP as a letter's target (vacant when the seat has no MP)."""
    if found.is_vacant:
        return LetterTarget(
            key=found.constituency_code,
            name="",
            role=f"{found.constituency_name} has no MP at the moment",
            email="",
            constituency_name=found.constituency_name,
            vacant=True,
        )
    party = f"{found.party}, " if found.party else ""
    return LetterTarget(
        key=found.constituency_code,
        name=found.representative_name,
        role=f"{party}MP for {found.constituency_name}",
        email=found.email,
        constituency_name=found.constituency_name,
    )


def letter_target_named(action: LetterToRepresentativePage) -> LetterTarget:
    """The action's named decision-maker as a letter's target."""
    return LetterTarget(
        key=NAMED_TARGET_KEY, name=action.target_name, role=action.target_role, email=action.target_email
    )


def letter_target(*, action: LetterToRepresentativePage, key: str) -> LetterTarget | None:
    """The target for a key chosen on the form, read afresh (None: no such seat for this action)."""
    if not action.writes_to_own_mp:
        return letter_target_named(action) if key == NAMED_TARGET_KEY else None
    found = seat(key) if key and key != NAMED_TARGET_KEY else None
    return letter_target_for_seat(found) if found is not None else None


# --- taking a letter in -----------------------------------------------------------------------


@dataclass(frozen=True)
class LetterDetails:
    """What the writing form collected, already validated."""

    email: str
    name: str
    postal_address: str
    postcode: str
    body: str
    target_key: str


class LetterSubmitOutcome(enum.StrEnum):
    """What happened. The writer sees the same "check your email" page for all but CLOSED and NO_TARGET."""

    NEW = "new"
    RESENT = "resent"  # still waiting for confirmation: a fresh link is sent
    ALREADY_WRITTEN = "already_written"  # an email says so; never the screen
    BLOCKED = "blocked"  # a blocked address or email domain (the signing block lists)
    BOT = "bot"
    RATE_LIMITED = "rate_limited"
    CLOSED = "closed"
    NO_TARGET = "no_target"  # the seat is vacant or gone: nobody to write to


def writer_index(*, action_id: int, email: str) -> str:
    """The writer's address as a keyed hash per action: one letter per person and target, untraceable elsewhere."""
    return blind_index(f"{action_id}\x00{canonical_email(email)}", purpose="letter-writer")


def _letter_limits() -> list[Limit]:
    return [
        Limit(settings.CHORUS_CAMPAIGNS_SIGN_BURST, 60),
        Limit(settings.CHORUS_CAMPAIGNS_SIGN_SUSTAINED, 86400),
    ]


LETTER_DETAIL_FIELDS = [
    "name", "postal_address", "postcode", "body", "target_name", "target_email", "constituency_name", "similarity",
]  # fmt: skip


def _apply_details(letter: ConstituentLetter, details: LetterDetails, target: LetterTarget, similarity: float) -> None:
    letter.name = details.name
    letter.postal_address = details.postal_address
    letter.postcode = details.postcode
    letter.body = details.body
    letter.target_name = target.name
    letter.target_email = target.email
    letter.constituency_name = target.constituency_name
    letter.similarity = similarity


def letter_submit(
    *, action: LetterToRepresentativePage, details: LetterDetails, ip_hash: str, is_bot: bool = False
) -> LetterSubmitOutcome:
    """Store a letter waiting for its writer to confirm it, and email them the link.

    A second letter from the same address to the same target is not stored: the writer
    gets a fresh link if the first is still unconfirmed, or an email saying they already
    wrote. The screen is the same either way, so nobody learns who wrote what.
    """
    if not action.is_open:
        return LetterSubmitOutcome.CLOSED
    if is_bot:
        return LetterSubmitOutcome.BOT
    if not within_limits("campaigns.letter", ip_hash, _letter_limits()):
        return LetterSubmitOutcome.RATE_LIMITED
    if block_lists().blocks(ip_hash=ip_hash, email_domain_hash=domain_hash(email_domain(details.email))):
        return LetterSubmitOutcome.BLOCKED
    target = letter_target(action=action, key=details.target_key)
    if target is None or target.vacant:
        return LetterSubmitOutcome.NO_TARGET
    similarity = letter_similarity(action=action, target_key=target.key, body=details.body)
    index = writer_index(action_id=action.pk, email=details.email)
    with transaction.atomic():
        person, _ = person_get_or_create(email=details.email, name=details.name)
        existing = (
            ConstituentLetter.objects.select_for_update()
            .filter(action=action, target_key=target.key, writer_index=index, erased_at__isnull=True)
            .first()
        )
        if existing is None:
            letter = ConstituentLetter(action=action, person=person, writer_index=index, target_key=target.key)
            _apply_details(letter, details, target, similarity)
            try:
                with transaction.atomic():
                    letter.save()
            except IntegrityError:
                # The same writer's other request stored one a moment ago: treat this as a repeat.
                existing = ConstituentLetter.objects.select_for_update().get(
                    action=action, target_key=target.key, writer_index=index, erased_at__isnull=True
                )
            else:
                _writer_email_queue(LETTER_CONFIRM_EMAIL, letter)
                return LetterSubmitOutcome.NEW
        if existing.person_id is None:
            existing.person = person
            existing.save(update_fields=["person"])
        if existing.status == LetterStatus.PENDING:
            # While its link is valid the letter stands as written: anyone can type an address
            # into the form, and a stranger must not change what its owner is about to confirm.
            if existing.token_expired():
                _apply_details(existing, details, target, similarity)
                existing.save(update_fields=LETTER_DETAIL_FIELDS)
            _writer_email_queue(LETTER_CONFIRM_EMAIL, existing)
            return LetterSubmitOutcome.RESENT
        _writer_email_queue(LETTER_ALREADY_WRITTEN_EMAIL, existing)
        return LetterSubmitOutcome.ALREADY_WRITTEN


def _writer_email_queue(kind: str, letter: ConstituentLetter) -> None:
    """Queue a writer's email, at most CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY a day per person.

    Anyone can type a stranger's address into the form, and that must not fill their inbox.
    """
    sent_today = OutboxMessage.objects.filter(
        kind__in=LETTER_WRITER_EMAILS,
        person_id=letter.person_id,
        created_at__gte=timezone.now() - timedelta(days=1),
    ).aggregate(count=Count("pk"))["count"]
    if sent_today >= settings.CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY:
        return
    outbox_add(kind=kind, about_id=letter.pk, person_id=letter.person_id)


# --- confirming ---------------------------------------------------------------------------------


class LetterConfirmOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"
    CLOSED = "closed"
    NO_TARGET = "no_target"  # the seat has fallen vacant since the letter was written


def letter_confirm_state(letter: ConstituentLetter | None) -> LetterConfirmOutcome | None:
    """What a confirm link would do now; None when it can still confirm."""
    if letter is None or letter.erased_at is not None:
        return LetterConfirmOutcome.INVALID
    if letter.status != LetterStatus.PENDING:
        return LetterConfirmOutcome.ALREADY_CONFIRMED
    action = LetterToRepresentativePage.objects.live().public().filter(pk=letter.action_id).first()
    if action is None or not action.confirms_signature_made_at(letter.created_at):
        return LetterConfirmOutcome.CLOSED
    if letter.token_expired():
        return LetterConfirmOutcome.EXPIRED
    return None


def letter_confirm(*, letter: ConstituentLetter | None) -> LetterConfirmOutcome:
    """Confirm a letter from its emailed link: it joins its target's queue. Safe when replayed."""
    blocked = letter_confirm_state(letter)
    if blocked is not None:
        return blocked
    assert letter is not None
    # The office's public address as it is now: an MP may have changed since it was written.
    target = letter_target(action=letter.action, key=letter.target_key)
    if target is None or target.vacant:
        return LetterConfirmOutcome.NO_TARGET
    with transaction.atomic():
        now = timezone.now()
        # The conditional UPDATE lets exactly one of several simultaneous clicks win.
        won = ConstituentLetter.objects.filter(pk=letter.pk, status=LetterStatus.PENDING).update(
            status=LetterStatus.QUEUED,
            confirmed_at=now,
            target_name=target.name,
            target_email=target.email,
            constituency_name=target.constituency_name,
        )
        if not won:
            return LetterConfirmOutcome.ALREADY_CONFIRMED
        letter_shingles_count(letter)
        log_action("campaigns.letter.confirmed", obj=letter, data={"action": letter.action_id})
    return LetterConfirmOutcome.CONFIRMED

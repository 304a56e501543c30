"""Retention and erasure of letters: the writer's details and words go; counts and answers stay.

A set time after delivery (``CHORUS_CAMPAIGNS_LETTER_RETENTION_DAYS``, three months by
default) a letter loses its writer's name, postal address, postcode, words, pasted reply
and links; its constituency, office, similarity, status, dates and reply answer stay, so
the public summary and staff counts survive. A letter never confirmed goes after
``CHORUS_CAMPAIGNS_CONFIRM_DAYS``, like an unconfirmed signature; one that never went
(its seat vacant all that time) goes after the same period as a delivered one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chorus.campaigns.models import ConstituentLetter, LetterStatus, SharedReply
from chorus.core.audit import log_action
from chorus.people.models import Person

ERASED_FIELDS: dict[str, Any] = {
    "person": None,
    "writer_index": "",
    "name": "",
    "postal_address": "",
    "postcode": "",
    "body": "",
    "reply_text": "",
    "token_hash": "",
    "reply_token_hash": "",
}


def _erase(letters: QuerySet[ConstituentLetter], *, now: datetime) -> int:
    """Clear the writer's details and words; the row and what it counts stay."""
    count: int = letters.filter(erased_at__isnull=True).update(**ERASED_FIELDS, erased_at=now)
    return count


def _never_went(letters: QuerySet[ConstituentLetter]) -> QuerySet[ConstituentLetter]:
    """Letters that were not (and now will not be) delivered: unconfirmed, or confirmed and never handed over."""
    return letters.filter(Q(status=LetterStatus.PENDING) | Q(status=LetterStatus.QUEUED, released_at__isnull=True))


@transaction.atomic
def letters_apply_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Erase delivered and refused letters after the keeping time; delete those never confirmed or never sent."""
    now = now or timezone.now()
    kept_until = now - timedelta(days=settings.CHORUS_CAMPAIGNS_LETTER_RETENTION_DAYS)
    erased = _erase(
        ConstituentLetter.objects.filter(
            Q(status=LetterStatus.SENT, sent_at__lt=kept_until)
            | Q(status=LetterStatus.REFUSED, refused_at__lt=kept_until)
        ),
        now=now,
    )
    unconfirmed_before = now - timedelta(days=settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS)
    unconfirmed, _ = ConstituentLetter.objects.filter(
        Q(token_sent_at__lt=unconfirmed_before) | Q(token_sent_at__isnull=True, created_at__lt=unconfirmed_before),
        status=LetterStatus.PENDING,
    ).delete()
    never_sent, _ = ConstituentLetter.objects.filter(
        status=LetterStatus.QUEUED, released_at__isnull=True, confirmed_at__lt=kept_until
    ).delete()
    figures = {
        "letters_erased": erased,
        "letters_unconfirmed_removed": unconfirmed,
        "letters_never_sent_removed": never_sent,
    }
    log_action("campaigns.letters.retention_applied", data=figures, screen="task: campaigns.apply_retention")
    return figures


@transaction.atomic
def letters_erase_for_person(*, person: Person) -> int:
    """Erase one person's letters: those not yet gone are deleted, the rest lose every detail but still count."""
    now = timezone.now()
    theirs = ConstituentLetter.objects.filter(person=person)
    # The words they agreed the network could share came from them: those go too.
    shared, _ = SharedReply.objects.filter(letter__in=theirs).delete()
    removed, _ = _never_went(theirs).delete()
    erased = _erase(ConstituentLetter.objects.filter(person=person), now=now)
    total = removed + erased
    log_action("campaigns.letters.erased", data={"count": total, "shared_replies": shared}, screen="privacy: erase")
    return total

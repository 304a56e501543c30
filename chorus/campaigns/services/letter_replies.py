"""After a letter went: "Did your MP reply?", asked once, and what writers answer.

Two weeks after a letter is sent its writer gets one email with a link (its token is
issued as the email goes; only the hash is kept). The page the link opens asks with three
buttons: yes, not yet, no. Answering again replaces the answer. We ask once: a writer who
answers "not yet" is told to use the same link if a reply comes, rather than being emailed
again. With "yes", the writer may paste the reply and say whether the network may share it;
staff can then attach it to a policy tracker item (``shared_reply_attach``).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.campaigns.models import (
    LETTER_REPLY_QUESTION_EMAIL,
    ConstituentLetter,
    LetterStatus,
    ReplyReport,
    SharedReply,
)
from chorus.core.audit import log_action
from chorus.core.outbox import outbox_add_many, outbox_row

# How long after a letter is sent its writer is asked whether they had a reply.
REPLY_ASK_AFTER = timedelta(days=14)
# A pasted reply is a letter, not a book.
REPLY_TEXT_LONGEST = 20_000
# Staff read letters with this permission (Campaigners: see chorus.campaigns.permissions).
READ_LETTERS_PERMISSION = "campaigns.view_constituentletter"
# Attaching a reply also changes the tracker: the tracker's own permission to change items.
ATTACH_PERMISSION = "tracker.change_trackeditem"


def letter_replies_ask(*, now: datetime | None = None, batch: int = 500) -> int:
    """Ask each writer whose letter went two weeks ago whether they had a reply; returns how many."""
    now = now or timezone.now()
    due = ConstituentLetter.objects.filter(
        status=LetterStatus.SENT,
        sent_at__lte=now - REPLY_ASK_AFTER,
        reply_asked_at__isnull=True,
        reply_report="",
        erased_at__isnull=True,
        person__isnull=False,
    )
    asked = 0
    while True:
        with transaction.atomic():
            chosen = list(due.order_by("sent_at", "pk").values_list("pk", "person_id")[:batch])
            if not chosen:
                break
            ids = [pk for pk, _ in chosen]
            # The conditional UPDATE marks each letter asked once, however many runs overlap.
            ConstituentLetter.objects.filter(pk__in=ids, reply_asked_at__isnull=True).update(reply_asked_at=now)
            outbox_add_many(
                outbox_row(
                    kind=LETTER_REPLY_QUESTION_EMAIL, about_id=pk, person_id=person_id, dedupe_key=f"letter-reply:{pk}"
                )
                for pk, person_id in chosen
            )
            asked += len(chosen)
        if len(chosen) < batch:
            break
    return asked


@transaction.atomic
def letter_reply_report(*, letter: ConstituentLetter, answer: ReplyReport) -> None:
    """Record the writer's answer; a later answer replaces it, and a reply kept for "yes" goes with it."""
    answer = ReplyReport(answer)
    changes: dict[str, Any] = {"reply_report": answer, "reply_reported_at": timezone.now()}
    if answer != ReplyReport.YES:
        changes.update(reply_text="", reply_may_share=False)
        SharedReply.objects.filter(letter=letter).delete()
    ConstituentLetter.objects.filter(pk=letter.pk, erased_at__isnull=True).update(**changes)
    for name, value in changes.items():
        setattr(letter, name, value)
    log_action(
        "campaigns.letter.reply_reported",
        obj=letter,
        data={"action": letter.action_id, "answer": str(answer)},
        screen="letter writer: did your MP reply?",
    )


def reply_text_clean(text: str) -> str:
    """A pasted reply as it is kept: line breaks and tabs stay, other control characters refuse it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for char in text:
        if char not in "\n\t" and unicodedata.category(char) == "Cc":
            raise ValueError("The reply has characters in it that are not text.")
    if len(text) > REPLY_TEXT_LONGEST:
        raise ValueError(f"The reply is longer than {REPLY_TEXT_LONGEST:,} characters.")
    return text.strip()


@transaction.atomic
def letter_reply_text_save(*, letter: ConstituentLetter, text: str, may_share: bool) -> None:
    """Keep the reply a writer pasted after answering "yes", and whether the network may share it.

    Taking back the permission removes any copy staff attached to the tracker.
    """
    if letter.reply_report != ReplyReport.YES:
        raise ValueError("Only a letter that had a reply keeps one.")
    text = reply_text_clean(text)
    may_share = may_share and bool(text)
    ConstituentLetter.objects.filter(pk=letter.pk, erased_at__isnull=True).update(
        reply_text=text, reply_may_share=may_share
    )
    letter.reply_text, letter.reply_may_share = text, may_share
    if not may_share:
        SharedReply.objects.filter(letter=letter).delete()
    log_action(
        "campaigns.letter.reply_kept",
        obj=letter,
        data={"action": letter.action_id, "has_text": bool(text), "may_share": may_share},
        screen="letter writer: did your MP reply?",
    )


def reply_may_be_attached(letter: ConstituentLetter) -> bool:
    """Whether staff may attach this letter's reply to the tracker: the writer said yes, pasted it, and agreed."""
    return (
        letter.erased_at is None
        and letter.reply_report == ReplyReport.YES
        and letter.reply_may_share
        and bool(letter.reply_text.strip())
    )


def shared_reply_attach(
    *, letter: ConstituentLetter, item: Any, text: str, actor: Any, request: HttpRequest | None = None
) -> SharedReply:
    """Attach a reply, as staff edited it and with its writer's permission, to a tracker item.

    Attaching the same reply to the same item again changes the words kept there.
    """
    if not (actor.has_perm(READ_LETTERS_PERMISSION) and actor.has_perm(ATTACH_PERMISSION)):
        raise PermissionDenied("You do not have permission to do that.")
    if not reply_may_be_attached(letter):
        raise ValueError("The writer has not given permission to share this reply.")
    text = reply_text_clean(text)
    if not text:
        raise ValueError("Enter the words of the reply to attach.")
    with transaction.atomic():
        shared = SharedReply.objects.filter(letter=letter, item=item).first()
        if shared is None:
            try:
                with transaction.atomic():
                    shared = SharedReply.objects.create(
                        letter=letter,
                        item=item,
                        action_id=letter.action_id,
                        replied_by=letter.target_name,
                        constituency_name=letter.constituency_name,
                        text=text,
                        attached_by=actor,
                    )
            except IntegrityError:
                shared = SharedReply.objects.get(letter=letter, item=item)
        shared.text, shared.attached_by, shared.attached_at = text, actor, timezone.now()
        shared.save(update_fields=["text", "attached_by", "attached_at"])
        log_action(
            "campaigns.letter_reply.attached",
            actor=actor,
            obj=letter,
            data={"action": letter.action_id, "tracker_item": item.pk, "shared_reply": shared.pk},
            request=request,
        )
    return shared

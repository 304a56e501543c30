"""Every email of letters to representatives, built when the outbox sends them.

- To the writer: the confirmation link, and a note that they have already written to this
  person for this action (never shown on screen, so the form reveals nothing about anyone's
  letters). Neither repeats the letter or the name typed on the form: anyone may type
  anything beside someone's address. The confirmation page the link opens shows the letter.
- Each letter to its office, as from its writer (``services.letter_delivery`` releases
  them): ``From`` is the network's own sending address with "<writer> via <network>" as its
  name, ``Reply-To`` is the writer, and the body is the writer's own words with their name,
  postal address and postcode, which an MP's office needs before it answers a constituent.
- An office's weekly bundle: every letter in one email, with the same as a PDF.
- To the writer afterwards: their letter was refused for good; and later, "Did your MP reply?".

Links (confirmation, reply) are issued here, as the email goes: only their hash is stored,
so a token exists in the email alone. Everything typed by a writer reaches a header only
through ``header_text``: no control character (CR and LF among them) survives it. Nothing
is read until the email goes, so a letter erased meanwhile is not sent.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterator
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chorus.campaigns.models import (
    LETTER_ALREADY_WRITTEN_EMAIL,
    LETTER_BUNDLE_EMAIL,
    LETTER_CONFIRM_EMAIL,
    LETTER_REFUSED_EMAIL,
    LETTER_REPLY_QUESTION_EMAIL,
    LETTER_TO_OFFICE_EMAIL,
    NAMED_TARGET_KEY,
    ConstituentLetter,
    LetterBundle,
    LetterBundleStatus,
    LetterStatus,
    LetterToRepresentativePage,
)
from chorus.core import outbox
from chorus.core.branding import organisation_name, organisation_sender
from chorus.core.crypto import token_digest
from chorus.core.mail import ChorusEmail, RenderedEmail, email_message, render_email
from chorus.core.models import OutboxMessage
from chorus.representatives.lookup import seat

# The PDF of a bundle: one typeface throughout, as the delivery pack (chorus.campaigns.delivery_packs).
BUNDLE_TYPEFACE = "DejaVu Sans"
# A header's words are cut at this length: a display name or subject, never a paragraph.
NAME_IN_HEADER = 70
SUBJECT_LENGTH = 180


def header_text(text: str, *, limit: int) -> str:
    """Text fit for an email header: one line, no control characters, cut short.

    Every control or format character (CR, LF, NUL, a right-to-left override…) becomes a
    space, and runs of space become one.
    """
    spaced = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in str(text))
    return " ".join(spaced.split())[:limit].strip()


def sending_address() -> str:
    """The address part of DEFAULT_FROM_EMAIL: the network's own, which its mail server may send as."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _valid_address(address: str) -> str:
    """The address if it is one address fit for a header, else ""."""
    address = (address or "").strip()
    if not address or header_text(address, limit=254) != address or "," in address:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def letter_from_header(writer_name: str) -> str:
    """ "Sam Rivers via Chorus" <no-reply@…>: the writer's name, never their address, as the sender's."""
    writer = header_text(writer_name, limit=NAME_IN_HEADER) or "A constituent"
    network = header_text(organisation_name(), limit=NAME_IN_HEADER)
    return formataddr((f"{writer} via {network}", sending_address()))


def _to_an_mp(letter: ConstituentLetter | LetterBundle) -> bool:
    return letter.target_key != NAMED_TARGET_KEY


def addressee(letter: ConstituentLetter) -> str:
    """Who the letter is to, as the writer knows them: "Sam Lee, MP for Leeds East"."""
    if _to_an_mp(letter) and letter.constituency_name:
        if letter.target_name:
            return f"{letter.target_name}, MP for {letter.constituency_name}"
        return f"the MP for {letter.constituency_name}"
    return letter.target_name or "the person you wrote to"


def _writers_letters(rows: list[OutboxMessage], *, status: LetterStatus | None = None) -> dict[int, ConstituentLetter]:
    """The rows' letters that are not erased (and in ``status``, if given), by id, with their writer and action."""
    ids = {row.about_id for row in rows if row.about_id is not None}
    found = ConstituentLetter.objects.filter(pk__in=ids, erased_at__isnull=True)
    if status is not None:
        found = found.filter(status=status)
    return {letter.pk: letter for letter in found.select_related("person", "action")}


# --- to the writer, before anything is sent ---------------------------------------------------


def letter_confirm_path(token: str) -> str:
    """The address of the page where a writer confirms their letter."""
    return reverse("campaigns:letter_confirm", kwargs={"token": token})


@outbox.composer(LETTER_CONFIRM_EMAIL, label="Letters: confirmation link")
def compose_letter_confirmations(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """A fresh link for each letter still waiting for its writer; a new link replaces the last."""
    # Confirmed, erased or removed meanwhile: nothing to send.
    letters = _writers_letters(rows, status=LetterStatus.PENDING)
    waiting: dict[int, list[int]] = {}
    for row in rows:
        letter = letters.get(row.about_id or 0)
        if letter is not None and letter.person is not None:
            waiting.setdefault(letter.pk, []).append(row.pk)
    now = timezone.now()
    for pk, row_ids in waiting.items():
        letter = letters[pk]
        assert letter.person is not None
        token = secrets.token_urlsafe(32)
        # Saved before the email is handed over; a retry issues another and the last one works.
        ConstituentLetter.objects.filter(pk=pk).update(token_hash=token_digest(token), token_sent_at=now)
        rendered = render_email(
            template="campaigns/email/letter_confirm",
            context={
                "action": letter.action,
                "addressee": addressee(letter),
                "confirm_url": settings.SITE_URL + letter_confirm_path(token),
                "days": settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS,
            },
        )
        yield outbox.Envelope(message=email_message(rendered, to=letter.person.email), rows=tuple(row_ids))


@outbox.composer(LETTER_ALREADY_WRITTEN_EMAIL, label="Letters: already written note")
def compose_letters_already_written(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """Tell a writer, by email only, that they have already written to this person for this action."""
    letters = _writers_letters(rows)
    for row in rows:
        letter = letters.get(row.about_id or 0)
        if letter is None or letter.person is None or not letter.person.email:
            continue
        rendered = render_email(
            template="campaigns/email/letter_already_written",
            context={
                "action": letter.action,
                "addressee": addressee(letter),
                "action_url": settings.SITE_URL + (letter.action.url or "/"),
            },
        )
        yield outbox.Envelope(message=email_message(rendered, to=letter.person.email), rows=(row.pk,))


# --- to the office ----------------------------------------------------------------------------


def _letter_context(letter: ConstituentLetter, action: LetterToRepresentativePage) -> dict[str, Any]:
    return {
        "letter": letter,
        "action": action,
        "to_an_mp": _to_an_mp(letter),
        "constituency": letter.constituency_name,
    }


def letter_to_office_email(letter: ConstituentLetter, *, to: str) -> ChorusEmail:
    """One letter as its office receives it."""
    action = letter.action
    rendered = render_email(template="campaigns/email/letter_to_office", context=_letter_context(letter, action))
    reply_to = _valid_address(letter.person.email) if letter.person is not None else ""
    message = ChorusEmail(
        subject=header_text(rendered.subject, limit=SUBJECT_LENGTH),
        body=rendered.text,
        from_email=letter_from_header(letter.name),
        to=[to],
        reply_to=[reply_to] if reply_to else [],
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


@outbox.composer(LETTER_TO_OFFICE_EMAIL, label="Letter to an MP or decision-maker")
def compose_letters_to_offices(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """Each letter still waiting, to the office address it was released to."""
    ids = {row.about_id for row in rows if row.about_id is not None}
    letters = {
        letter.pk: letter
        for letter in ConstituentLetter.objects.filter(
            pk__in=ids, status=LetterStatus.QUEUED, erased_at__isnull=True, bundle__isnull=True
        ).select_related("person", "action")
    }
    for row in rows:
        letter = letters.get(row.about_id or 0)
        to = _valid_address(row.address)
        # Erased, or its writer gone meanwhile, or nowhere valid to send it: nothing to send.
        if letter is None or letter.person is None or not letter.body or not to:
            continue
        yield outbox.Envelope(message=letter_to_office_email(letter, to=to), rows=(row.pk,))


# --- the weekly bundle -----------------------------------------------------------------------


def bundle_context(bundle: LetterBundle, letters: list[ConstituentLetter]) -> dict[str, Any]:
    """What the bundle's email and its PDF are made from."""
    return {
        "bundle": bundle,
        "action": bundle.action,
        "letters": letters,
        "count": len(letters),
        "to_an_mp": _to_an_mp(bundle),
        "constituency": bundle.constituency_name,
        "sender": organisation_sender(),
        "site_url": settings.SITE_URL,
        "site_name": organisation_name(),
        "typeface": BUNDLE_TYPEFACE,
        "today": timezone.localdate(),
    }


def bundle_pdf(context: dict[str, Any]) -> bytes:
    """The bundle's letters as a tagged PDF (PDF/UA), made from our own HTML only."""
    from weasyprint import HTML

    html = render_to_string("campaigns/letters_bundle_pdf.html", context)
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Writers' words may hold addresses of pictures or stylesheets; WeasyPrint fetches nothing.
    raise ValueError("The letters bundle refuses to fetch anything.")


def bundle_email(bundle: LetterBundle, letters: list[ConstituentLetter], *, to: str) -> ChorusEmail:
    """An office's bundle: how many letters, then each writer's words, name and addresses; and a PDF."""
    context = bundle_context(bundle, letters)
    rendered = render_email(template="campaigns/email/letters_bundle", context=context)
    network = header_text(organisation_name(), limit=NAME_IN_HEADER)
    who = "Letters from constituents" if _to_an_mp(bundle) else "Letters from members of the public"
    contact = _valid_address(organisation_sender().contact_email)
    message = ChorusEmail(
        subject=header_text(rendered.subject, limit=SUBJECT_LENGTH),
        body=rendered.text,
        from_email=formataddr((f"{who} via {network}", sending_address())),
        to=[to],
        reply_to=[contact] if contact else [],
    )
    message.attach_alternative(rendered.html, "text/html")
    day = context["today"].isoformat()
    message.attach(f"letters-{bundle.action.slug}-{day}.pdf", bundle_pdf(context), "application/pdf")
    return message


@outbox.composer(LETTER_BUNDLE_EMAIL, label="Weekly bundle of letters to an MP or decision-maker")
def compose_bundles(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """Each bundle still on its way, with the letters in it that are not erased."""
    bundles = {
        bundle.pk: bundle
        for bundle in LetterBundle.objects.filter(
            pk__in={row.about_id for row in rows}, status=LetterBundleStatus.WAITING
        ).select_related("action")
    }
    for row in rows:
        bundle = bundles.get(row.about_id or 0)
        to = _valid_address(row.address)
        if bundle is None or not to:
            continue
        in_it = ConstituentLetter.objects.filter(bundle=bundle, status=LetterStatus.QUEUED, erased_at__isnull=True)
        letters = [letter for letter in in_it.select_related("person").order_by("confirmed_at", "pk") if letter.body]
        if not letters:
            continue  # every letter in it was erased meanwhile
        yield outbox.Envelope(message=bundle_email(bundle, letters, to=to), rows=(row.pk,))


# --- to the writer, afterwards ----------------------------------------------------------------


def refused_email(letter: ConstituentLetter) -> RenderedEmail:
    """The writer's note that their letter was refused, with the office's postal address to try instead."""
    office = seat(letter.target_key) if _to_an_mp(letter) else None
    postal = office.postal_address if office is not None else letter.action.target_postal_address
    return render_email(
        template="campaigns/email/letter_refused",
        context={
            "action": letter.action,
            "addressee": addressee(letter),
            "postal_address": postal,
            "action_url": settings.SITE_URL + (letter.action.url or "/"),
        },
    )


@outbox.composer(LETTER_REFUSED_EMAIL, label="Letters: the office refused a letter")
def compose_refusals(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """Tell each writer, once, that their letter's office refused it for good."""
    letters = _writers_letters(rows, status=LetterStatus.REFUSED)
    for row in rows:
        letter = letters.get(row.about_id or 0)
        if letter is None or letter.person is None or not letter.person.email:
            continue
        yield outbox.Envelope(message=email_message(refused_email(letter), to=letter.person.email), rows=(row.pk,))


def letter_reply_path(token: str) -> str:
    """The address of the page where a writer answers "Did your MP reply?"."""
    return reverse("campaigns:letter_reply", kwargs={"token": token})


def reply_question_email(letter: ConstituentLetter, *, reply_url: str) -> RenderedEmail:
    """ "Did your MP reply?", with the link to answer."""
    return render_email(
        template="campaigns/email/letter_reply_question",
        context={
            "action": letter.action,
            "addressee": addressee(letter),
            "to_an_mp": _to_an_mp(letter),
            "sent_on": timezone.localdate(letter.sent_at) if letter.sent_at else None,
            "reply_url": reply_url,
        },
    )


@outbox.composer(LETTER_REPLY_QUESTION_EMAIL, label="Letters: did your MP reply?")
def compose_reply_questions(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """ "Did your MP reply?", with a fresh link to answer; a new link replaces the last."""
    letters = _writers_letters(rows, status=LetterStatus.SENT)
    for row in rows:
        letter = letters.get(row.about_id or 0)
        if letter is None or letter.person is None or not letter.person.email:
            continue
        token = secrets.token_urlsafe(32)
        # Saved before the email is handed over; a retry issues another and the last one works.
        ConstituentLetter.objects.filter(pk=letter.pk).update(reply_token_hash=token_digest(token))
        rendered = reply_question_email(letter, reply_url=settings.SITE_URL + letter_reply_path(token))
        yield outbox.Envelope(message=email_message(rendered, to=letter.person.email), rows=(row.pk,))

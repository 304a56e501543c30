"""Applying online: a draft opened by an emailed link, saved step by step, then sent once.

No account is needed. Whoever can read the mailbox holds the draft: the link's token is
stored only as a digest, and the address only encrypted and as a keyed digest (so one
address has one draft per round, and asking again sends a new link to the same draft).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.core.crypto import email_index, token_digest
from chorus.core.deadlines import london_day
from chorus.core.outbox import outbox_add
from chorus.core.workflow import MEMBER, transition
from chorus.grants.models import Answer, Application, GrantReferenceCounter, RoundBand, RoundPage, RoundStatus
from chorus.grants.services.files import answer_files_delete_except, answer_files_delete_of
from chorus.grants.workflow import APPLICATION_WORKFLOW, ApplicationStatus

# Outbox kinds (composed in chorus.grants.emails).
LINK_EMAIL = "grants.application_link"
RECEIVED_EMAIL = "grants.application_received"


class ApplyingRefused(Exception):
    """Something the applicant can act on, said in plain words."""

    def __init__(self, message: str, *, missing: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.missing = list(missing)


def round_takes_applications(round_page: RoundPage, *, now: datetime) -> bool:
    """Open, or closed but reading late applications (which are then marked late)."""
    status = round_page.status(now=now)
    return status == RoundStatus.OPEN or (status == RoundStatus.CLOSED and round_page.accepts_late_applications)


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def application_link_request(*, round_page: RoundPage, email: str, now: datetime | None = None) -> None:
    """Email a link to this address's application in the round, starting a draft if it has none.

    Asking again replaces the link (the old one stops working) and opens the same draft,
    never a second one. The caller says the same thing whatever happened here, so the page
    never tells anyone whether an address has applied.
    """
    now = now or timezone.now()
    if not round_takes_applications(round_page, now=now):
        raise ApplyingRefused("This round is not taking applications.")
    digest = email_index(email)
    token, token_hash = _new_token()
    with transaction.atomic():
        mine = Application.objects.select_for_update().filter(round=round_page, email_digest=digest)
        application = (
            mine.filter(status=ApplicationStatus.DRAFT).first()
            or mine.exclude(status=ApplicationStatus.WITHDRAWN).order_by("-submitted_at").first()
        )
        if application is None:
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        round=round_page,
                        email_digest=digest,
                        contact_email=email.strip(),
                        token_hash=token_hash,
                        token_sealed=token,
                        created_at=now,
                    )
            except IntegrityError:
                # The same address asked twice at once: the other request made the draft.
                application = Application.objects.select_for_update().get(
                    round=round_page, email_digest=digest, status=ApplicationStatus.DRAFT
                )
        if application.token_hash != token_hash:
            application.token_hash = token_hash
            application.token_sealed = token
            application.save(update_fields=["token_hash", "token_sealed"])
        log_action("grants.application.link_sent", obj=application, data={"round": round_page.pk})
        outbox_add(kind=LINK_EMAIL, about_id=application.pk, dedupe_key=f"{application.pk}:{token_hash[:16]}")


@dataclass(frozen=True)
class AboutGroup:
    group_name: str
    contact_name: str
    contact_phone: str
    is_registered: bool
    registered_number: str = ""
    registered_with: str = ""


def application_save_about(*, application: Application, about: AboutGroup) -> Application:
    _editable(application)
    application.group_name = about.group_name
    application.contact_name = about.contact_name
    application.contact_phone = about.contact_phone
    application.is_registered = about.is_registered
    # A number only if they have one: an unregistered group is asked for none.
    application.registered_number = about.registered_number if about.is_registered else ""
    application.registered_with = about.registered_with if about.is_registered else ""
    application.save(
        update_fields=[
            "group_name",
            "contact_name",
            "contact_phone",
            "is_registered",
            "registered_number",
            "registered_with",
        ]
    )
    return application


def application_save_band(*, application: Application, band: RoundBand) -> Application:
    _editable(application)
    if band.round_id != application.round_id:
        raise ApplyingRefused("Choose one of this round's grant sizes.")
    application.band = band
    application.save(update_fields=["band"])
    return application


def application_save_access(
    *, application: Application, needs: Iterable[str], other: str, call_me: bool, call_times: str
) -> Application:
    _editable(application)
    application.access_needs = sorted(set(needs))
    application.access_other = other if "other" in application.access_needs else ""
    application.call_me = call_me
    application.call_times = call_times if call_me else ""
    application.access_answered = True
    application.save(update_fields=["access_needs", "access_other", "call_me", "call_times", "access_answered"])
    return application


def answer_value(value: object) -> str:
    """How an answer is stored: text as written, several choices as a JSON list, the rest as text."""
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def answers_save(*, application: Application, values: Mapping[str, object], now: datetime | None = None) -> None:
    """Save the answers to one step's questions at once (each encrypted), replacing earlier ones."""
    _editable(application)
    now = now or timezone.now()
    for question_id, value in values.items():
        stored = answer_value(value)
        if stored in ("", "[]"):
            # A question left empty, or emptied: nothing is kept for it.
            Answer.objects.filter(application=application, question_id=question_id).delete()
            continue
        Answer.objects.update_or_create(
            application=application, question_id=question_id, defaults={"value": stored, "updated_at": now}
        )


def answers_of(application: Application) -> dict[str, str]:
    return {a.question_id: a.value for a in application.answers.all()}


def _editable(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ApplyingRefused("This application has been sent, so it cannot be changed here.")


def missing_for_submit(application: Application) -> list[str]:
    """What must be filled in before sending, in the order the steps ask it."""
    missing: list[str] = []
    if not application.group_name.strip():
        missing.append("your group's name")
    if not application.contact_name.strip():
        missing.append("your name")
    if application.is_registered is None:
        missing.append("whether your group is a registered charity or company")
    if application.band_id is None:
        missing.append("which grant size")
    if not application.access_answered:
        missing.append("whether you need anything to take part")
    if application.call_me:
        # We go through the questions with them on the phone: only a number is needed.
        if not application.contact_phone.strip():
            missing.append("a phone number for us to call")
        return missing
    if application.band is not None:
        answers = answers_of(application)
        # A recording answers a written question, and a file question needs its file.
        files = set(application.files.values_list("question_id", flat=True))
        for block in application.band.questions:
            if block.value.get("required") and not answers.get(block.id, "").strip() and block.id not in files:
                missing.append(block.value["question"])
    return missing


def _next_reference(year: int) -> tuple[int, str]:
    # As the support desk's references: the UPDATE takes a row lock, so two submissions in
    # the same year queue up and never see the same number, and a rolled-back submission
    # gives its number back (no gaps); the first of a year creates the row.
    for _ in range(3):
        if GrantReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1):
            number = GrantReferenceCounter.objects.get(year=year).last_number
            return number, f"GR-{year}-{number:04d}"
        try:
            with transaction.atomic():
                GrantReferenceCounter.objects.create(year=year, last_number=1)
            return 1, f"GR-{year}-0001"
        except IntegrityError:
            continue
    raise RuntimeError("Could not issue a reference number.")


def application_submit(*, application: Application, now: datetime | None = None) -> Application:
    """Send the application: all of it or nothing.

    Refused (nothing changes, the draft is kept) if a required answer is missing, or the
    round has closed and does not read late applications. Otherwise it gets its reference,
    becomes "received" (late if after the closing moment) and a confirmation is emailed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",)).select_related("round", "band").get(pk=application.pk)
        )
        if locked.status != ApplicationStatus.DRAFT:
            return locked  # already sent: a second press does nothing more
        missing = missing_for_submit(locked)
        if missing:
            raise ApplyingRefused("Some answers are missing.", missing=missing)
        round_page = locked.round
        if now < round_page.opens_at:
            raise ApplyingRefused("This round has not opened yet. Your draft is saved.")
        late = now >= round_page.closes_at
        if late and not round_page.accepts_late_applications:
            raise ApplyingRefused(
                "This round has closed, so we cannot take your application. Your draft is saved: "
                "contact us if something stopped you applying in time."
            )
        if locked.band is not None:
            # Answers to another size's questions (the group changed its mind) are not sent.
            asked = {block.id for block in locked.band.questions}
            locked.answers.exclude(question_id__in=asked).delete()
            answer_files_delete_except(application=locked, keep=asked)
        year = london_day(now).year
        number, reference = _next_reference(year)
        locked = transition(
            APPLICATION_WORKFLOW,
            locked,
            name="submit",
            actor=MEMBER,
            changes={"reference": reference, "year": year, "number": number, "submitted_at": now, "is_late": late},
            audit_data={"late": late},
        )
        outbox_add(kind=RECEIVED_EMAIL, about_id=locked.pk, dedupe_key=str(locked.pk))
    application.refresh_from_db()
    return application


def application_withdraw(*, application: Application, now: datetime | None = None) -> Application:
    """The applicant withdraws: kept, marked withdrawn, no longer considered."""
    now = now or timezone.now()
    transition(APPLICATION_WORKFLOW, application, name="withdraw", actor=MEMBER, changes={"withdrawn_at": now})
    application.refresh_from_db()
    return application


def drafts_delete_unsent(*, now: datetime | None = None) -> int:
    """Delete drafts never sent, a set number of days after their round closed; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CHORUS_GRANTS_DRAFT_RETENTION_DAYS)
    drafts = Application.objects.filter(status=ApplicationStatus.DRAFT, round__closes_at__lt=cutoff)
    count = drafts.count()
    if count:
        # Their recordings and documents too: the rows go with the drafts, the stored files here.
        answer_files_delete_of(applications=drafts)
        drafts.delete()
        log_action("grants.application.drafts_deleted", data={"count": count})
    return count

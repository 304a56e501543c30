"""Sent and decided applications for the open-data and retention tests, written straight to the
database: the screens that decide them belong to the reviewing slice, and these tests are
about what follows a decision."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from chorus.core.crypto import email_index, token_digest
from chorus.grants.choices import DeclineReason, FileKind
from chorus.grants.models import AnswerFile, Application, RoundPage
from chorus.grants.workflow import ApplicationStatus

_numbers = itertools.count(1)


def make_sent(round_page: RoundPage, *, status: str = ApplicationStatus.RECEIVED, **fields: Any) -> Application:
    """A sent application with contact details that must never be published."""
    number = next(_numbers)
    sent_at = fields.pop("submitted_at", round_page.closes_at - timedelta(days=1))
    values: dict[str, Any] = {
        "round": round_page,
        "band": round_page.bands.first(),
        "status": status,
        "token_hash": token_digest(f"token-{number}"),
        "token_sealed": f"token-{number}",
        "email_digest": email_index(f"contact{number}@example.org"),
        "contact_email": f"contact{number}@example.org",
        "contact_name": f"Pat Contact{number}",
        "contact_phone": f"0113 496 {number:04d}",
        "group_name": f"Peer Group {number}",
        "is_registered": False,
        "access_answered": True,
        "created_at": round_page.opens_at,
        "submitted_at": sent_at,
        "reference": f"GR-2026-{number:04d}",
        "year": 2026,
        "number": number,
    }
    values.update(fields)
    return Application.objects.create(**values)


def make_award(
    round_page: RoundPage, *, amount: int = 500, decided_at: datetime | None = None, **fields: Any
) -> Application:
    decided_at = decided_at or round_page.closes_at + timedelta(days=20)
    fields.setdefault("award_date", timezone.localdate(decided_at))
    return make_sent(
        round_page,
        status=ApplicationStatus.AWARDED,
        decided_at=decided_at,
        amount_awarded=amount,
        decision_message="Well done, here is why.",
        award_description=fields.pop("award_description", "Weekly peer support meetings for a year."),
        **fields,
    )


def make_decline(
    round_page: RoundPage,
    *,
    reason: str = DeclineReason.OVERSUBSCRIBED,
    decided_at: datetime | None = None,
    **fields: Any,
) -> Application:
    return make_sent(
        round_page,
        status=ApplicationStatus.NOT_AWARDED,
        decided_at=decided_at or round_page.closes_at + timedelta(days=20),
        decision_reason=reason,
        decision_message="We are sorry: here is why.",
        **fields,
    )


def add_file(application: Application, kind: str = FileKind.AUDIO, *, stored_name: str = "") -> AnswerFile:
    return AnswerFile.objects.create(
        application=application,
        question_id=f"q-{kind}-{application.pk}",
        kind=kind,
        stored_name=stored_name or f"{kind}-{application.pk}.bin",
        original_name="my recording.mp3",
        content_type="audio/mpeg",
        size=10,
        uploaded_at=timezone.now(),
    )

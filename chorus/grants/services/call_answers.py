"""Answers staff type in for a group that asked to apply by phone ("please call me").

They are stored like the group's own answers (encrypted, under each question's block id),
marked ``entered_by_staff`` so staff and the group both see who typed them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.grants.models import Answer, Application
from chorus.grants.services.applications import answer_value
from chorus.grants.workflow import CONSIDERED


class CallAnswersRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def answers_enter_for_group(
    *,
    application: Application,
    values: Mapping[str, object],
    actor: Any,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> int:
    """Store the answers staff typed from the call, replacing earlier ones; returns how many are kept."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        if not locked.call_me:
            raise CallAnswersRefused("This group gave its own answers: only a call's answers are typed in by staff.")
        if locked.status not in CONSIDERED:
            raise CallAnswersRefused("This application has been decided or withdrawn, so its answers cannot change.")
        kept = 0
        for question_id, value in values.items():
            stored = answer_value(value)
            if stored in ("", "[]"):
                Answer.objects.filter(application=locked, question_id=question_id).delete()
                continue
            Answer.objects.update_or_create(
                application=locked,
                question_id=question_id,
                defaults={"value": stored, "updated_at": now, "entered_by_staff": True},
            )
            kept += 1
        log_action("grants.application.answers_typed", actor=actor, obj=locked, data={"count": kept}, request=request)
    return kept

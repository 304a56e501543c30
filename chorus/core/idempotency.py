"""One-time keys for forms: a double click, a resubmitted page or a retried post acts once.

Each form that changes something carries a hidden random key (``SubmissionKeyField``,
added by ``SubmissionKeyFormMixin``; a page re-rendered with errors keeps the key it was
posted with). The view hands the key to ``submission_once`` with the work to do; in one
transaction it claims the key, by inserting a ``SubmissionKey`` row whose unique column
decides, and runs the work, storing where to send the person next. A second post with the
same key and the same answers does nothing and is answered with the first post's result:

- one after the other, the second finds the key taken;
- at the same moment, on PostgreSQL the second insert waits on the unique index until
  the first transaction commits, then finds the key taken (or, if the first failed and
  rolled back, takes the key and acts itself); on SQLite writes are serialised.

A post whose answers differ from the first's (someone went back and changed the text) is
not a repeat: it acts, under its own claim. A post with no key, or a garbled one (a page
cached from before the key was added), acts as it always did. Keys are deleted a day after
use (``submission_keys_prune``). See docs/decisions/0019.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from chorus.core.models import SubmissionKey

# The name of the hidden field on every form, and the key's shape: what
# ``submission_key_new`` makes (24 URL-safe characters, 144 random bits), give or take.
KEY_FIELD = "submission_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Posted fields that say nothing about what the form asks for: left out of its answers.
NOT_ANSWERS = frozenset({KEY_FIELD, "csrfmiddlewaretoken"})


def submission_key_new() -> str:
    """A fresh random key for one form on one page."""
    return secrets.token_urlsafe(18)


def submission_key_valid(value: object) -> str:
    """The key if ``value`` is one, else an empty string (no key: the post acts as before)."""
    if isinstance(value, str) and KEY_PATTERN.fullmatch(value):
        return value
    return ""


class SubmissionKeyInput(forms.HiddenInput):
    """A hidden input without an id: a page with several forms has a key in each, and an id
    must not repeat on a page (nothing labels or points at the key)."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("id", None)
        return context


class SubmissionKeyField(forms.CharField):
    """The hidden key. Never an error: a missing or garbled key cleans to "" and the form
    acts as it would without one. A bound form shows the key it was posted with, or a
    fresh one if that was garbled, so a page shown again with errors keeps its key."""

    widget = SubmissionKeyInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", submission_key_new)
        super().__init__(**kwargs)

    def bound_data(self, data: Any, initial: Any) -> Any:
        return submission_key_valid(data) or initial

    def clean(self, value: Any) -> str:
        return submission_key_valid(value)


class SubmissionKeyFormMixin(forms.Form):
    """Adds the hidden one-time key to a form (render ``form.submission_key`` inside it)."""

    submission_key = SubmissionKeyField()


class SubmissionKeyForm(SubmissionKeyFormMixin):
    """The key alone, for a form written by hand in its template."""


@dataclass(frozen=True)
class Submitted:
    """What ``submission_once`` did: the first post's result, and whether this post was a repeat."""

    result: str
    repeated: bool


def _answers_digest(answers: Mapping[str, Any] | None) -> str:
    """The posted answers, in a stable order, as a digest: what makes a repeat the same post."""
    if answers is None:
        return ""
    items: list[tuple[str, list[str]]] = []
    for name in sorted(answers):
        if name in NOT_ANSWERS:
            continue
        values = answers.getlist(name) if isinstance(answers, MultiValueDict) else [answers[name]]
        items.append((str(name), [str(value) for value in values]))
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()


def submission_key_digest(*, key: str, scope: str, answers: Mapping[str, Any] | None = None) -> str:
    """What is stored for a key: it names the scope and the answers, and cannot be posted back."""
    return hashlib.sha256("\n".join([scope, key, _answers_digest(answers)]).encode()).hexdigest()


def submission_once(
    *, key: str, scope: str, action: Callable[[], str], answers: Mapping[str, Any] | None = None
) -> Submitted:
    """Run ``action`` once per key: a repeat with the same key and answers gets the first result.

    ``scope`` names the form and the record it acts on (and the member of staff, on staff
    screens), so a key copied to another form or record is a different key. ``action``
    runs in the same transaction and returns where to send the person next; if it raises,
    nothing it did is kept and the key stays unused. Without a valid key, ``action``
    simply runs (in a transaction all the same).
    """
    key = submission_key_valid(key)
    if not key:
        with transaction.atomic():
            return Submitted(result=action(), repeated=False)
    digest = submission_key_digest(key=key, scope=scope, answers=answers)
    with transaction.atomic():
        try:
            # A savepoint: a key already taken (or being taken: PostgreSQL waits for that
            # transaction to end) fails here without spoiling the caller's transaction.
            with transaction.atomic():
                claim = SubmissionKey.objects.create(key=digest, scope=scope[:100], created_at=timezone.now())
        except IntegrityError:
            first = SubmissionKey.objects.filter(key=digest).only("result").first()
            return Submitted(result=first.result if first is not None else "", repeated=True)
        claim.result = action()
        claim.save(update_fields=["result"])
        return Submitted(result=claim.result, repeated=False)


def submission_keys_prune(*, now: datetime | None = None) -> int:
    """Delete keys older than the retention period (a day by default); returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.CHORUS_RETENTION_SUBMISSION_KEYS_HOURS)
    deleted, _ = SubmissionKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted

"""The one "are you sure?" step for staff actions that cannot simply be taken back.

GOV.UK's pattern, without JavaScript: the first POST (or a GET link) answers with a page
that says what will happen and to how many people, a primary button that POSTs the same
fields again with ``confirmed=1`` and a fresh one-time form key (chorus.core.idempotency),
and a "Cancel" link back. Nothing changes until that confirmed POST; the view then hands
the key to ``submission_once`` so a double click acts once. See docs/decisions/0033.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chorus.core.idempotency import KEY_FIELD, SubmissionKeyForm

# The field the confirmation page's button adds, and its one value.
CONFIRMED_FIELD = "confirmed"
CONFIRMED_VALUE = "1"


@dataclass(frozen=True)
class Details:
    """A small table under what will happen, when the numbers alone are not enough: which
    requests, which editions. Each row's first cell names the row."""

    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Confirmation:
    """What the page says: a question, what will happen (plain sentences, with the numbers),
    the button's words, where Cancel goes, and the fields the button posts again."""

    question: str
    consequences: Sequence[str]
    button: str
    cancel_url: str
    # Each field posted again as it came; a sequence for a field posted more than once
    # (the ids of the chosen rows).
    carried: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    subtitle: str = ""
    # Said last, on its own: whether and how the action can be undone.
    undo: str = ""
    # A red button for an action that cannot be undone at all.
    destructive: bool = False
    details: Details | None = None
    # Fields asked on this page itself, above the button, with their errors (the reason
    # recorded in the audit log); they are not carried as well.
    asks: Sequence[BoundField] = ()
    # The one-time key the button posts: a fresh one unless given. A screen whose own form
    # already had a key may pass that on (confirmation_key), so the key the person first
    # pressed with is the one that acts.
    key: str = ""


def confirmed(request: HttpRequest) -> bool:
    """Whether this POST came from a confirmation page's button."""
    return request.method == "POST" and request.POST.get(CONFIRMED_FIELD) == CONFIRMED_VALUE


def confirmation_key(request: HttpRequest) -> str:
    """The one-time key the confirmation page posted ("" if none or garbled: then it acts once anyway)."""
    form = SubmissionKeyForm(request.POST)
    form.is_valid()
    return str(form.cleaned_data.get(KEY_FIELD, ""))


def confirmation_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    """The "are you sure?" page; it changes nothing."""
    asked = {bound.html_name for bound in confirmation.asks}
    carried = [
        (name, value)
        for name, values in confirmation.carried.items()
        if name not in {CONFIRMED_FIELD, KEY_FIELD, *asked}
        for value in ([values] if isinstance(values, str) else values)
    ]
    key_form = SubmissionKeyForm(initial={KEY_FIELD: confirmation.key}) if confirmation.key else SubmissionKeyForm()
    context = {
        "confirmation": confirmation,
        "carried": carried,
        "key_form": key_form,
        "asked_wrongly": any(bound.errors for bound in confirmation.asks),
        "confirmed_field": CONFIRMED_FIELD,
        "confirmed_value": CONFIRMED_VALUE,
        "post_to": request.path,
    }
    return render(request, "core/admin/confirm.html", context)

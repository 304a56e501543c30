"""Bot checks that need no third party and no tracking: a honeypot and a minimum fill time.

The honeypot is the hard signal: whoever fills it is shown a plausible answer and
nothing is done. A fast submission is only a soft one (autofill, a password manager or
voice control fill a form in a second): the person is asked once, on a page of its own,
to confirm they want to send it, and then it goes through like any other (ADR 0026).
"""

from __future__ import annotations

import enum
import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

_SALT = "chorus.core.antibot.started"
_CONFIRMED_SALT = "chorus.core.antibot.confirmed"
# The hidden value the "Please confirm" page sends back with the answers.
CONFIRMED_FIELD = "fill_confirmed"
STAMP_MAX_AGE = 24 * 60 * 60
# Posted values the confirmation page does not carry forward.
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED_FIELD}


class FillCheck(enum.Enum):
    """What the anti-bot fields say about who sent a form."""

    PERSON = "person"  # take it
    CONFIRM = "confirm"  # sent very fast, or from a page open for over a day: ask once to confirm
    BOT = "bot"  # the honeypot was filled or the stamp altered: a plausible answer, nothing done


# A blank public form carries a "shown at" stamp, so a cache may share it only briefly:
# within this many seconds, whoever loads the cached copy gets the same stamp.
BLANK_FORM_CACHE_SECONDS = 1


def fill_started_now() -> str:
    """A signed "form shown now" stamp, for the form's hidden ``form_started`` field."""
    return signing.dumps(time.time(), salt=_SALT)


class AntiBotFormMixin(forms.Form):
    """Add to any public form. ``is_probably_bot`` is checked by the view or service;
    a bot is shown the same answer as a person, so it learns nothing."""

    # A field people never see (hidden with CSS and from assistive technology).
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_started"] = fill_started_now()

    def fill_check(self) -> FillCheck:
        """Call after ``is_valid()``: the honeypot decides alone, the fill time only asks."""
        data = getattr(self, "cleaned_data", {})
        if data.get("website"):
            return FillCheck.BOT
        stamp = data.get("form_started") or ""
        try:
            started = float(signing.loads(stamp, salt=_SALT, max_age=STAMP_MAX_AGE))
        except signing.SignatureExpired:
            return self._confirmed_or_ask()
        except (signing.BadSignature, TypeError, ValueError):
            return FillCheck.BOT
        if time.time() - started < settings.CHORUS_MIN_FORM_FILL_SECONDS:
            return self._confirmed_or_ask()
        return FillCheck.PERSON

    def _confirmed_or_ask(self) -> FillCheck:
        confirmed = str(self.data.get(CONFIRMED_FIELD) or "")
        try:
            signing.loads(confirmed, salt=_CONFIRMED_SALT, max_age=STAMP_MAX_AGE)
        except signing.BadSignature:
            return FillCheck.CONFIRM
        return FillCheck.PERSON

    def is_probably_bot(self) -> bool:
        """Any doubt at all, hard or soft. Views decide with ``fill_check`` instead."""
        return self.fill_check() is not FillCheck.PERSON


def fill_confirmation_page(
    request: HttpRequest, *, posted: QueryDict, title: str, uses_csrf_cookie: bool, status: int = 200
) -> HttpResponse:
    """The "Please confirm you want to send this" page: the answers ride along in hidden
    fields with a signed "a person pressed this" value, and one button sends them again
    to the same address. Never cached: it holds what someone typed."""
    carried = [(key, value) for key in posted for value in posted.getlist(key) if key not in _NOT_CARRIED]
    response = render(
        request,
        "core/confirm_send.html",
        {
            "title": title,
            "carried": carried,
            "confirmed_field": CONFIRMED_FIELD,
            "confirmed_value": signing.dumps(time.time(), salt=_CONFIRMED_SALT),
            "uses_csrf_cookie": uses_csrf_cookie,
            "post_to": request.get_full_path(),
        },
        status=status,
    )
    add_never_cache_headers(response)
    return response

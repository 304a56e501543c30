"""Bot checks that need no third party and no tracking: a honeypot and a minimum fill time."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing

_SALT = "chorus.core.antibot.started"

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

    def is_probably_bot(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        if data.get("website"):
            return True
        try:
            started = float(signing.loads(data.get("form_started") or "", salt=_SALT, max_age=86400))
        except (signing.BadSignature, TypeError, ValueError):
            return True
        return time.time() - started < settings.CHORUS_MIN_FORM_FILL_SECONDS

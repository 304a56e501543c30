"""The round's editor form (grant sizes checked together) and the public eligibility checker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from chorus.grants.blocks import YES_OR_NO
from chorus.grants.services.bands import band_amount_problems

# The hidden field that says the checker was sent, even when no radio was chosen.
ANSWERED_FIELD = "answered"


class RoundPageForm(WagtailAdminPageForm):
    """Checks the grant sizes as a whole, which no single size's form can see."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        bands = self.formsets.get("bands")
        if bands is None or not bands.is_valid():
            return cleaned
        amounts = [
            form.cleaned_data.get("up_to")
            for form in bands.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        for problem in band_amount_problems(amounts, budget=cleaned.get("budget")):
            self.add_error(None, problem)
        return cleaned


class EligibilityForm(forms.Form):
    """One yes-or-no radio group per question; sent by GET, stored nowhere.

    Fields are named by position ("question_1"), which keeps the address short and
    readable; nothing is kept, so a later reordering loses nothing.
    """

    def __init__(self, questions: Sequence[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[f"question_{number}"] = forms.ChoiceField(
                label=question,
                choices=YES_OR_NO,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose yes or no for: {question}"},
            )

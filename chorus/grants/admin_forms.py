"""The staff forms for reviewing and deciding: each carries a one-time key, so a double click acts once.

Forms only check what was typed; services (services/reviews.py, services/decisions.py)
apply the rules and store it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from chorus.core.forms import IdModelChoiceField
from chorus.core.idempotency import SubmissionKeyFormMixin
from chorus.grants.choices import DeclineReason, Recommendation
from chorus.grants.services.decisions import DESCRIPTION_LIMIT, MESSAGE_LIMIT

SCORES = [
    ("1", "1 – does not meet it"),
    ("2", "2 – meets a little of it"),
    ("3", "3 – meets it in part"),
    ("4", "4 – meets most of it"),
    ("5", "5 – meets it fully"),
]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]


def criterion_field_name(block_id: str) -> str:
    return f"criterion_{block_id}"


class ReviewForm(SubmissionKeyFormMixin):
    """A score for each of the round's criteria, a short comment and a recommendation."""

    def __init__(self, criteria: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for block_id, words in self.criteria:
            self.fields[criterion_field_name(block_id)] = forms.ChoiceField(
                label=words,
                choices=SCORES,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a score for: {words}"},
            )
        self.fields["comment"] = forms.CharField(
            label="A short comment",
            help_text="Why you scored it so: a few sentences. Other reviewers read it once they have sent theirs.",
            widget=forms.Textarea(attrs={"rows": 5}),
            max_length=2000,
            error_messages={"required": "Write a short comment."},
        )
        self.fields["recommendation"] = forms.ChoiceField(
            label="What do you recommend?",
            choices=Recommendation.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose what you recommend."},
        )

    def scores(self) -> dict[str, int]:
        return {block_id: int(self.cleaned_data[criterion_field_name(block_id)]) for block_id, _ in self.criteria}

    def score_fields(self) -> list[forms.BoundField]:
        return [self[criterion_field_name(block_id)] for block_id, _ in self.criteria]


class ConflictForm(SubmissionKeyFormMixin):
    note = forms.CharField(
        label="Why (optional)",
        help_text="Only staff who decide read this. For example: “I am a member of this group.”",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoveForm(SubmissionKeyFormMixin):
    move = forms.CharField(max_length=40)


def _message_field() -> forms.CharField:
    return forms.CharField(
        label="Your message to the group",
        help_text=(
            "Shown to the group on their private page, never emailed (their email only says a decision is ready). "
            "Plain words: what we decided and why, and what could help them next time."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MESSAGE_LIMIT,
        error_messages={"required": "Write a message to the group: every decision comes with one."},
    )


def _date_field(label: str, help_text: str, *, initial: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        initial=initial,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"Enter the {label.lower()} as a date, like 27/03/2027.",
        },
    )


class AwardForm(SubmissionKeyFormMixin):
    amount = forms.IntegerField(
        label="Amount in pounds",
        help_text="Whole pounds, without the £ sign.",
        min_value=1,
        max_value=10_000_000,
        error_messages={
            "required": "Enter the amount of the grant.",
            "invalid": "Enter the amount as a whole number of pounds.",
            "min_value": "The amount must be at least £1.",
        },
    )
    award_date = _date_field("Award date", "The day we decided to fund it.", initial=timezone.localdate)
    planned_start = _date_field("Planned start", "When the funded work is planned to start.")
    planned_end = _date_field("Planned end", "When the funded work is planned to end.")
    description = forms.CharField(
        label="What the grant is for, in one line",
        help_text=(
            "This is published on our website and in our open data (360Giving). Say what the money pays for, "
            "never who anyone is. For example: “Weekly peer support meetings for a year.”"
        ),
        max_length=DESCRIPTION_LIMIT,
        error_messages={"required": "Say in one line what the grant is for."},
    )
    message = _message_field()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start: date | None = cleaned.get("planned_start")
        end: date | None = cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "The planned end cannot be before the planned start.")
        return cleaned


class DeclineForm(SubmissionKeyFormMixin):
    reason = forms.ChoiceField(
        label="The main reason it was not funded",
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the main reason it was not funded."},
    )
    message = _message_field()


class PanelAddForm(SubmissionKeyFormMixin):
    def __init__(self, candidates: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"] = IdModelChoiceField(
            queryset=candidates,
            label="Name on the panel",
            help_text="Panel members and Grants officers. A panel member reads and scores only the rounds named here.",
            error_messages={
                "required": "Choose who to name on the panel.",
                "invalid_choice": "Choose someone from the list.",
            },
        )

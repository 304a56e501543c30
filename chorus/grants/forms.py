"""The round's editor form (grant sizes checked together) and the public eligibility checker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from chorus.core.antibot import AntiBotFormMixin
from chorus.core.forms import email_field, needed_if
from chorus.core.idempotency import SubmissionKeyFormMixin
from chorus.grants.blocks import YES_OR_NO
from chorus.grants.choices import AccessNeed, RegisteredWith
from chorus.grants.services.bands import band_amount_problems

if TYPE_CHECKING:
    from chorus.grants.models import RoundBand

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


# --- applying online ------------------------------------------------------------------

# The two buttons on every step: both save; one goes on, the other ends the visit.
SAVE_AND_CONTINUE = "continue"
SAVE_AND_LEAVE = "leave"
APPLY_BY_CALL = "call"
APPLY_BY_CHOICES = [
    ("online", "I will answer the questions here"),
    (APPLY_BY_CALL, "Please call me instead, and we will go through the questions together on the phone"),
]
REGISTERED_CHOICES = [("yes", "Yes"), ("no", "No, we are not registered (that is fine)")]


def words_in(text: str) -> int:
    return len(text.split())


class StartForm(AntiBotFormMixin):
    """ "Start with an email address": the link to the draft is emailed there."""

    email = email_field(
        help_text="We email you a link to your application. It is the only way in, so use an address you can read."
    )


class AboutGroupForm(SubmissionKeyFormMixin):
    group_name = forms.CharField(
        max_length=200,
        label="Your group's name",
        error_messages={"required": "Enter your group's name."},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    contact_name = forms.CharField(
        max_length=150,
        label="Your name",
        help_text="The person we talk to about this application.",
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        required=False,
        max_length=40,
        label="Phone number",
        help_text="Only if you would like us to be able to call you.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    is_registered = forms.ChoiceField(
        label="Is your group a registered charity or company?",
        choices=REGISTERED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether your group is a registered charity or company."},
    )
    # Where it is registered makes the group's public identifier when it gets a grant
    # (GB-CHC-…, GB-SC-…, GB-NIC-…, GB-COH-…, in the 360Giving data).
    registered_with = needed_if(
        forms.ChoiceField(
            required=False,
            label="Where is it registered?",
            help_text="If it is both a charity and a company, choose the charity regulator.",
            choices=RegisteredWith.choices,
            widget=forms.RadioSelect,
        ),
        on="is_registered",
        values=["yes"],
        words="your group is registered",
    )
    registered_number = needed_if(
        forms.CharField(required=False, max_length=20, label="Charity or company number"),
        on="is_registered",
        values=["yes"],
        words="your group is registered",
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("is_registered") == "yes":
            if not cleaned.get("registered_with"):
                self.add_error("registered_with", "Choose where your group is registered.")
            if not (cleaned.get("registered_number") or "").strip():
                self.add_error("registered_number", "Enter your charity or company number.")
        return cleaned


class BandForm(SubmissionKeyFormMixin):
    band = forms.TypedChoiceField(
        label="How much are you asking for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a grant size."},
    )

    def __init__(self, bands: Sequence[RoundBand], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [  # type: ignore[attr-defined]
            (band.pk, f"{band.name}: up to {band.up_to_in_words}") for band in bands
        ]


def question_field_name(block_id: str) -> str:
    """A question's field name: its block id made a plain word, so the error summary's
    links (``#id_q_…``) and the page's ids stay simple."""
    return "q_" + block_id.replace("-", "_")


class QuestionsForm(SubmissionKeyFormMixin):
    """The chosen size's questions, each field named by the question's block id.

    "Save and continue" asks for every required answer; "Save and come back later"
    (``enforce_required=False``) saves whatever is there, so a draft can be half done.
    Sending checks every required answer again, whatever was saved.
    """

    def __init__(self, questions: Any, *args: Any, enforce_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.word_guides: dict[str, int] = {}
        self.question_ids: dict[str, str] = {}
        for block in questions:
            value = block.value
            label = value["question"]
            hint = value.get("help_text") or ""
            name = question_field_name(block.id)
            field: forms.Field
            if block.block_type == "text":
                self.word_guides[name] = value["word_guide"]
                hint = f"{hint} About {value['word_guide']} words.".strip()
                field = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
            elif block.block_type == "choice":
                options = [(str(option), str(option)) for option in value["options"]]
                if value.get("more_than_one"):
                    field = forms.MultipleChoiceField(
                        label=label, choices=options, widget=forms.CheckboxSelectMultiple
                    )
                else:
                    field = forms.ChoiceField(label=label, choices=options, widget=forms.RadioSelect)
            elif block.block_type == "amount":
                hint = f"{hint} In whole pounds, without the £ sign.".strip()
                field = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=10_000_000,
                    error_messages={"invalid": f"Enter a whole number of pounds for: {label}"},
                )
            elif block.block_type == "date":
                hint = f"{hint} For example, 27 3 2027 or 27/03/2027.".strip()
                field = forms.DateField(
                    label=label,
                    input_formats=["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"],
                    error_messages={"invalid": f"Enter a date like 27/03/2027 for: {label}"},
                )
            else:
                continue  # files are sent in the next slice of this work
            field.required = bool(value.get("required")) and enforce_required
            field.error_messages["required"] = f"Answer: {label}"
            field.help_text = hint
            self.fields[name] = field
            self.question_ids[name] = block.id

    def answers(self) -> dict[str, object]:
        """Answers keyed by question block id, as the service stores them."""
        return {
            self.question_ids[name]: value for name, value in self.cleaned_data.items() if name in self.question_ids
        }

    def word_counts(self) -> dict[str, tuple[int, int]]:
        """(words written, words expected) for each written answer, counted here, not in the browser."""
        data = getattr(self, "cleaned_data", None) or {}
        return {name: (words_in(str(data.get(name) or "")), guide) for name, guide in self.word_guides.items()}


class AccessForm(SubmissionKeyFormMixin):
    needs = forms.MultipleChoiceField(
        required=False,
        label="Do you need any of these to take part?",
        help_text="Tick any that help. We ask once and use it for everything about this application.",
        choices=AccessNeed.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    other = needed_if(
        forms.CharField(required=False, max_length=500, label="What else would help?"),
        on="needs",
        values=[AccessNeed.OTHER],
        words="you tick something else",
    )
    apply_by = forms.ChoiceField(
        label="How would you like to give your answers?",
        choices=APPLY_BY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you would like to give your answers."},
    )
    call_times = needed_if(
        forms.CharField(
            required=False,
            max_length=300,
            label="Which days and times suit you for a call?",
            help_text="For example, weekday mornings, or Tuesdays after 2pm.",
        ),
        on="apply_by",
        values=[APPLY_BY_CALL],
        words="you ask us to call",
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if AccessNeed.OTHER in (cleaned.get("needs") or []) and not (cleaned.get("other") or "").strip():
            self.add_error("other", "Say what else would help.")
        if cleaned.get("apply_by") == APPLY_BY_CALL and not (cleaned.get("call_times") or "").strip():
            self.add_error("call_times", "Say which days and times suit you.")
        return cleaned


class ApplySubmitForm(SubmissionKeyFormMixin):
    """The "Send my application" button on the check-your-answers page, with its one-time key."""

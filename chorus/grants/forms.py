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
    from chorus.grants.models import AnswerFile, RoundBand
    from chorus.grants.services.files import Accepts, CheckedUpload

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


def recording_field_name(block_id: str) -> str:
    """The field for a written question's answer given as a recording instead."""
    return RECORDING_FIELD_PREFIX + block_id.replace("-", "_")


def remove_field_name(block_id: str) -> str:
    return "remove_" + block_id.replace("-", "_")


# Fields whose uploads are recordings (the larger size limit); other file fields take documents.
RECORDING_FIELD_PREFIX = "rec_"
REPORT_RECORDING_FIELD = "recording"
RECORDING_ACCEPT = "audio/*,video/*"
DOCUMENT_ACCEPT = ".pdf,.docx,.odt,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class AnswerFileField(forms.FileField):
    """A file a question may need: shown as needed when it is, but whether one was given is
    checked by the form, which also sees the file sent earlier (a file input is always empty)."""

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        super().validate(value)


def file_field(*, label: str, help_text: str, accept: str, required: bool = False) -> forms.FileField:
    # A plain file input: the "currently" link of Django's clearable input would point at a
    # media address, and these files have none. Removing is a separate, labelled tick box.
    return AnswerFileField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.FileInput(attrs={"accept": accept}),
        error_messages={
            "empty": "The file you chose is empty. Choose the file again.",
            "invalid": "We could not read that file. Choose it again.",
            "missing": "We did not receive a file. Choose it again.",
        },
    )


def file_in_words(answer_file: AnswerFile) -> str:
    """ "Audio recording (3.2 MB)": what a group or a member of staff is told about a file."""
    from chorus.grants.services.files import size_in_words

    return f"{answer_file.get_kind_display()} ({size_in_words(answer_file.size)})"


class WrittenAnswerField(forms.CharField):
    """A written answer that a recording can give instead: still shown as needed, but whether
    it was answered is checked by the form, which sees the recording too."""

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        super().validate(value)


class QuestionsForm(SubmissionKeyFormMixin):
    """The chosen size's questions, each field named by the question's block id.

    "Save and continue" asks for every required answer; "Save and come back later"
    (``enforce_required=False``) saves whatever is there, so a draft can be half done.
    Sending checks every required answer again, whatever was saved.
    """

    def __init__(
        self,
        questions: Any,
        *args: Any,
        enforce_required: bool = True,
        stored_files: dict[str, AnswerFile] | None = None,
        too_big: set[str] | frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        from chorus.grants.services.files import Accepts, accepted_in_words

        super().__init__(*args, **kwargs)
        self.word_guides: dict[str, int] = {}
        self.question_ids: dict[str, str] = {}
        # File fields: name -> (question id, what it accepts); a written answer's recording
        # field, or a file question's own field. Checked uploads land in ``checked``.
        self.file_fields: dict[str, tuple[str, Accepts]] = {}
        self.checked: dict[str, CheckedUpload] = {}
        self.stored_files = stored_files or {}
        self.too_big = too_big
        self.enforce_required = enforce_required
        # Required answers that a recording or file can give: checked in clean(), not by the field.
        self.answerable_by_file: dict[str, tuple[str, str, str]] = {}
        for block in questions:
            value = block.value
            label = value["question"]
            hint = value.get("help_text") or ""
            name = question_field_name(block.id)
            field: forms.Field
            if block.block_type == "text":
                self.word_guides[name] = value["word_guide"]
                hint = f"{hint} About {value['word_guide']} words.".strip()
                field = WrittenAnswerField(label=label, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
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
            else:  # a file question: a document
                stored = self.stored_files.get(block.id)
                sent = f" You sent: {file_in_words(stored)}. Choose another file to replace it." if stored else ""
                self.fields[name] = file_field(
                    label=label,
                    help_text=f"{hint} {accepted_in_words(Accepts.DOCUMENT)}{sent}".strip(),
                    accept=DOCUMENT_ACCEPT,
                    required=bool(value.get("required")) and enforce_required,
                )
                self.file_fields[name] = (block.id, Accepts.DOCUMENT)
                if value.get("required"):
                    self.answerable_by_file[name] = (block.id, name, f"Send a file for: {label}")
                self._add_remove_field(block.id, stored)
                continue
            required = bool(value.get("required")) and enforce_required
            field.required = required
            field.error_messages["required"] = f"Answer: {label}"
            field.help_text = hint
            self.fields[name] = field
            self.question_ids[name] = block.id
            if block.block_type == "text":
                # Any written answer can be given as a recording instead.
                recording = recording_field_name(block.id)
                stored = self.stored_files.get(block.id)
                sent = f" You sent: {file_in_words(stored)}. Choose another file to replace it." if stored else ""
                self.fields[recording] = file_field(
                    label="Or give this answer as a recording",
                    help_text=f"{accepted_in_words(Accepts.RECORDING)}{sent} You do not need to write as well.",
                    accept=RECORDING_ACCEPT,
                )
                self.file_fields[recording] = (block.id, Accepts.RECORDING)
                if required:
                    self.answerable_by_file[name] = (block.id, recording, f"Answer: {label}")
                self._add_remove_field(block.id, stored)

    def _add_remove_field(self, question_id: str, stored: AnswerFile | None) -> None:
        if stored is None:
            return
        self.fields[remove_field_name(question_id)] = forms.BooleanField(
            required=False, label=f"Remove the {stored.get_kind_display().lower()} you sent"
        )

    def clean(self) -> dict[str, Any]:
        from chorus.grants.services.files import UploadRefused, too_big_message, upload_check

        cleaned: dict[str, Any] = super().clean() or {}
        for name, (question_id, accepts) in self.file_fields.items():
            if name in self.too_big:
                # The upload handler stopped keeping it at the limit, so the field is empty.
                self.add_error(name, too_big_message(accepts))
                continue
            upload = cleaned.get(name)
            if not upload:
                continue
            try:
                self.checked[question_id] = upload_check(upload=upload, accepts=accepts)
            except UploadRefused as refusal:
                self.add_error(name, refusal.message)
        if self.enforce_required:
            for name, (question_id, file_name, message) in self.answerable_by_file.items():
                written = str(cleaned.get(name) or "").strip() if name not in self.file_fields else ""
                kept = question_id in self.stored_files and question_id not in self.removals()
                if not (written or question_id in self.checked or kept or self.errors.get(file_name)):
                    self.add_error(name, message)
        return cleaned

    def uploads(self) -> dict[str, CheckedUpload]:
        """Checked files keyed by question block id."""
        return dict(self.checked)

    def removals(self) -> list[str]:
        """The question ids whose stored file the group ticked to remove."""
        data = getattr(self, "cleaned_data", None) or {}
        return [question_id for question_id in self.stored_files if data.get(remove_field_name(question_id))]

    def answers(self) -> dict[str, object]:
        """Answers keyed by question block id, as the service stores them."""
        return {
            self.question_ids[name]: value for name, value in self.cleaned_data.items() if name in self.question_ids
        }

    def word_counts(self) -> dict[str, tuple[int, int]]:
        """(words written, words expected) for each written answer, counted here, not in the browser."""
        data = getattr(self, "cleaned_data", None) or {}
        return {name: (words_in(str(data.get(name) or "")), guide) for name, guide in self.word_guides.items()}


def call_times_field(*, on: str, value: str) -> forms.CharField:
    """ "Which days and times suit you for a call?", needed when the choice ``on`` is ``value``:
    a group may ask for a call instead of writing, both to apply and to report."""
    return needed_if(
        forms.CharField(
            required=False,
            max_length=300,
            label="Which days and times suit you for a call?",
            help_text="For example, weekday mornings, or Tuesdays after 2pm.",
        ),
        on=on,
        values=[value],
        words="you ask us to call",
    )


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
    call_times = call_times_field(on="apply_by", value=APPLY_BY_CALL)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if AccessNeed.OTHER in (cleaned.get("needs") or []) and not (cleaned.get("other") or "").strip():
            self.add_error("other", "Say what else would help.")
        if cleaned.get("apply_by") == APPLY_BY_CALL and not (cleaned.get("call_times") or "").strip():
            self.add_error("call_times", "Say which days and times suit you.")
        return cleaned


class ApplySubmitForm(SubmissionKeyFormMixin):
    """The "Send my application" button on the check-your-answers page, with its one-time key."""


REPORT_IN_WRITING = "writing"
REPORT_BY_RECORDING = "recording"
REPORT_BY_CALL = "call"
REPORT_HOW_CHOICES = [
    (REPORT_IN_WRITING, "I will write a few lines here"),
    (REPORT_BY_RECORDING, "I will send a recording (audio or video)"),
    (REPORT_BY_CALL, "Please call me and I will tell you"),
]


class ReportForm(SubmissionKeyFormMixin):
    """The one short report a round may ask of a funded group: written, a recording, or a call."""

    how = forms.ChoiceField(
        label="How would you like to tell us?",
        choices=REPORT_HOW_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you would like to tell us."},
    )
    text = needed_if(
        forms.CharField(
            required=False,
            max_length=5000,
            label="What did the grant make possible?",
            help_text="A few lines are enough: what you did, and what changed for the people in your group.",
            widget=forms.Textarea(attrs={"rows": 6}),
        ),
        on="how",
        values=[REPORT_IN_WRITING],
        words="you choose to write",
    )
    recording = needed_if(
        file_field(
            label="Your recording: what did the grant make possible?",
            help_text="",  # set in __init__, from the settings
            accept=RECORDING_ACCEPT,
        ),
        on="how",
        values=[REPORT_BY_RECORDING],
        words="you choose a recording",
    )
    call_times = call_times_field(on="how", value=REPORT_BY_CALL)

    def __init__(self, *args: Any, too_big: set[str] | frozenset[str] = frozenset(), **kwargs: Any) -> None:
        from chorus.grants.services.files import Accepts, accepted_in_words

        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.checked: CheckedUpload | None = None
        self.fields[REPORT_RECORDING_FIELD].help_text = accepted_in_words(Accepts.RECORDING)

    def clean(self) -> dict[str, Any]:
        from chorus.grants.services.files import Accepts, UploadRefused, too_big_message, upload_check

        cleaned: dict[str, Any] = super().clean() or {}
        how = cleaned.get("how")
        if how == REPORT_IN_WRITING and not (cleaned.get("text") or "").strip():
            self.add_error("text", "Write a few lines about what the grant made possible.")
        elif how == REPORT_BY_RECORDING:
            if REPORT_RECORDING_FIELD in self.too_big:
                self.add_error(REPORT_RECORDING_FIELD, too_big_message(Accepts.RECORDING))
            elif not cleaned.get(REPORT_RECORDING_FIELD):
                self.add_error(REPORT_RECORDING_FIELD, "Choose your recording.")
            else:
                try:
                    self.checked = upload_check(upload=cleaned[REPORT_RECORDING_FIELD], accepts=Accepts.RECORDING)
                except UploadRefused as refusal:
                    self.add_error(REPORT_RECORDING_FIELD, refusal.message)
        elif how == REPORT_BY_CALL and not (cleaned.get("call_times") or "").strip():
            self.add_error("call_times", "Say which days and times suit you.")
        return cleaned

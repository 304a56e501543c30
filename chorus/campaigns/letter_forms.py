"""The forms of letters to representatives: writing one, and answering "Did your MP reply?".

They validate and look up; they never send mail. Step 1 (``LetterDetailsForm``) takes who
is writing and finds who the letter goes to. Step 2 (``LetterWriteForm``) takes the letter
itself, with step 1's answers carried in a signed hidden field (``seal_details``), so
nothing waits on the server and no personal data is ever in an address. After "yes, they
replied", ``ReplyTextForm`` takes the reply's words and whether the network may share them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from chorus.campaigns.forms import JOINERS, REFUSED_CATEGORIES, clean_text
from chorus.campaigns.models import LetterToRepresentativePage
from chorus.campaigns.services.letter_replies import REPLY_TEXT_LONGEST, reply_text_clean
from chorus.campaigns.services.letters import (
    LetterDetails,
    LetterTarget,
    letter_target,
    letter_target_for_seat,
    letter_target_named,
)
from chorus.core.antibot import AntiBotFormMixin
from chorus.core.forms import email_field
from chorus.core.idempotency import SubmissionKeyFormMixin
from chorus.representatives.lookup import (
    LookupStatus,
    Seat,
    SeatLookup,
    all_seats,
    postcode_data_loaded,
    postcode_normalise,
    seats_for_postcode,
)
from chorus.representatives.lookup import seat as seat_for_code

LETTER_MAX_CHARS = 10_000
ADDRESS_MAX_CHARS = 500
ADDRESS_MAX_LINES = 10
# The writer's step 1 answers travel this long in the page before they must be typed again.
DETAILS_MAX_AGE = 24 * 60 * 60
DETAILS_SALT = "chorus.campaigns.letter-details"
# Invisible characters that pasting from a word processor brings along: dropped, not refused.
PASTED_INVISIBLES = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
# Line and paragraph separators (some dictation software) are line breaks.
SEPARATORS = {ord("\u2028"): "\n", ord("\u2029"): "\n\n"}
LETTER_ALLOWED_CONTROLS = frozenset({"\n", "\t"})


def _refused_characters(value: str, *, allowed: frozenset[str]) -> bool:
    return any(unicodedata.category(ch) in REFUSED_CATEGORIES and ch not in JOINERS | allowed for ch in value)


def clean_letter_body(value: str) -> str:
    """The letter as written, with line breaks kept; HTML is kept too (it is always shown escaped)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(SEPARATORS).translate(PASTED_INVISIBLES)
    text = text.strip()
    if not text:
        raise ValidationError("Write your letter.")
    if len(text) > LETTER_MAX_CHARS:
        raise ValidationError(
            f"Your letter is {len(text):,} characters long. Letters can be up to {LETTER_MAX_CHARS:,} characters: "
            "please make it shorter. Offices read short letters more closely."
        )
    if _refused_characters(text, allowed=LETTER_ALLOWED_CONTROLS):
        raise ValidationError("Your letter contains characters we cannot send. Remove them and try again.")
    return text


def clean_postal_address(value: str) -> str:
    """A postal address: one line per line of the address, no control characters, no blank lines."""
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ValidationError("Enter your full postal address.")
    text = "\n".join(lines)
    if _refused_characters(text, allowed=frozenset({"\n"})):
        raise ValidationError("Your address contains characters we cannot store. Remove them and try again.")
    if len(lines) > ADDRESS_MAX_LINES or len(text) > ADDRESS_MAX_CHARS:
        raise ValidationError(
            f"Your address is too long. Use up to {ADDRESS_MAX_LINES} lines and {ADDRESS_MAX_CHARS} characters."
        )
    return text


@dataclass(frozen=True)
class WriterDetails:
    """Step 1's answers, as they travel to the next steps."""

    name: str
    email: str
    postal_address: str
    postcode: str
    target_key: str
    # The honeypot was filled: the flow goes on as usual and nothing is stored at the end.
    bot: bool = False

    def letter(self, body: str) -> LetterDetails:
        return LetterDetails(
            email=self.email,
            name=self.name,
            postal_address=self.postal_address,
            postcode=self.postcode,
            body=body,
            target_key=self.target_key,
        )


def seal_details(details: WriterDetails) -> str:
    """Step 1's answers, signed and compressed for a hidden field."""
    return signing.dumps(asdict(details), salt=DETAILS_SALT, compress=True)


def open_details(sealed: str) -> WriterDetails | None:
    """Step 1's answers from the page, or None if altered, garbled or too old."""
    try:
        data = signing.loads(sealed, salt=DETAILS_SALT, max_age=DETAILS_MAX_AGE)
        return WriterDetails(**data)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _seat_label(seat: Seat) -> str:
    if seat.is_vacant:
        return f"{seat.constituency_name} (no MP at the moment)"
    return f"{seat.constituency_name}: {seat.representative_name}"


class LetterDetailsForm(AntiBotFormMixin):
    """Who is writing, and (for a letter to one's own MP) where: step 1.

    For a letter to the writer's own MP the postcode is looked up when the form is bound,
    so a postcode split between seats, or one that cannot be looked up, brings a choice of
    seat into the form itself.
    """

    name = forms.CharField(
        label="Your full name",
        max_length=150,
        error_messages={"required": "Enter your full name.", "max_length": "Your name can be up to 150 characters."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = email_field(
        label="Your email address",
        help_text="We email you a link to check and confirm your letter. The office you write to can reply to it.",
    )
    postal_address = forms.CharField(
        label="Your full postal address",
        help_text="Offices answer only their own constituents, so they need your address. Put each part on its "
        "own line.",
        error_messages={"required": "Enter your full postal address."},
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label="Your postcode",
        max_length=40,
        error_messages={"required": "Enter your postcode.", "max_length": "Enter a postcode, like SW1A 1AA."},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    seat = forms.ChoiceField(label="Your constituency", required=False, choices=[])

    def __init__(self, *args: Any, action: LetterToRepresentativePage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.lookup: SeatLookup | None = None
        self.target: LetterTarget | None = None
        self.seat_shown = False
        if not action.writes_to_own_mp:
            del self.fields["seat"]
            self.fields["postcode"].help_text = "The postcode of the address above."
            return
        self.fields["postcode"].help_text = "We use it to find your MP."
        if self.is_bound:
            self.lookup = seats_for_postcode(str(self.data.get("postcode", ""))[:40])
            if self.lookup.status is LookupStatus.CHOOSE:
                self._offer_seats(
                    self.lookup.seats,
                    radios=True,
                    hint="Your postcode is split between constituencies. Choose the one your address is in.",
                    required="Your postcode is split between constituencies. Choose the one your address is in.",
                )
            elif self.lookup.status in (LookupStatus.NO_DATA, LookupStatus.NOT_FOUND):
                self._offer_all_seats(needed=self.lookup.status is LookupStatus.NO_DATA)
        elif not postcode_data_loaded():
            self._offer_all_seats(needed=True)

    def _offer_all_seats(self, *, needed: bool) -> None:
        self._offer_seats(
            all_seats(),
            radios=False,
            hint="If we cannot find your postcode, choose your constituency from the list. "
            "Your postcode is still sent with your letter.",
            required="Choose your constituency from the list." if needed else "",
        )

    def _offer_seats(self, seats: Any, *, radios: bool, hint: str, required: str) -> None:
        """Show the seats to choose from; ``required`` is the message when none is chosen, if one must be."""
        field = self.fields["seat"]
        # Marked as needed where it is (no "(optional)" beside it), with our own words when left out.
        field.required = bool(required)
        if required:
            field.error_messages["required"] = required
        choices = [(seat.constituency_code, _seat_label(seat)) for seat in seats]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices if radios else [("", "Choose your constituency"), *choices]
        field.widget = forms.RadioSelect(choices=field.choices) if radios else forms.Select(choices=field.choices)
        field.help_text = hint
        self.seat_shown = True

    def clean_name(self) -> str:
        raw: str = self.cleaned_data["name"]
        # A name goes beside the writer's address in the letter's email: one line, always.
        if "\r" in raw or "\n" in raw:
            raise ValidationError("Write your name on one line.")
        return clean_text(raw, label="Your name")

    def clean_postal_address(self) -> str:
        return clean_postal_address(self.cleaned_data["postal_address"])

    def clean_postcode(self) -> str:
        raw: str = self.cleaned_data["postcode"]
        normalised = postcode_normalise(raw)
        if normalised is None and not self.action.writes_to_own_mp:
            raise ValidationError("Enter a full UK postcode, like SW1A 1AA.")
        return normalised or raw.strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.action.writes_to_own_mp:
            self.target = letter_target_named(self.action)
            return data
        if "postcode" in self.errors or self.lookup is None:
            return data
        seat = self._chosen_seat(data.get("seat") or "")
        if seat is None:
            return data
        target = letter_target_for_seat(seat)
        if target.vacant:
            where = "seat" if self.seat_shown else "postcode"
            self.add_error(
                where,
                f"{seat.constituency_name} has no MP at the moment, so there is nobody to send your letter to. "
                "Please come back once a new MP has been elected.",
            )
            return data
        self.target = target
        return data

    def _chosen_seat(self, chosen: str) -> Seat | None:
        """The seat the postcode gives or the writer chose; adds the error that says why not."""
        assert self.lookup is not None
        status = self.lookup.status
        if status is LookupStatus.FOUND:
            return self.lookup.seats[0]
        if status is LookupStatus.CHOOSE:
            seat = next((s for s in self.lookup.seats if s.constituency_code == chosen), None)
            if seat is None and "seat" not in self.errors:
                self.add_error("seat", "Choose the constituency your address is in.")
            return seat
        if status in (LookupStatus.NO_DATA, LookupStatus.NOT_FOUND) and chosen:
            seat = seat_for_code(chosen)
            if seat is None:
                self.add_error("seat", "Choose your constituency from the list.")
            return seat
        if status is LookupStatus.NO_DATA:
            if "seat" not in self.errors:
                self.add_error("seat", "Choose your constituency from the list.")
        elif status is LookupStatus.NOT_COVERED:
            self.add_error(
                "postcode",
                f"{self.lookup.message} These letters go to MPs at Westminster, so we cannot send yours. "
                "Your own parliament's members can be written to directly.",
            )
        else:
            # INVALID, TERMINATED, NOT_FOUND: the lookup's own sentence says what to do.
            message = self.lookup.message
            if status is LookupStatus.NOT_FOUND:
                message += " Or, if your postcode is right, choose your constituency from the list."
            self.add_error("postcode", message)
        return None

    def writer_details(self, *, bot: bool) -> WriterDetails:
        assert self.target is not None
        data = self.cleaned_data
        return WriterDetails(
            name=data["name"],
            email=data["email"],
            postal_address=data["postal_address"],
            postcode=data["postcode"],
            target_key=self.target.key,
            bot=bot,
        )


class LetterWriteForm(SubmissionKeyFormMixin):
    """The letter itself (step 2), with step 1's answers sealed beside it.

    The one-time key is made when the letter is first shown and travels to the check
    page, so pressing "Send" twice stores one letter.
    """

    details = forms.CharField(widget=forms.HiddenInput, required=False)
    body = forms.CharField(
        label="Your letter",
        strip=False,
        error_messages={"required": "Write your letter."},
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true", "autocapitalize": "sentences"}),
    )

    def __init__(self, *args: Any, action: LetterToRepresentativePage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.writer: WriterDetails | None = None

    def clean_details(self) -> str:
        sealed: str = self.cleaned_data.get("details", "")
        self.writer = open_details(sealed)
        if self.writer is None:
            raise ValidationError("This page was open for too long. Please enter your details again.")
        return sealed

    def clean_body(self) -> str:
        return clean_letter_body(self.cleaned_data["body"])

    def target(self) -> LetterTarget | None:
        if self.writer is None:
            return None
        return letter_target(action=self.action, key=self.writer.target_key)


# --- after the letter went: the reply ------------------------------------------------------


class ReplyTextForm(forms.Form):
    """The reply's words (optional) and whether the network may share them."""

    text = forms.CharField(
        required=False,
        label="Their reply (optional)",
        help_text="Paste or type the words of the reply. Leave out anything you would not want our staff to read.",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
        max_length=REPLY_TEXT_LONGEST,
        error_messages={"max_length": f"The reply must be {REPLY_TEXT_LONGEST:,} characters or fewer."},
    )
    may_share = forms.BooleanField(
        required=False,
        label="You may share this reply with the network",
        help_text="Our campaigners may use what they said in our policy work, without your name or address.",
    )

    def clean_text(self) -> str:
        try:
            return reply_text_clean(self.cleaned_data.get("text", ""))
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("may_share") and not cleaned.get("text") and "text" not in self.errors:
            self.add_error("may_share", "Paste the reply first, or untick this box: there is nothing to share yet.")
        return cleaned

"""Signing forms. They validate and hand a SignerDetails to the service; they never send mail."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from chorus.campaigns import consents
from chorus.campaigns.models import DisplayChoice, OrganisationType, SignatureKind
from chorus.campaigns.selectors import InvalidationCriteria
from chorus.campaigns.services.signing import SignerDetails
from chorus.core.antibot import AntiBotFormMixin
from chorus.core.forms import email_field, needed_if
from chorus.core.idempotency import SubmissionKeyFormMixin

# Control, format, surrogate, private-use and unassigned characters have no place in a
# name; the zero-width joiners do (Persian, Indic scripts), so they stay.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
JOINERS = frozenset({"\u200c", "\u200d"})
UK_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")


def clean_text(value: str, *, label: str) -> str:
    """Plain one-line text: no control characters, no markup, trimmed."""
    value = " ".join(value.split())
    if any(unicodedata.category(ch) in REFUSED_CATEGORIES and ch not in JOINERS for ch in value):
        raise ValidationError(f"{label} contains characters we cannot store. Remove them and try again.")
    if "<" in value or ">" in value:
        raise ValidationError(f"{label} cannot contain the characters < or >.")
    return value


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value.upper())
    if not compact:
        return ""
    spaced = f"{compact[:-3]} {compact[-3:]}"
    if not UK_POSTCODE.match(spaced):
        raise ValidationError("Enter a UK postcode, like SW1A 1AA, or leave this empty.")
    return spaced


class SignFormBase(AntiBotFormMixin):
    """What the open-letter and petition signing forms ask alike."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = email_field(
        label="Your email address",
        help_text="We will email you a link to confirm your signature. We never show your email address.",
    )
    show_name = forms.BooleanField(label=consents.SHOW_NAME, required=False)
    display = forms.ChoiceField(
        label="If we show your name, how should it appear?",
        choices=[
            (DisplayChoice.FULL_NAME.value, DisplayChoice.FULL_NAME.label),
            (DisplayChoice.FIRST_NAME_INITIAL.value, DisplayChoice.FIRST_NAME_INITIAL.label),
        ],
        required=False,
        initial=DisplayChoice.FIRST_NAME_INITIAL.value,
        widget=forms.RadioSelect,
    )
    wants_bulletin = forms.BooleanField(label=consents.BULLETIN, required=False)
    wants_updates = forms.BooleanField(label=consents.UPDATES, required=False)

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"], label="Your name")

    def chosen_display(self) -> DisplayChoice:
        if not self.cleaned_data.get("show_name"):
            return DisplayChoice.NOT_LISTED
        return DisplayChoice(self.cleaned_data.get("display") or DisplayChoice.FIRST_NAME_INITIAL)

    def details(self) -> SignerDetails:
        raise NotImplementedError


class OpenLetterSignForm(SignFormBase):
    kind = forms.ChoiceField(
        label="How are you signing?",
        choices=SignatureKind.choices,
        initial=SignatureKind.INDIVIDUAL.value,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you are signing as an individual or for an organisation."},
    )
    role = forms.CharField(
        label="Your role or group",
        max_length=150,
        required=False,
        help_text="For example 'Peer support worker' or the name of your group. Shown under your name.",
    )
    organisation = needed_if(
        forms.CharField(
            label="Organisation name",
            max_length=200,
            required=False,
            help_text="We list it after we have checked it.",
        ),
        on="kind",
        values=[SignatureKind.ORGANISATION],
        words="you are signing for an organisation",
    )
    organisation_type = needed_if(
        forms.ChoiceField(
            label="Type of organisation", choices=OrganisationType.choices, required=False, widget=forms.RadioSelect
        ),
        on="kind",
        values=[SignatureKind.ORGANISATION],
        words="you are signing for an organisation",
    )

    field_order = [
        "kind",
        "name",
        "email",
        "role",
        "organisation",
        "organisation_type",
        "show_name",
        "display",
        "wants_bulletin",
        "wants_updates",
    ]

    def clean_role(self) -> str:
        return clean_text(self.cleaned_data.get("role", ""), label="Your role or group")

    def clean_organisation(self) -> str:
        return clean_text(self.cleaned_data.get("organisation", ""), label="Organisation name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == SignatureKind.ORGANISATION:
            if not data.get("organisation"):
                self.add_error("organisation", "Enter the name of the organisation you are signing for.")
            if not data.get("organisation_type"):
                self.add_error("organisation_type", "Choose the type of organisation.")
        return data

    def details(self) -> SignerDetails:
        data = self.cleaned_data
        is_org = data["kind"] == SignatureKind.ORGANISATION
        return SignerDetails(
            email=data["email"],
            name=data["name"],
            kind=SignatureKind(data["kind"]),
            role="" if is_org else data.get("role", ""),
            organisation=data.get("organisation", "") if is_org else "",
            organisation_type=data.get("organisation_type", "") if is_org else "",
            contact=data["name"] if is_org else "",
            display=DisplayChoice.NOT_LISTED if is_org else self.chosen_display(),
            wants_bulletin=bool(data.get("wants_bulletin")),
            wants_updates=bool(data.get("wants_updates")),
        )


class PetitionSignForm(SignFormBase):
    postcode = forms.CharField(
        label="Your postcode",
        max_length=10,
        required=False,
        help_text="Optional. Used only to count signatures by area, never shown.",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )

    field_order = ["name", "email", "postcode", "show_name", "display", "wants_bulletin", "wants_updates"]

    def __init__(self, *args: Any, asks_postcode: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not asks_postcode:  # the petition does not ask for one: nothing to fill in or store
            del self.fields["postcode"]

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def details(self) -> SignerDetails:
        data = self.cleaned_data
        return SignerDetails(
            email=data["email"],
            name=data["name"],
            postcode=data.get("postcode", ""),
            display=self.chosen_display(),
            wants_bulletin=bool(data.get("wants_bulletin")),
            wants_updates=bool(data.get("wants_updates")),
        )


class EasyReadSignForm(SignFormBase):
    """The short form on an action's Easy Read version: a name, an email address and one
    choice, in plain words. It signs as an individual; organisations use the full form.
    The consent keeps the full form's exact words, because consent records store them."""

    field_order = ["name", "email", "show_name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for fewer in ("display", "wants_bulletin", "wants_updates"):
            del self.fields[fewer]
        self.fields["name"].help_text = "Your first name and your last name."
        self.fields["email"].help_text = "We send you an email. Press the button in it. Then your name counts."
        self.fields["email"].error_messages["invalid"] = "Check your email address. It looks like name@example.org."

    def details(self) -> SignerDetails:
        data = self.cleaned_data
        # Shown names appear as first name and initial, the full form's default.
        return SignerDetails(email=data["email"], name=data["name"], display=self.chosen_display())


WHEN_INVALID = "Enter a date and time like 2026-11-27 09:00."


class InvalidationForm(SubmissionKeyFormMixin):
    """Which signatures to invalidate, and why; the one-time key makes a double click act once."""

    email_domain = forms.CharField(label="Email domain", max_length=253, required=False, help_text="e.g. example.org")
    ip_hash = forms.CharField(
        label="Address hash", max_length=64, required=False, help_text="From a trend alert (letters and numbers)."
    )
    since = forms.DateTimeField(label="Signed from", required=False, error_messages={"invalid": WHEN_INVALID})
    until = forms.DateTimeField(label="Signed before", required=False, error_messages={"invalid": WHEN_INVALID})
    reason = forms.CharField(label="Reason", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Typed times are read in the current time zone: the site's, or the one a staff
        # member chose in their Wagtail account. Say which, so nobody is an hour out.
        zone = timezone.get_current_timezone_name()
        hints = {
            "since": (
                f"e.g. 2026-11-27 09:00 or 27/11/2026 09:00, {zone} time. A date alone means the start of that day."
            ),
            "until": f"e.g. 2026-11-27 12:00, {zone} time. Signatures made at this time or later are not touched.",
        }
        for name, hint in hints.items():
            self.fields[name].help_text = hint

    def clean_ip_hash(self) -> str:
        value: str = self.cleaned_data.get("ip_hash", "").strip().lower()
        if value and not re.fullmatch(r"[0-9a-f]{8,64}", value):
            raise ValidationError("An address hash has only the letters a to f and numbers.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "since" in self.errors or "until" in self.errors:
            return data  # each time already has its own error; more would confuse
        since, until = data.get("since"), data.get("until")
        if since and until and until <= since:
            self.add_error("until", "“Signed before” must be later than “Signed from”.")
        elif not data.get("email_domain") and not data.get("ip_hash") and not (since and until):
            # An open-ended window alone could take in every signature on the action.
            raise ValidationError(
                "Give an email domain, an address hash, or both “Signed from” and “Signed before”. "
                "A time on its own is not enough, because it could take in the whole campaign."
            )
        return data

    def criteria(self) -> InvalidationCriteria:
        data = self.cleaned_data
        return InvalidationCriteria(
            email_domain=data.get("email_domain", "").strip().lower(),
            ip_hash=data.get("ip_hash", ""),
            since=data.get("since"),
            until=data.get("until"),
        )


# Newlines and tabs belong in a message; other control characters come from pasting, not writing.
MESSAGE_ALLOWED_CONTROLS = frozenset({"\n", "\r", "\t"})


class CampaignUpdateForm(SubmissionKeyFormMixin):
    # The key travels from writing through the preview to sending: a double-clicked Send sends once.
    subject = forms.CharField(
        label="Subject",
        max_length=150,
        help_text="Shown in people's inboxes. Up to 150 characters.",
        error_messages={
            "required": "Enter a subject.",
            "max_length": "The subject can be up to 150 characters.",
        },
    )
    body = forms.CharField(
        label="Message",
        max_length=5000,
        help_text="Plain text: no formatting. Blank lines start a new paragraph. Up to 5,000 characters. "
        "We add why they get this email and how to stop updates.",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={
            "required": "Enter the message.",
            "max_length": "The message can be up to 5,000 characters.",
        },
    )

    def clean_subject(self) -> str:
        return clean_text(self.cleaned_data["subject"], label="The subject")

    def clean_body(self) -> str:
        value: str = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if any(
            unicodedata.category(ch) in REFUSED_CATEGORIES and ch not in JOINERS | MESSAGE_ALLOWED_CONTROLS
            for ch in value
        ):
            raise ValidationError("The message contains characters we cannot send. Remove them and try again.")
        return value

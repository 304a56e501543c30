"""Public forms for the privacy page."""

from __future__ import annotations

from django import forms

from chorus.core.antibot import AntiBotFormMixin


class PrivacyRequestForm(AntiBotFormMixin):
    email = forms.EmailField(
        label="Your email address",
        help_text="We will email a link to this address if we hold any data for it.",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Enter an email address of 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class ConsentWithdrawForm(forms.Form):
    consent_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

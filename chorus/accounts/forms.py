"""Forms for staff sign-in's second step."""

from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Six-digit code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError("Enter the code as digits only, for example 123456.")
        return token


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        required=False, max_length=100, help_text="The start of an action name, such as an app label"
    )
    actor = forms.CharField(required=False, max_length=150, label="Who (username)")
    object_type = forms.CharField(required=False, max_length=100, help_text="App label and model, lower case")
    object_id = forms.CharField(required=False, max_length=64, label="Object id")
    date_from = forms.DateField(required=False, label="From (YYYY-MM-DD)")
    date_to = forms.DateField(required=False, label="To (YYYY-MM-DD)")

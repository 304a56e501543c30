"""Public bulletin forms. Forms validate; services act."""

from __future__ import annotations

from typing import Any

from django import forms

from chorus.core.antibot import AntiBotFormMixin
from chorus.pages.models import PriorityAreaPage


def _topic_field() -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    return forms.ModelMultipleChoiceField(
        queryset=PriorityAreaPage.objects.live().public().order_by("path"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Topics",
        help_text="Choose none to get everything.",
    )


class SubscribeForm(AntiBotFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )
    name = forms.CharField(
        label="Your name",
        max_length=100,
        required=False,
        help_text="So we can greet you. You can leave it out.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"] = _topic_field()
        # Keep the honeypot and timer last so the visible fields come first.
        self.order_fields(["email", "name", "topics"])

    def clean_name(self) -> str:
        name = str(self.cleaned_data.get("name", ""))
        if any(not ch.isprintable() for ch in name):
            raise forms.ValidationError("Your name can only contain letters, numbers, spaces and punctuation")
        return " ".join(name.split())


class PreferencesForm(forms.Form):
    paused = forms.BooleanField(
        label="Pause the bulletin for now",
        required=False,
        help_text="You stay subscribed but get nothing until you untick this.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"] = _topic_field()
        self.order_fields(["topics", "paused"])

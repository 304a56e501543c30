"""Public bulletin forms. Forms validate; services act."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from chorus.core.antibot import AntiBotFormMixin
from chorus.core.forms import IdModelMultipleChoiceField
from chorus.pages.models import PriorityAreaPage


def _topic_field() -> IdModelMultipleChoiceField[PriorityAreaPage]:
    return IdModelMultipleChoiceField(
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


class ScheduleForm(forms.Form):
    """When to send an issue by itself: a date and time still to come, in the site's time zone."""

    when = forms.DateTimeField(
        label="Send at (date and time, e.g. 2026-12-01 09:00)",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "Enter a date and time, like 2026-12-01 09:00.",
            "invalid": "Enter a date and time, like 2026-12-01 09:00.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bulletin-%s")
        super().__init__(*args, **kwargs)

    def clean_when(self) -> datetime:
        when: datetime = self.cleaned_data["when"]
        if when <= timezone.now():
            raise forms.ValidationError("Enter a date and time in the future, like 2026-12-01 09:00.")
        return when


class SendForm(forms.Form):
    """ "Send now": carries the published revision the sending screen showed, so a later one is not sent unseen."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

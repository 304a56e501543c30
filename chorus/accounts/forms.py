"""Forms for staff sign-in (its second step, password resets), staff accounts and the audit log filter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.models import Group
from wagtail.admin.forms.auth import PasswordResetForm
from wagtail.users.forms import UserCreationForm, UserEditForm

from chorus.accounts.roles import ROLES_BY_NAME
from chorus.accounts.selectors import SYSTEM_ACTOR
from chorus.core.audit_events import event_kind_choices
from chorus.core.idempotency import SubmissionKeyFormMixin


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


class VerifyTokenForm(TokenForm):
    """The sign-in step's code: from the authenticator app, or one of the backup codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].label = "Code from your authenticator app, or a backup code"
        self.fields["token"].help_text = (
            "The app shows six digits that change every 30 seconds. "
            "A backup code is one of the eight-digit codes you were given to keep safe: each works once."
        )


class AuditFilterForm(forms.Form):
    """Narrow the audit log by who, what kind of event and when (and, from links, by record)."""

    actor = forms.ChoiceField(required=False, label="Who")
    kind = forms.ChoiceField(required=False, label="What kind of event")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    # Set by links to one record's history; not something people type.
    object_type = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    object_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actors: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ChoiceField)
        actor.choices = [("", "Anyone"), (SYSTEM_ACTOR, "Chorus itself (no one signed in)")] + [
            (name, name) for name in actors
        ]
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "Any kind"), *event_kind_choices()]


SUPERUSER_LABEL = "Superuser: every permission, including user management"
SUPERUSER_HELP = (
    "This is not the Administrator role (the roles are listed below). A superuser can do everything in Chorus, "
    "read all personal data, and make other superusers. Only a superuser can give or take this away."
)


def role_label(group: Group) -> str:
    """A role's name and what it is for, so whoever gives it knows what it gives."""
    role = ROLES_BY_NAME.get(group.name)
    return f"{group.name}: {role.description}" if role else group.name


class _StaffAccountForm:
    """What Chorus changes in Wagtail's user forms, given the member of staff filling them in.

    Superuser status is shown, and accepted, only when a superuser fills in the form:
    for anyone else the field is removed, so a posted ``is_superuser`` is ignored. Wagtail
    already removes it when someone edits their own account.
    """

    fields: dict[str, forms.Field]

    def _fit_for(self, for_user: Any) -> None:
        if "is_superuser" in self.fields:
            if getattr(for_user, "is_superuser", False):
                self.fields["is_superuser"].label = SUPERUSER_LABEL
                self.fields["is_superuser"].help_text = SUPERUSER_HELP
            else:
                del self.fields["is_superuser"]
        if "groups" in self.fields:
            groups = self.fields["groups"]
            groups.label = "Roles"
            groups.help_text = "Give only what the job needs."
            groups.label_from_instance = role_label  # type: ignore[attr-defined]


class StaffUserCreationForm(_StaffAccountForm, UserCreationForm):  # type: ignore[misc]
    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fit_for(for_user)


class StaffUserEditForm(_StaffAccountForm, UserEditForm):  # type: ignore[misc]
    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fit_for(for_user)


class TwoFactorResetForm(SubmissionKeyFormMixin):
    checked = forms.BooleanField(
        error_messages={"required": "Tick the box once you have checked that they asked for this."},
    )

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked"].label = f"I have checked that {name} asked for this"
        self.fields[
            "checked"
        ].help_text = "In person, or by calling them on a number you already have: not by replying to an email."


class StaffPasswordResetForm(SubmissionKeyFormMixin, PasswordResetForm):  # type: ignore[misc]
    """Wagtail's password-reset form with a one-time key: a double click sends one email.

    Its own ``save`` (which sends mail directly) is never called: the view queues the
    email in the outbox instead (chorus.accounts.views.StaffPasswordResetView).
    """

    @property
    def extra_fields(self) -> Iterator[tuple[str, Any]]:
        # Wagtail's template shows each extra field with a label; the key is rendered bare instead.
        yield from ((name, field) for name, field in super().extra_fields if name != "submission_key")

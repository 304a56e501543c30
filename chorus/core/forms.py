"""What forms in every app share: choosing rows by the ids a page posts back, and fields
that one choice makes required."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from chorus.core.ids import parse_id

_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True)
class NeededIf:
    """A field that is optional unless another field has one of some values."""

    field: str  # the name of the choice that makes it needed
    values: tuple[str, ...]
    words: str  # ends "(needed if …)", e.g. "you are signing for an organisation"


def needed_if[F: forms.Field](field: F, *, on: str, values: Iterable[str], words: str) -> F:
    """Mark a field as needed only after a choice: its label says "(needed if …)" rather
    than "(optional)", and js/forms.js shows it only with that choice. The form's
    ``clean`` still enforces it; this only tells people and the page."""
    # Django copies a form's fields shallowly, so the mark travels with each copy.
    field.needed_if = NeededIf(field=on, values=tuple(str(value) for value in values), words=words)  # type: ignore[attr-defined]
    return field


def _refuse_what_is_not_an_id(field: forms.ModelChoiceField[Any], values: Iterable[Any]) -> None:
    # Django hands the raw value to the query, which fails with OverflowError (not a
    # form error) for a number past the 64-bit range; such values are no choice at all.
    assert field.queryset is not None
    for value in values:
        if isinstance(value, field.queryset.model) or value in field.empty_values:
            continue
        if parse_id(str(value)) is None:
            raise ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


class IdModelChoiceField(forms.ModelChoiceField[_M]):
    """One row chosen by its id; text that is no id is "Select a valid choice", unqueried.

    For querysets chosen by primary key only (no ``to_field_name``).
    """

    def to_python(self, value: Any) -> _M | None:
        _refuse_what_is_not_an_id(self, [value])
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField[_M]):
    """Rows chosen by their ids; any value that is no id is "Select a valid choice", unqueried.

    For querysets chosen by primary key only (no ``to_field_name``).
    """

    def clean(self, value: Any) -> QuerySet[_M]:
        if isinstance(value, (list, tuple)):
            _refuse_what_is_not_an_id(self, value)
        return super().clean(value)


def email_field(*, help_text: str, label: str = "Email address") -> forms.EmailField:
    """The email address a public form asks for, with the same limits, words and browser hints
    on every form (autofill, no spellcheck), so an error reads the same wherever it appears."""
    return forms.EmailField(
        max_length=254,
        label=label,
        help_text=help_text,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

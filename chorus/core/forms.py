"""What forms in every app share: choosing rows by the ids a page posts back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from chorus.core.ids import parse_id

_M = TypeVar("_M", bound=Model)


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

"""What forms in every app share: choosing rows by the ids a page posts back, and
fields built once for the busiest public forms."""

from __future__ import annotations

import copy
import threading
from collections.abc import Hashable, Iterable
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


class _FieldsSharedByInstances(dict[str, forms.Field]):
    """What Django deep-copies for each new form; this copy hands back the same fields."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _FieldsSharedByInstances:
        return self


_shared_fields: dict[tuple[type[forms.BaseForm], Hashable], _FieldsSharedByInstances] = {}
_shared_fields_lock = threading.Lock()


class SharedFieldsForm(forms.Form):
    """A form whose instances share one set of fields, built once per class and variant.

    Django deep-copies a form's fields for every instance so that one instance may change
    its own. On the signing form, the busiest form of a surge, that copy was a fifth of
    the request's CPU. A subclass never changes ``self.fields`` or a field after
    ``build_fields`` made them (what differs between instances, such as whether a petition
    asks for a postcode, is a variant, with fields of its own); everything else about a
    form (its data, initial values, errors, bound fields) is its own, as in any form.
    """

    def __init__(self, *args: Any, fields_variant: Hashable = None, **kwargs: Any) -> None:
        # Read by BaseForm.__init__ in place of the class's own base_fields.
        self.base_fields = self._fields_for(fields_variant)  # type: ignore[misc]
        super().__init__(*args, **kwargs)

    @classmethod
    def _fields_for(cls, variant: Hashable) -> _FieldsSharedByInstances:
        key = (cls, variant)
        fields = _shared_fields.get(key)
        if fields is None:
            with _shared_fields_lock:
                fields = _shared_fields.get(key)
                if fields is None:
                    fields = _shared_fields[key] = _FieldsSharedByInstances(cls.build_fields(variant))
        return fields

    @classmethod
    def build_fields(cls, variant: Hashable) -> dict[str, forms.Field]:
        """The fields of this class for a variant, in ``field_order``. Called once per
        process for each; it may change the copies it returns, and nothing may later."""
        fields = copy.deepcopy(cls.base_fields)
        ordered = {name: fields.pop(name) for name in cls.field_order or [] if name in fields}
        return {**ordered, **fields}

    def order_fields(self, field_order: Any) -> None:
        """Nothing to do: the shared fields were put in order when they were built."""

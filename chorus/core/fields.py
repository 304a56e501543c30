"""Model fields whose values are encrypted in the database (see core.crypto)."""

from __future__ import annotations

from typing import Any

from django.db import models

from chorus.core import crypto


class Sealed(str):
    """A ciphertext to store as it is (key rotation re-seals values itself)."""

    __slots__ = ()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as AES-256-GCM ciphertext. It cannot be filtered on except ``isnull``.

    Use a blind index field beside it when rows must be found by value.
    """

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return crypto.decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, Sealed):
            return str(value)
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(f"Encrypted fields cannot be filtered with __{lookup_name}.")
        return super().get_lookup(lookup_name)

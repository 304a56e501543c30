"""Model fields whose values are encrypted in the database (see core.crypto)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection, models, transaction

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


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every concrete EncryptedTextField in every installed model (for key rotation)."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField) and field.model is model:
                found.append((model, field))
    return found


def reseal_column(model: type[models.Model], field: EncryptedTextField, *, batch_size: int = 500) -> Iterator[int]:
    """Re-encrypt one column under the newest key, a committed batch at a time.

    Yields how many values each batch resealed. Values already under the newest key
    are skipped, so a run stopped half-way can simply be started again. Each write
    is conditional on the old ciphertext, so a concurrent edit (always written under
    the newest key) is never overwritten.
    """
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None and field.column is not None and pk.column is not None
    table, column, pk_column = quote(model._meta.db_table), quote(field.column), quote(pk.column)
    current_prefix = f"{crypto.CIPHERTEXT_PREFIX}.{crypto.key_ring().current_id}.%"
    select = (
        f"SELECT {pk_column}, {column} FROM {table} "  # noqa: S608 - names are quoted identifiers
        f"WHERE {column} IS NOT NULL AND {column} <> '' AND {column} NOT LIKE %s"
    )
    update = f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s AND {column} = %s"  # noqa: S608
    last_pk: Any = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if last_pk is None:
                cursor.execute(f"{select} ORDER BY {pk_column} LIMIT %s", [current_prefix, batch_size])
            else:
                cursor.execute(
                    f"{select} AND {pk_column} > %s ORDER BY {pk_column} LIMIT %s",
                    [current_prefix, last_pk, batch_size],
                )
            rows = cursor.fetchall()
            for pk, token in rows:
                try:
                    resealed = crypto.reseal(token)
                except crypto.DecryptionError as error:
                    raise crypto.DecryptionError(f"{model._meta.label}.{field.name} id={pk}: {error}") from error
                cursor.execute(update, [resealed, pk, token])
        if not rows:
            return
        last_pk = rows[-1][0]
        yield len(rows)

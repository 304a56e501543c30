"""Django's PostgreSQL compilers, with bulk inserts through ``UNNEST`` for keys to page types.

For a batch of rows Django's PostgreSQL backend sends one array per column
(``INSERT … SELECT * FROM UNNEST(…)``) instead of one placeholder per value, which
spares the driver and PostgreSQL a statement with thousands of parameters. It checks
that every column's type can make an array by looking at a foreign key's target, and
for a key to a page type that target is itself a key (``page_ptr``, to Wagtail's
``Page``), so every table that points at a page (signatures, for one) fell back to
``VALUES``. Here Django makes its own decision, with each key's target shown as the
column the chain of keys finally stores.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as PostgreSQLInsertCompiler

__all__ = ["SQLAggregateCompiler", "SQLCompiler", "SQLDeleteCompiler", "SQLInsertCompiler", "SQLUpdateCompiler"]


class _KeyToStoredColumn:
    """A foreign key as Django's ``UNNEST`` check should see it: its ``target_field`` is
    the field whose column it stores, through every key in between. Everything else,
    its column type included, is the key's own."""

    def __init__(self, key: Any) -> None:
        self._key = key

    @property
    def target_field(self) -> Any:
        field = self._key
        while field.is_relation:
            field = field.target_field
        return field

    def __getattr__(self, name: str) -> Any:
        return getattr(self._key, name)


class SQLInsertCompiler(PostgreSQLInsertCompiler):
    def assemble_as_sql(self, fields: Any, value_rows: Any) -> Any:
        seen = [_KeyToStoredColumn(field) if field is not None and field.is_relation else field for field in fields]
        return super().assemble_as_sql(seen, value_rows)

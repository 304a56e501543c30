"""Django's PostgreSQL compilers, with bulk inserts through ``UNNEST`` for keys to page types.

For a batch of rows Django's PostgreSQL backend sends one array per column
(``INSERT … SELECT * FROM UNNEST(…)``) instead of one placeholder per value, which
spares the driver and PostgreSQL a statement with thousands of parameters. It checks
that every column's type can make an array by looking at a foreign key's target, and
for a key to a page type that target is itself a key (``page_ptr``, to Wagtail's
``Page``), so every table that points at a page (signatures, for one) fell back to
``VALUES``. Here the key's chain is followed to the column it stores.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.compiler import (
    InsertUnnest,
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as PostgreSQLInsertCompiler
from django.db.models.sql.compiler import SQLInsertCompiler as GenericSQLInsertCompiler

__all__ = ["SQLAggregateCompiler", "SQLCompiler", "SQLDeleteCompiler", "SQLInsertCompiler", "SQLUpdateCompiler"]


def _stored_field(field: Any) -> Any:
    """The field whose column a key stores: through every key in between."""
    while field.is_relation:
        field = field.target_field
    return field


class SQLInsertCompiler(PostgreSQLInsertCompiler):
    def assemble_as_sql(self, fields: Any, value_rows: Any) -> Any:
        if not self._unnest_fits(fields, value_rows):
            return GenericSQLInsertCompiler.assemble_as_sql(self, fields, value_rows)
        # Without a type's length (varchar[], not varchar(50)[]), as Django does, so nothing is cut.
        db_types = [field.db_type(self.connection).split("(")[0] for field in fields]
        return InsertUnnest([f"(%s)::{db_type}[]" for db_type in db_types]), [
            list(map(list, zip(*value_rows, strict=True)))
        ]

    def _unnest_fits(self, fields: Any, value_rows: Any) -> bool:
        """Django's conditions for ``UNNEST``, with keys followed to the column they store."""
        return (
            len(value_rows) > 1  # a single row has as many placeholders either way
            and all(field is not None for field in fields)  # no fields: rows of DEFAULT
            # A placeholder that depends on the value cannot stand for a whole array.
            and not any(hasattr(field, "get_placeholder_sql") for field in fields)
            and all(_stored_field(field).get_internal_type() in self.connection.data_types for field in fields)
            and not any(hasattr(value, "as_sql") for row in value_rows for value in row)
        )

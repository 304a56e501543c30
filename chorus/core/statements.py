"""Prebuilt statements for the few queries that run on every request of a surge.

The ORM compiles each query anew on every call, which costs several times the database's
own work for a one-row insert, lookup or update. These helpers build the SQL once per
process (per model, fields and database backend) and send only the parameters after
that. Every value still goes through its model field (``get_db_prep_save``), so encrypted
fields are encrypted and dates adapted exactly as the ORM would; rows read back go
through the columns' own converters and become instances by ``Model.from_db``, as in
the ORM. Use them only where a profile shows the compile cost matters; everywhere else
the ORM is clearer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, models


def _column(model: type[models.Model], name: str, alias: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column, f"{name} is not a column of {model.__name__}"
    return str(connections[alias].ops.quote_name(field.column))


def _table(model: type[models.Model], alias: str) -> str:
    return str(connections[alias].ops.quote_name(model._meta.db_table))


# Only quoted identifiers are spliced into these statements; every value is a parameter.


@functools.cache
def _insert_sql(model: type[models.Model], names: tuple[str, ...], alias: str) -> str:
    columns = ", ".join(_column(model, name, alias) for name in names)
    placeholders = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {_table(model, alias)} ({columns}) VALUES ({placeholders})"  # noqa: S608


@functools.cache
def _update_sql(model: type[models.Model], assigned: tuple[str, ...], where: tuple[str, ...], alias: str) -> str:
    assignments = ", ".join(f"{_column(model, name, alias)} = %s" for name in assigned)
    conditions = " AND ".join(f"{_column(model, name, alias)} = %s" for name in where)
    return f"UPDATE {_table(model, alias)} SET {assignments} WHERE {conditions}"  # noqa: S608


@functools.cache
def _select(model: type[models.Model], names: tuple[str, ...], where: tuple[str, ...], alias: str) -> _Select:
    key = model._meta.pk.name if model._meta.pk else "id"
    asked = {key, *(model._meta.get_field(name).name for name in names)}  # "action_id" names "action"
    # In the model's own order of fields, as Model.from_db expects the values.
    wanted = tuple(field.name for field in model._meta.concrete_fields if field.name in asked)
    assert len(wanted) == len(asked), f"not all of {sorted(asked)} are columns of {model.__name__}"
    columns = ", ".join(_column(model, name, alias) for name in wanted)
    conditions = " AND ".join(f"{_column(model, name, alias)} = %s" for name in where)
    connection = connections[alias]
    converters = []
    for index, name in enumerate(wanted):
        # The converters the ORM's compiler would apply to this column (decryption, dates on SQLite).
        column = model._meta.get_field(name).get_col(model._meta.db_table)  # type: ignore[union-attr]
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    attnames = tuple(model._meta.get_field(name).attname for name in wanted)  # type: ignore[union-attr]
    sql = f"SELECT {columns} FROM {_table(model, alias)} WHERE {conditions} LIMIT 1"  # noqa: S608
    return _Select(sql=sql, attnames=attnames, converters=converters)


@dataclass(frozen=True)
class _Select:
    sql: str
    attnames: tuple[str, ...]
    converters: list[tuple[int, Any, list[Any]]]


def _prepared(model: type[models.Model], values: dict[str, Any], alias: str) -> list[Any]:
    """Each value as its field writes it (encrypted, adapted); also right for equality
    conditions, since no field used in one here changes a value on the way in."""
    connection = connections[alias]
    return [model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]  # type: ignore[union-attr]


def row_insert(model: type[models.Model], *, using: str = "default", **values: Any) -> None:
    """``model.objects.create(**values)`` without building the query, and without reading
    the new row's id back. Fields left out take their database default, so give every
    field that has a Python default."""
    with connections[using].cursor() as cursor:
        cursor.execute(_insert_sql(model, tuple(values), using), _prepared(model, values, using))


def rows_update(model: type[models.Model], *, where: dict[str, Any], using: str = "default", **values: Any) -> int:
    """``model.objects.filter(**where).update(**values)`` for equality conditions; returns
    how many rows changed. Sends no signals, as ``update()`` does not."""
    statement = _update_sql(model, tuple(values), tuple(where), using)
    with connections[using].cursor() as cursor:
        cursor.execute(statement, _prepared(model, values, using) + _prepared(model, where, using))
        return int(cursor.rowcount)


def row_first[M: models.Model](
    model: type[M], *, fields: Iterable[str], using: str = "default", **where: Any
) -> M | None:
    """The first row matching the equality conditions, with only ``fields`` loaded (the
    rest are deferred), or None. No ordering: for lookups by a value that is unique in practice.

    The row becomes an instance as the ORM makes one (``Model.from_db``), after the same
    converters the ORM would apply to each column."""
    select = _select(model, tuple(fields), tuple(where), using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(select.sql, _prepared(model, where, using))
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, converters in select.converters:
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    return model.from_db(using, select.attnames, values)

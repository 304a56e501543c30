"""Prebuilt statements for the few queries that run on every request of a surge.

The ORM compiles each query anew on every call, which costs several times the database's
own work for a one-row insert, lookup or update. These helpers build the SQL once per
process (per model, fields and database backend) and send only the parameters after
that. Every value still goes through its model field (``get_db_prep_save``), so encrypted
fields are encrypted and dates adapted exactly as the ORM would; rows read back are
converted by the ORM's own machinery (``Manager.raw``). Use them only where a profile
shows the compile cost matters; everywhere else the ORM is clearer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
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
def _select_sql(model: type[models.Model], names: tuple[str, ...], where: tuple[str, ...], alias: str) -> str:
    # Manager.raw needs the primary key among the columns it reads.
    key = model._meta.pk.name if model._meta.pk else "id"
    wanted = (key, *(name for name in names if name != key))
    columns = ", ".join(_column(model, name, alias) for name in wanted)
    conditions = " AND ".join(f"{_column(model, name, alias)} = %s" for name in where)
    return f"SELECT {columns} FROM {_table(model, alias)} WHERE {conditions} LIMIT 1"  # noqa: S608


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
    rest are deferred), or None. No ordering: for lookups by a value that is unique in practice."""
    statement = _select_sql(model, tuple(fields), tuple(where), using)
    found = model._default_manager.db_manager(using).raw(statement, _prepared(model, where, using))
    return next(iter(found), None)

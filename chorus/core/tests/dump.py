"""Dump the whole test database as text, to prove personal data is not readable in it.

Other apps' tests call ``assert_not_in_database_dump([...])`` after creating data
through their services. SQLite is dumped with ``iterdump``; PostgreSQL with
``pg_dump`` when the data is committed (transactional tests) and pg_dump is
installed, otherwise by selecting every row of every table over the test's own
connection, which sees its uncommitted rows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable

from django.db import connection


def _sql_dump() -> str:
    lines = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - a quoted table name
            lines.extend(f"{table}: {row!r}" for row in cursor.fetchall())
    return "\n".join(lines)


def _pg_dump() -> str:
    settings = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "--dbname", settings["NAME"]]
    if settings.get("HOST"):
        command += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        command += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        command += ["--username", str(settings["USER"])]
    env = {**os.environ, "PGPASSWORD": str(settings.get("PASSWORD") or "")}
    result = subprocess.run(command, capture_output=True, text=True, check=True, env=env, timeout=120)  # noqa: S603
    return result.stdout


def database_dump() -> str:
    """Everything in the database as text, the way someone holding a copy would see it."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    if connection.vendor == "postgresql" and shutil.which("pg_dump") and not connection.in_atomic_block:
        return _pg_dump()
    return _sql_dump()


def assert_not_in_database_dump(values: Iterable[str], *, dump: str | None = None) -> str:
    """Fail if any value appears in the dump in any letter case. Returns the dump."""
    text = database_dump() if dump is None else dump
    lowered = text.lower()
    found = [value for value in values if value and value.lower() in lowered]
    assert not found, f"Personal data readable in a database dump: {found}"
    return text

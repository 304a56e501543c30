"""Django's PostgreSQL operations, pointing at this backend's compilers (``compiler``)."""

from __future__ import annotations

from django.db.backends.postgresql import operations


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "chorus.core.postgresql.compiler"

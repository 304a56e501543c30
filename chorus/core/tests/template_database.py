"""The SQLite test database: migrated once into a template, then copied for each test run.

Running every migration takes each test process tens of seconds, and the result is the
same every time until a migration changes. So the first test process to start migrates a
database file and keeps it as a template, named by a digest of every installed app's
migration files; every test process after it (each xdist worker, each later run) copies
the template to a file of its own, which takes milliseconds. Editing, adding or removing
any migration (ours or a library's, after an upgrade) changes the digest, so a stale
template is never used: a new one is built and the old one deleted.

Each run gets a fresh copy, so rows a killed run left behind never reach the next one.
See docs/decisions/0025-a-faster-suite-and-clean-dependencies.md.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.test.utils import setup_databases, teardown_databases


def migrations_digest(app_configs: Iterable[Any] | None = None) -> str:
    """A digest of the installed apps and every file in their migrations folders."""
    digest = hashlib.sha256()
    for app_config in apps.get_app_configs() if app_configs is None else app_configs:
        digest.update(app_config.name.encode())
        folder = Path(app_config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def uses_sqlite_file() -> bool:
    database = settings.DATABASES["default"]
    return database["ENGINE"] == "django.db.backends.sqlite3" and bool(database.get("TEST", {}).get("NAME"))


def _point_test_database_at(path: Path) -> None:
    # Both the settings and the already-configured connection read TEST["NAME"].
    for database in (settings.DATABASES["default"], connections["default"].settings_dict):
        database.setdefault("TEST", {})["NAME"] = str(path)


def _process_is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftovers_remove(folder: Path, template: Path) -> None:
    """Templates of older migrations, and copies of runs that ended without cleaning up."""
    for path in folder.glob("template-*.sqlite3"):
        if path != template:
            path.unlink(missing_ok=True)
    for path in folder.glob("run-*.sqlite3*"):
        pid = path.name.removeprefix("run-").split(".", 1)[0]
        if pid.isdigit() and not _process_is_running(int(pid)):
            path.unlink(missing_ok=True)


def _copy_database(source: Path, target: Path) -> None:
    """A consistent single-file copy, whatever is still in the source's write-ahead log."""
    with closing(sqlite3.connect(source)) as from_db, closing(sqlite3.connect(target)) as to_db:
        from_db.backup(to_db)


def database_for_tests_ready(verbosity: int) -> Any:
    """Make the test database ready, and return what database_for_tests_remove needs.

    On SQLite, this process's own file is copied from the template (built first if
    missing); on PostgreSQL, the test database is created and migrated as Django's runner does.
    """
    if not uses_sqlite_file():
        return setup_databases(verbosity=verbosity, interactive=False, serialized_aliases=set())
    folder = Path(settings.DATABASES["default"]["TEST"]["NAME"]).parent
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"template-{migrations_digest()}.sqlite3"
    own = folder / f"run-{os.getpid()}.sqlite3"
    _point_test_database_at(own)
    # One process builds the template while the others wait for it, rather than all migrating.
    with open(folder / "template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        leftovers_remove(folder, template)
        if template.exists():
            _copy_database(template, own)
            return setup_databases(verbosity=verbosity, interactive=False, keepdb=True, serialized_aliases=set())
        config = setup_databases(verbosity=verbosity, interactive=False, serialized_aliases=set())
        connections["default"].close()
        building = folder / f"building-{os.getpid()}.sqlite3"
        _copy_database(own, building)
        building.replace(template)
        return config
    # The lock is released when its file is closed, also when migrating fails.


def database_for_tests_remove(config: Any, verbosity: int) -> None:
    if not uses_sqlite_file():
        teardown_databases(config, verbosity=verbosity)
        return
    own = Path(connections["default"].settings_dict["TEST"]["NAME"])
    # keepdb: Django closes the connection and leaves the file, which we remove ourselves.
    teardown_databases(config, verbosity=verbosity, keepdb=True)
    for path in own.parent.glob(f"{own.name}*"):
        path.unlink(missing_ok=True)

"""The SQLite test database is a fresh copy of a template that matches today's migrations."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chorus.core.tests.template_database import leftovers_remove, migrations_digest, uses_sqlite_file

sqlite_only = pytest.mark.skipif(not uses_sqlite_file(), reason="the template is for SQLite test databases")


@dataclass
class FakeApp:
    name: str
    path: str


def app_with_migrations(tmp_path: Path) -> FakeApp:
    migrations = tmp_path / "campaigns" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "__init__.py").write_text("")
    (migrations / "0001_initial.py").write_text("operations = []\n")
    return FakeApp("chorus.campaigns", str(tmp_path / "campaigns"))


def test_editing_adding_or_removing_a_migration_changes_the_digest(tmp_path: Path) -> None:
    app = app_with_migrations(tmp_path)
    migrations = Path(app.path) / "migrations"
    original = migrations_digest([app])
    assert migrations_digest([app]) == original

    (migrations / "0001_initial.py").write_text("operations = ['edited in place']\n")
    edited = migrations_digest([app])
    assert edited != original

    (migrations / "0002_more.py").write_text("operations = []\n")
    added = migrations_digest([app])
    assert added not in {original, edited}

    (migrations / "0002_more.py").unlink()
    assert migrations_digest([app]) == edited


def test_another_app_list_changes_the_digest(tmp_path: Path) -> None:
    app = app_with_migrations(tmp_path)
    assert migrations_digest([app]) != migrations_digest([app, FakeApp("chorus.extra", str(tmp_path / "none"))])


def test_outdated_templates_and_copies_of_finished_runs_are_removed(tmp_path: Path) -> None:
    current = tmp_path / "template-current.sqlite3"
    outdated = tmp_path / "template-outdated.sqlite3"
    finished_run = tmp_path / "run-999999999.sqlite3"  # no process has this id
    this_run = tmp_path / f"run-{os.getpid()}.sqlite3"
    for path in (current, outdated, finished_run, this_run):
        path.write_bytes(b"")
    leftovers_remove(tmp_path, current)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([current.name, this_run.name])


@sqlite_only
@pytest.mark.django_db
def test_this_run_uses_its_own_copy_of_the_template_for_todays_migrations() -> None:
    in_use = Path(connection.settings_dict["NAME"])
    assert in_use.name == f"run-{os.getpid()}.sqlite3"
    assert (in_use.parent / f"template-{migrations_digest()}.sqlite3").exists()
    # The copy is fully migrated: no migration of any app is left to apply.
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []

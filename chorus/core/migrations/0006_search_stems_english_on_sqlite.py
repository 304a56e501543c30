"""The embedded SQLite search stems English words, as PostgreSQL's "english" configuration does.

Wagtail's search creates its SQLite FTS5 table without a tokenizer option, so "camera"
never finds "cameras". FTS5's own ``porter`` tokenizer stems both the indexed text and
the query's words; the backend offers no setting for it, so this migration recreates
the table with it (plain SQL on a table our database holds, no library internals) and
copies the index back in. Wagtail's triggers fill the table by name and keep working.
PostgreSQL is untouched. See docs/decisions/0029.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

STEMMING_TOKENIZER = "porter unicode61 remove_diacritics 2"


def _recreate_fts_table(apps: Any, schema_editor: Any, *, tokenizer: str | None) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    entries = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    fts = f"{entries}_fts"
    with connection.cursor() as cursor:
        if fts not in connection.introspection.table_names(cursor):
            return  # an SQLite without FTS5: Wagtail searches with its fallback backend
        options = f", tokenize='{tokenizer}'" if tokenizer else ""
        cursor.execute(f"DROP TABLE {fts}")
        cursor.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(autocomplete, body, title{options})")
        cursor.execute(
            f"INSERT INTO {fts}(rowid, title, body, autocomplete) SELECT id, title, body, autocomplete FROM {entries}"  # noqa: S608 - table names from the models, no input
        )


def stem_english(apps: Any, schema_editor: Any) -> None:
    _recreate_fts_table(apps, schema_editor, tokenizer=STEMMING_TOKENIZER)


def stop_stemming(apps: Any, schema_editor: Any) -> None:
    _recreate_fts_table(apps, schema_editor, tokenizer=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_submission_keys"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(stem_english, stop_stemming)]

"""Files and recordings given as answers: what the retention rule needs to delete them.

The files slice owns uploading, checking and serving; the retention rule only deletes. A
file's content lives in the private storage ``grants_private`` when it is configured (else
the default storage), under its random ``stored_name``.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.files.storage import Storage, default_storage, storages
from django.db import transaction

from chorus.grants.models import Application

PRIVATE_STORAGE = "grants_private"


def private_storage() -> Storage:
    return storages[PRIVATE_STORAGE] if PRIVATE_STORAGE in settings.STORAGES else default_storage


def delete_stored_file(stored_name: str) -> None:
    """Delete one file's stored content; a file already gone is not an error."""
    storage = private_storage()
    if stored_name and storage.exists(stored_name):
        storage.delete(stored_name)


def application_files_delete(*, application: Application) -> int:
    """Delete an application's files: the rows now, their content once the transaction commits
    (so a rollback never leaves a row whose content is gone). Returns how many."""
    names = list(application.files.values_list("stored_name", flat=True))
    application.files.all().delete()
    for name in names:
        transaction.on_commit(partial(delete_stored_file, name))
    return len(names)

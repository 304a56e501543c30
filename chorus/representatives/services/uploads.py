"""Data files staff upload on the staff screen: kept privately, imported by the worker.

An ONSPD file of 2.7 million rows takes minutes, far longer than a request may run, so
the screen only stores the file and queues ``import_data_set``; the screen then shows
the import's progress from its data set.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.representatives.models import DataKind, DataSet, DataSetStatus
from chorus.representatives.services.constituencies import constituencies_import
from chorus.representatives.services.data_sets import ImportRefused, ImportReport, data_set_fail
from chorus.representatives.services.members import representatives_import
from chorus.representatives.services.postcodes import postcodes_import

# An upload still waiting this long after it was stored has lost its task: queue it again.
WAITING_TOO_LONG = timedelta(minutes=15)


def uploads_dir() -> Path:
    """Where uploads wait for the worker: private, outside the media and static folders."""
    return Path(settings.CHORUS_REPRESENTATIVES_UPLOADS_DIR)


def uploads_storage() -> FileSystemStorage:
    # No base_url: these files have no public address.
    return FileSystemStorage(location=str(uploads_dir()), base_url=None)


def _import_into(data_set: DataSet, path: Path) -> ImportReport:
    common: dict[str, Any] = {"path": path, "data_set": data_set}
    if data_set.kind == DataKind.POSTCODES:
        return postcodes_import(**common)
    if data_set.kind == DataKind.CONSTITUENCIES:
        return constituencies_import(**common)
    return representatives_import(**common)


def data_set_upload(
    *,
    kind: DataKind,
    upload: UploadedFile,
    version: str,
    dated: date | None,
    actor: Any,
    request: HttpRequest | None = None,
) -> DataSet:
    """Keep an uploaded data file privately and queue its import."""
    from chorus.representatives import tasks

    # The stored name is ours; the name staff gave the file is kept only as a label.
    suffix = PurePath(upload.name or "").suffix.lower()
    stored = uploads_storage().save(
        f"{uuid.uuid4().hex}{suffix if suffix in {'.csv', '.zip', '.json'} else ''}", upload
    )
    with transaction.atomic():
        data_set = DataSet.objects.create(
            kind=kind,
            status=DataSetStatus.WAITING,
            stored_file=stored,
            file_name=PurePath(upload.name or "upload").name[:255],
            version=version[:100],
            dated=dated,
            imported_by=actor,
            progress_at=timezone.now(),
        )
        log_action("representatives.dataset.uploaded", actor=actor, obj=data_set, request=request, data={"kind": kind})
        transaction.on_commit(lambda: tasks.import_data_set.enqueue(data_set.pk))
    return data_set


def data_set_import_upload(*, data_set_id: int) -> ImportReport | None:
    """Import an uploaded file once (the worker's side); None when another run took it or it was refused."""
    # Claimed with a conditional update, so a task run twice imports once.
    claimed = DataSet.objects.filter(pk=data_set_id, status=DataSetStatus.WAITING).update(
        status=DataSetStatus.IMPORTING, progress_at=timezone.now()
    )
    if not claimed:
        return None
    data_set = DataSet.objects.get(pk=data_set_id)
    storage = uploads_storage()
    try:
        if not data_set.stored_file or not storage.exists(data_set.stored_file):
            data_set_fail(data_set, problem="The uploaded file could not be found. Upload it again.")
            return None
        return _import_into(data_set, Path(storage.path(data_set.stored_file)))
    except ImportRefused:
        return None  # the data set says why
    finally:
        if data_set.stored_file:
            storage.delete(data_set.stored_file)
            DataSet.objects.filter(pk=data_set.pk).update(stored_file="")


def uploads_requeue_waiting() -> int:
    """Queue again the imports of uploads whose task was lost (a worker that died before starting)."""
    from chorus.representatives import tasks

    waiting = list(
        DataSet.objects.filter(
            status=DataSetStatus.WAITING, progress_at__lt=timezone.now() - WAITING_TOO_LONG
        ).values_list("pk", flat=True)
    )
    for data_set_id in waiting:
        tasks.import_data_set.enqueue(data_set_id)
    return len(waiting)

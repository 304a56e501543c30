"""Background work for the representatives data: importing an upload, and tidying after crashed imports."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.core.periodic import periodic
from chorus.representatives.services.data_sets import data_sets_clean_up
from chorus.representatives.services.uploads import data_set_import_upload, uploads_requeue_waiting


@task
def import_data_set(data_set_id: int) -> int:
    """Import a file staff uploaded; returns the rows kept (0 when refused or already taken)."""
    report = data_set_import_upload(data_set_id=data_set_id)
    return report.rows_kept if report is not None else 0


@periodic(every=timedelta(hours=1), name="representatives.clean_up")
@task
def clean_up_imports() -> int:
    """Fail imports that died with their process, delete rows no lookup reads, and requeue lost uploads."""
    deleted = data_sets_clean_up()
    uploads_requeue_waiting()
    return deleted

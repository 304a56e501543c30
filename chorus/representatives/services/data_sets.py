"""The life of a data set: started, written in batches, swapped in (or failed), and cleaned up.

Lookups read only the live data set of each kind. An import writes its rows under a
data set that is not live yet; ``data_set_go_live`` makes it live and retires the old one
in one short transaction, so a failed or interrupted import never touches what lookups
read. The retired (or failed) data set's postcode rows are deleted after, in batches, so
no transaction holds the database for the seconds it takes to delete 2.7 million rows;
``data_sets_clean_up`` finishes anything a crash left behind (docs/decisions/0042).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.representatives.models import DataKind, DataSet, DataSetStatus, PostcodeRecord

# Rows deleted per statement when a replaced data set is cleared.
DELETE_BATCH = 50_000
# An import whose last batch is older than this has died with its process.
STALLED_AFTER = timedelta(hours=1)


class ImportRefused(Exception):
    """A file that cannot be imported, with a sentence for staff saying why."""


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for the command's output and the staff screen."""

    data_set_id: int
    kind: str
    rows_read: int
    rows_kept: int
    rows_skipped: int
    unmatched: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        lines = [f"Rows read: {self.rows_read}", f"Rows kept: {self.rows_kept}", f"Rows skipped: {self.rows_skipped}"]
        if self.unmatched:
            lines.append(f"Not matched to a constituency ({len(self.unmatched)}):")
            lines.extend(f"  {name}" for name in self.unmatched)
        return lines


def data_set_start(
    *,
    kind: DataKind,
    file_name: str,
    version: str = "",
    dated: date | None = None,
    actor: Any = None,
    data_set: DataSet | None = None,
) -> DataSet:
    """Open a data set for an import (or take over one an upload made), not yet live."""
    data_sets_clean_up()
    now = timezone.now()
    if data_set is None:
        data_set = DataSet(kind=kind, file_name=file_name[:255], version=version[:100], dated=dated)
    data_set.imported_by = actor if getattr(actor, "pk", None) else data_set.imported_by
    data_set.status = DataSetStatus.IMPORTING
    data_set.progress_at = now
    data_set.save()
    return data_set


def data_set_progress(data_set: DataSet, *, read: int, kept: int, skipped: int) -> None:
    """Record how far an import has gone (and that its process is alive)."""
    DataSet.objects.filter(pk=data_set.pk).update(
        rows_read=read, rows_kept=kept, rows_skipped=skipped, progress_at=timezone.now()
    )


@transaction.atomic
def data_set_go_live(data_set: DataSet, *, read: int, kept: int, skipped: int, unmatched: str = "") -> list[int]:
    """Make a finished import the live one and retire the one before it; returns the retired ids."""
    retired = list(
        DataSet.objects.select_for_update()
        .filter(kind=data_set.kind, status=DataSetStatus.LIVE)
        .exclude(pk=data_set.pk)
        .values_list("pk", flat=True)
    )
    DataSet.objects.filter(pk__in=retired).update(status=DataSetStatus.REPLACED)
    data_set.status = DataSetStatus.LIVE
    data_set.rows_read, data_set.rows_kept, data_set.rows_skipped = read, kept, skipped
    data_set.unmatched = unmatched
    data_set.problem = ""
    data_set.imported_at = data_set.progress_at = timezone.now()
    data_set.save()
    log_action(
        "representatives.dataset.imported",
        actor=data_set.imported_by,
        obj=data_set,
        data={"kind": data_set.kind, "read": read, "kept": kept, "skipped": skipped, "replaced": retired},
    )
    return retired


def data_set_fail(data_set: DataSet, *, problem: str) -> int:
    """Mark an import failed, say why in plain words, and delete whatever rows it wrote (returns how many)."""
    with transaction.atomic():
        DataSet.objects.filter(pk=data_set.pk).update(
            status=DataSetStatus.FAILED, problem=problem[:2000], progress_at=timezone.now()
        )
        log_action(
            "representatives.dataset.failed", actor=data_set.imported_by, obj=data_set, data={"kind": data_set.kind}
        )
    data_set.status = DataSetStatus.FAILED
    data_set.problem = problem
    return postcode_rows_delete(data_set_ids=[data_set.pk])


def postcode_rows_delete(*, data_set_ids: list[int]) -> int:
    """Delete the postcode rows of data sets lookups no longer read, a batch per statement."""
    deleted = 0
    for data_set_id in data_set_ids:
        rows = PostcodeRecord.objects.filter(data_set_id=data_set_id)
        while True:
            batch = rows.values("pk")[:DELETE_BATCH]
            count, _ = PostcodeRecord.objects.filter(pk__in=batch).delete()
            deleted += count
            if count < DELETE_BATCH:
                break
    return deleted


def data_sets_clean_up() -> int:
    """Fail imports that died with their process, and delete the rows of every data set not live (returns how many)."""
    stalled = DataSet.objects.filter(status=DataSetStatus.IMPORTING, progress_at__lt=timezone.now() - STALLED_AFTER)
    deleted = sum(
        data_set_fail(data_set, problem="The import stopped before it finished, so nothing changed. Try it again.")
        for data_set in stalled
    )
    # Few data sets, each checked through the (data set, postcode) index: no scan of the rows.
    retired = DataSet.objects.filter(kind=DataKind.POSTCODES).exclude(
        status__in=[DataSetStatus.LIVE, DataSetStatus.IMPORTING, DataSetStatus.WAITING]
    )
    leftovers = [
        pk for pk in retired.values_list("pk", flat=True) if PostcodeRecord.objects.filter(data_set_id=pk).exists()
    ]
    return deleted + postcode_rows_delete(data_set_ids=leftovers)

"""Importing the ONS Postcode Directory (ONSPD): about 2.7 million rows, streamed, in batches.

Columns are found by name in the header, so both the older layout (``pcds``, ``oslaua``,
``ctry``, ``pcon``) and the newer one (``pcd7``, ``lad25cd``, ``ctry25cd``, ``pcon24cd``)
load. The 2024 Westminster constituency is ``pcon24cd``, or ``pcon`` where the file has
no such column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.db import reset_queries

from chorus.representatives.lookup import CROWN_DEPENDENCY_AREAS, CROWN_DEPENDENCY_COUNTRY_CODES, postcode_area
from chorus.representatives.models import DataKind, DataSet, PostcodeRecord
from chorus.representatives.postcodes import postcode_canonical
from chorus.representatives.services.data_sets import (
    ImportRefused,
    ImportReport,
    data_set_fail,
    data_set_go_live,
    data_set_progress,
    data_set_start,
    postcode_rows_delete,
)
from chorus.representatives.sources import csv_text, header_index, header_matching

BATCH_SIZE = 5_000
# An ONS code of a seat, a local authority or a country: a letter and eight digits.
ONS_CODE = re.compile(r"[A-Z][0-9]{8}")
SEAT_CODE = re.compile(r"[EWSN][0-9]{8}")
# ONS "pseudo" codes (E99999999…) mean "none": the Channel Islands and the Isle of Man have no seat.
PSEUDO_CODE_SUFFIX = "99999999"
TERMINATED_MONTH = re.compile(r"([12][0-9]{3})(0[1-9]|1[0-2])")

Progress = Callable[[int], None]


class PostcodeColumns:
    """Where the columns Chorus keeps are in this file's header."""

    def __init__(self, header: list[str]) -> None:
        postcode = header_index(header, "pcds", "pcd7", "pcd", "pcd8", "pcd2", "postcode")
        constituency = header_index(header, "pcon24cd", "pcon")
        if postcode is None or constituency is None:
            raise ImportRefused(
                "This does not look like the ONS Postcode Directory: it needs a postcode column (pcds) "
                "and a 2024 constituency column (pcon24cd or pcon)."
            )
        self.postcode = postcode
        self.constituency = constituency
        self.terminated = header_index(header, "doterm")
        self.country = header_index(header, "ctry")
        if self.country is None:
            self.country = header_matching(header, r"ctry\d\dcd")
        self.local_authority = header_index(header, "oslaua", "laua")
        if self.local_authority is None:
            self.local_authority = header_matching(header, r"lad\d\dcd")
        self.widest = max(
            position
            for position in (self.postcode, self.constituency, self.terminated, self.country, self.local_authority)
            if position is not None
        )


def postcode_row(row: list[str], columns: PostcodeColumns, data_set_id: int) -> PostcodeRecord | None:
    """One ONSPD row as a record to keep, or None when it is malformed."""
    if len(row) <= columns.widest:
        return None
    postcode = postcode_canonical(row[columns.postcode])
    if postcode is None:
        return None
    terminated_on: date | None = None
    if columns.terminated is not None and (raw_terminated := row[columns.terminated].strip()):
        month = TERMINATED_MONTH.fullmatch(raw_terminated)
        if month is None:
            return None
        terminated_on = date(int(month[1]), int(month[2]), 1)
    country = row[columns.country].strip().upper() if columns.country is not None else ""
    code = row[columns.constituency].strip().upper()
    if country in CROWN_DEPENDENCY_COUNTRY_CODES or postcode_area(postcode) in CROWN_DEPENDENCY_AREAS:
        code = ""  # a real postcode with no seat at Westminster
    elif not SEAT_CODE.fullmatch(code) or code.endswith(PSEUDO_CODE_SUFFIX):
        if terminated_on is None:
            return None  # a live postcode must have a seat
        code = ""
    local_authority = row[columns.local_authority].strip().upper() if columns.local_authority is not None else ""
    return PostcodeRecord(
        data_set_id=data_set_id,
        postcode=postcode,
        constituency_code=code,
        local_authority_code=local_authority if ONS_CODE.fullmatch(local_authority) else "",
        country_code=country if ONS_CODE.fullmatch(country) else "",
        terminated_on=terminated_on,
    )


def postcodes_import(
    *,
    path: Path,
    version: str = "",
    dated: date | None = None,
    actor: Any = None,
    data_set: DataSet | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Stream an ONSPD CSV or ZIP into a new data set and swap it in; a failure leaves the live one as it was."""
    data_set = data_set_start(
        kind=DataKind.POSTCODES, file_name=path.name, version=version, dated=dated, actor=actor, data_set=data_set
    )
    try:
        read, kept, skipped = _write_rows(path, data_set, progress)
        if kept == 0:
            raise ImportRefused("No postcode in the file could be read, so nothing changed.")
    except ImportRefused as refusal:
        data_set_fail(data_set, problem=str(refusal))
        raise
    except BaseException:
        # Interrupted (Ctrl-C, a database error): the live data is untouched; clear this attempt's rows.
        data_set_fail(data_set, problem="The import stopped before it finished, so nothing changed. Try it again.")
        raise
    retired = data_set_go_live(data_set, read=read, kept=kept, skipped=skipped)
    postcode_rows_delete(data_set_ids=retired)
    return ImportReport(data_set.pk, DataKind.POSTCODES, read, kept, skipped)


def _write_rows(path: Path, data_set: DataSet, progress: Progress | None) -> tuple[int, int, int]:
    read = kept = skipped = 0
    batch: list[PostcodeRecord] = []
    with csv_text(path) as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            raise ImportRefused("The file is empty.")
        columns = PostcodeColumns(header)
        for row in reader:
            read += 1
            record = postcode_row(row, columns, data_set.pk)
            if record is None:
                skipped += 1
                continue
            batch.append(record)
            if len(batch) >= BATCH_SIZE:
                kept += _flush(batch, data_set, read=read, kept=kept, skipped=skipped, progress=progress)
    kept += _flush(batch, data_set, read=read, kept=kept, skipped=skipped, progress=progress)
    return read, kept, skipped


def _flush(
    batch: list[PostcodeRecord], data_set: DataSet, *, read: int, kept: int, skipped: int, progress: Progress | None
) -> int:
    written = len(batch)
    if written:
        PostcodeRecord.objects.bulk_create(batch)
        batch.clear()
        # With DEBUG on, Django keeps each query's text; 540 batches of 5,000 rows would not be flat.
        reset_queries()
    data_set_progress(data_set, read=read, kept=kept + written, skipped=skipped)
    if progress is not None:
        progress(read)
    return written

"""Importing the 650 Westminster constituencies: ONS code and name (e.g. ``PCON24CD,PCON24NM``).

Small enough to swap in one transaction: seats are updated in place by code (so their
MPs stay attached), seats missing from the new list are removed with their MPs.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from chorus.representatives.models import Constituency, Country, DataKind, DataSet
from chorus.representatives.names import constituency_name_key
from chorus.representatives.services.data_sets import (
    ImportRefused,
    ImportReport,
    data_set_fail,
    data_set_go_live,
    data_set_start,
)
from chorus.representatives.sources import csv_text, header_index, header_matching

SEAT_CODE = re.compile(r"[EWSN][0-9]{8}")
COUNTRY_BY_LETTER = {"E": Country.ENGLAND, "W": Country.WALES, "S": Country.SCOTLAND, "N": Country.NORTHERN_IRELAND}
LONGEST_NAME = 200
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def constituencies_import(
    *,
    path: Path,
    version: str = "",
    dated: date | None = None,
    actor: Any = None,
    data_set: DataSet | None = None,
) -> ImportReport:
    """Load the list of constituencies and make it the live one, all or nothing."""
    data_set = data_set_start(
        kind=DataKind.CONSTITUENCIES, file_name=path.name, version=version, dated=dated, actor=actor, data_set=data_set
    )
    try:
        seats, read, skipped = _read(path)
        with transaction.atomic():
            stale = Constituency.objects.exclude(code__in=seats)
            removed = stale.count()
            stale.delete()
            for code, name in seats.items():
                Constituency.objects.update_or_create(
                    code=code,
                    defaults={
                        "name": name,
                        "name_key": constituency_name_key(name),
                        "country": COUNTRY_BY_LETTER[code[0]],
                        "data_set": data_set,
                    },
                )
            note = f"{removed} constituencies not in this list were removed." if removed else ""
            data_set_go_live(data_set, read=read, kept=len(seats), skipped=skipped, unmatched=note)
    except ImportRefused as refusal:
        data_set_fail(data_set, problem=str(refusal))
        raise
    except BaseException:
        data_set_fail(data_set, problem="The import stopped before it finished, so nothing changed. Try it again.")
        raise
    return ImportReport(data_set.pk, DataKind.CONSTITUENCIES, read, len(seats), skipped)


def _read(path: Path) -> tuple[dict[str, str], int, int]:
    seats: dict[str, str] = {}
    read = skipped = 0
    with csv_text(path) as text:
        reader = csv.reader(text)
        header = next(reader, None) or []
        code_at = header_index(header, "pcon24cd", "code", "ons code", "gss code")
        if code_at is None:
            code_at = header_matching(header, r"pcon\d\dcd")
        name_at = header_index(header, "pcon24nm", "name", "constituency", "constituency name")
        if name_at is None:
            name_at = header_matching(header, r"pcon\d\dnm")
        if code_at is None or name_at is None:
            raise ImportRefused("The file needs a column of ONS codes (PCON24CD) and one of names (PCON24NM).")
        for row in reader:
            read += 1
            if len(row) <= max(code_at, name_at):
                skipped += 1
                continue
            code = row[code_at].strip().upper()
            name = " ".join(CONTROL_CHARACTERS.sub(" ", row[name_at]).split())
            if not SEAT_CODE.fullmatch(code) or not name or len(name) > LONGEST_NAME or code in seats:
                skipped += 1
                continue
            seats[code] = name
    if not seats:
        raise ImportRefused("No constituency in the file could be read, so nothing changed.")
    return seats, read, skipped

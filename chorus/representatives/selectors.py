"""Reads for the staff screen: each kind's live data set and recent imports."""

from __future__ import annotations

from dataclasses import dataclass

from chorus.representatives.models import Constituency, DataKind, DataSet, DataSetStatus, Representative

RECENT_IMPORTS = 20


@dataclass(frozen=True)
class KindSummary:
    kind: DataKind
    live: DataSet | None


def data_summary() -> list[KindSummary]:
    """The data set lookups read for each kind (None when none has been loaded)."""
    live = {data_set.kind: data_set for data_set in DataSet.objects.filter(status=DataSetStatus.LIVE)}
    return [KindSummary(kind=kind, live=live.get(kind)) for kind in DataKind]


def recent_data_sets() -> list[DataSet]:
    return list(DataSet.objects.select_related("imported_by")[:RECENT_IMPORTS])


def seat_counts() -> dict[str, int]:
    """How many seats are loaded, and how many have an MP: "filled" and "vacant" for the screen."""
    seats = Constituency.objects.count()
    filled = Representative.objects.count()
    return {"seats": seats, "filled": filled, "vacant": seats - filled}

"""The importers by source name, as used by the command and the daily task."""

from __future__ import annotations

from chorus.tracker.importers.base import Importer
from chorus.tracker.importers.bills import BillsImporter
from chorus.tracker.importers.committees import CommitteesImporter
from chorus.tracker.importers.govuk import GovukImporter
from chorus.tracker.models import SourceSystem

SOURCES: dict[str, type[Importer]] = {
    SourceSystem.BILLS.value: BillsImporter,
    SourceSystem.COMMITTEES.value: CommitteesImporter,
    SourceSystem.GOVUK.value: GovukImporter,
}


def importer_for(source: str) -> Importer:
    return SOURCES[source]()

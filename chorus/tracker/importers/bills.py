"""UK Parliament Bills API: bills matching our search terms, with their stages.

Documented at https://bills-api.parliament.uk/index.html: ``GET /api/v1/Bills`` returns
``items`` with ``billId``, ``shortTitle``, ``currentHouse``, ``originatingHouse`` and
``currentStage``; ``GET /api/v1/Bills/{billId}/Stages`` returns each stage with its sittings.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings

from chorus.tracker.importers.base import (
    ImportedItem,
    ImportedStage,
    ImportFailed,
    get_json,
    optional_str,
    parse_datetime,
    require,
    require_id,
)
from chorus.tracker.models import ItemKind, SourceSystem, StageName

# Upstream stage descriptions in the originating House, mapped to our vocabulary.
ORIGINATING_HOUSE_STAGES = {
    "1st reading": StageName.INTRODUCED,
    "2nd reading": StageName.SECOND_READING,
    "committee stage": StageName.COMMITTEE,
    "grand committee": StageName.COMMITTEE,
    "report stage": StageName.REPORT_STAGE,
    "3rd reading": StageName.THIRD_READING,
}
LATE_STAGES = {
    "consideration of amendments": StageName.CONSIDERATION_OF_AMENDMENTS,
    "consideration of commons amendments": StageName.CONSIDERATION_OF_AMENDMENTS,
    "consideration of lords amendments": StageName.CONSIDERATION_OF_AMENDMENTS,
    "royal assent": StageName.ROYAL_ASSENT,
}


class BillsImporter:
    source: str = SourceSystem.BILLS

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.TRACKER_BILLS_API_URL).rstrip("/")

    def fetch(self, client: httpx.Client, *, terms: list[str]) -> list[ImportedItem]:
        seen: dict[str, ImportedItem] = {}
        for term in terms:
            data = get_json(
                client,
                f"{self.base_url}/api/v1/Bills",
                params={"SearchTerm": term, "SortOrder": "DateUpdatedDescending", "Take": 20},
            )
            bills = require(data, "items", list, where="bills list")
            for bill in bills:
                bill_id = require_id(bill, "billId", where="bill")
                if bill_id in seen:
                    continue
                stages_data = get_json(client, f"{self.base_url}/api/v1/Bills/{bill_id}/Stages")
                seen[bill_id] = self.parse_bill(bill, require(stages_data, "items", list, where="bill stages"))
        return list(seen.values())

    def parse_bill(self, bill: dict[str, Any], stages: list[Any]) -> ImportedItem:
        bill_id = require_id(bill, "billId", where="bill")
        where = f"bill {bill_id}"
        title = require(bill, "shortTitle", str, where=where).strip()
        originating = optional_str(bill, "originatingHouse")
        current = bill.get("currentStage")
        current_text = ""
        if isinstance(current, dict):
            description = optional_str(current, "description")
            house = optional_str(current, "house")
            current_text = f" It is now at {description.lower()}" + (f" in the {house}." if house else ".")
        sponsors = bill.get("sponsors") if isinstance(bill.get("sponsors"), list) else []
        owner = ""
        for sponsor in sponsors or []:
            organisation = sponsor.get("organisation") if isinstance(sponsor, dict) else None
            if isinstance(organisation, dict) and optional_str(organisation, "name"):
                owner = optional_str(organisation, "name")
                break
        long_title = optional_str(bill, "longTitle")
        summary = long_title or f"A bill in the UK Parliament, started in the {originating or 'Commons'}."
        return ImportedItem(
            source_system=self.source,
            upstream_id=bill_id,
            title=title,
            kind=ItemKind.BILL,
            owner_body=owner or "UK Parliament",
            summary=(summary + current_text).strip(),
            source_url=f"https://bills.parliament.uk/bills/{bill_id}",
            respond_url=f"https://bills.parliament.uk/bills/{bill_id}",
            stages=self.parse_stages(stages, originating=originating, where=where),
        )

    def parse_stages(self, stages: list[Any], *, originating: str, where: str) -> tuple[ImportedStage, ...]:
        found: dict[str, ImportedStage] = {}
        for stage in stages:
            description = require(stage, "description", str, where=f"{where} stage").strip().lower()
            house = optional_str(stage, "house")
            sittings = stage.get("stageSittings") or []
            if not isinstance(sittings, list):
                raise ImportFailed(f"Unexpected JSON in {where}: stageSittings is not a list")
            dates = [parse_datetime(require(s, "date", str, where=f"{where} sitting"), where=where) for s in sittings]
            if not dates:
                continue  # a stage not yet reached has no sittings
            if description in LATE_STAGES:
                name: str | None = LATE_STAGES[description]
            elif originating and house and house != originating:
                name = StageName.OTHER_HOUSE
            else:
                name = ORIGINATING_HOUSE_STAGES.get(description)
            if name is None:
                continue  # stages we do not show, e.g. money resolutions
            day = min(dates).date()
            if name not in found or day < found[name].date:
                found[name] = ImportedStage(name=name, date=day)
        return tuple(sorted(found.values(), key=lambda s: s.date))

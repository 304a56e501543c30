"""UK Parliament Committees API: committee business currently accepting written evidence.

``GET /api/CommitteeBusiness`` returns ``items`` with ``id``, ``title``, ``type``,
``openDate``, ``leadCommittee`` and ``openSubmissionPeriods`` (each with ``id``,
``startDate`` and ``endDate``).
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings

from chorus.tracker.importers.base import (
    ImportedItem,
    ImportedStage,
    ImportedWindow,
    ImportFailed,
    get_json,
    optional_str,
    parse_datetime,
    parse_optional_datetime,
    require,
    require_id,
)
from chorus.tracker.models import ItemKind, SourceSystem, StageName


class CommitteesImporter:
    source: str = SourceSystem.COMMITTEES

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.TRACKER_COMMITTEES_API_URL).rstrip("/")

    def fetch(self, client: httpx.Client, *, terms: list[str]) -> list[ImportedItem]:
        seen: dict[str, ImportedItem] = {}
        for term in terms:
            data = get_json(
                client,
                f"{self.base_url}/api/CommitteeBusiness",
                params={"SearchTerm": term, "CommitteeBusinessStatus": "Open", "Take": 30},
            )
            for business in require(data, "items", list, where="committee business list"):
                item = self.parse_business(business)
                if item is not None and item.upstream_id not in seen:
                    seen[item.upstream_id] = item
        return list(seen.values())

    def parse_business(self, business: dict[str, Any]) -> ImportedItem | None:
        business_id = require_id(business, "id", where="committee business")
        where = f"committee business {business_id}"
        periods = business.get("openSubmissionPeriods")
        if periods is None:
            periods = []
        if not isinstance(periods, list):
            raise ImportFailed(f"Unexpected JSON in {where}: openSubmissionPeriods is not a list")
        if not periods:
            return None  # not accepting evidence: not ours to track from here
        title = require(business, "title", str, where=where).strip()
        committee = business.get("leadCommittee")
        owner = optional_str(committee, "name") if isinstance(committee, dict) else ""
        business_type = business.get("type")
        type_name = optional_str(business_type, "name") if isinstance(business_type, dict) else ""
        windows = []
        for period in periods:
            period_id = require_id(period, "id", where=f"{where} submission period")
            windows.append(
                ImportedWindow(
                    upstream_id=period_id,
                    opens_at=parse_optional_datetime(period.get("startDate"), where=where),
                    closes_at=parse_datetime(period.get("endDate"), where=where),
                    label="Written evidence",
                )
            )
        stages = []
        opened = parse_optional_datetime(business.get("openDate"), where=where)
        if opened is not None:
            stages.append(ImportedStage(StageName.LAUNCHED, opened.date()))
        starts = [window.opens_at for window in windows if window.opens_at is not None]
        if starts:
            stages.append(ImportedStage(StageName.CALL_FOR_EVIDENCE, min(starts).date()))
        first_period = min(windows, key=lambda window: window.closes_at)
        return ImportedItem(
            source_system=self.source,
            upstream_id=business_id,
            title=title,
            kind=ItemKind.INQUIRY,
            owner_body=owner or "UK Parliament committee",
            summary=f"{type_name or 'Inquiry'} by the {owner or 'committee'}, accepting written evidence.",
            source_url=f"https://committees.parliament.uk/work/{business_id}/",
            respond_url=f"https://committees.parliament.uk/submission/#/evidence/{first_period.upstream_id}/preview",
            stages=tuple(stages),
            windows=tuple(sorted(windows, key=lambda window: window.closes_at)),
        )

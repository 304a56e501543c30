"""GOV.UK search API: open consultations matching our search terms.

``GET /api/search.json?filter_content_store_document_type=open_consultation`` returns
``results`` with ``title``, ``link``, ``description``, ``organisations`` and, when
asked for in ``fields``, ``opening_date`` and ``end_date`` (the closing date).
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
)
from chorus.tracker.models import ItemKind, SourceSystem, StageName

FIELDS = ["title", "link", "description", "organisations", "public_timestamp", "opening_date", "end_date"]


class GovukImporter:
    source: str = SourceSystem.GOVUK

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.TRACKER_GOVUK_API_URL).rstrip("/")

    def fetch(self, client: httpx.Client, *, terms: list[str]) -> list[ImportedItem]:
        seen: dict[str, ImportedItem] = {}
        for term in terms:
            data = get_json(
                client,
                f"{self.base_url}/api/search.json",
                params={
                    "q": term,
                    "filter_content_store_document_type": "open_consultation",
                    "fields": FIELDS,
                    "count": 50,
                },
            )
            for result in require(data, "results", list, where="GOV.UK search results"):
                item = self.parse_result(result)
                seen.setdefault(item.upstream_id, item)
        return list(seen.values())

    def parse_result(self, result: dict[str, Any]) -> ImportedItem:
        link = require(result, "link", str, where="GOV.UK result").strip()
        # A GOV.UK path: it becomes our upstream id and the official link.
        if not link.startswith("/") or not link.isascii() or not link.isprintable() or " " in link or len(link) > 250:
            raise ImportFailed(f"Unexpected JSON in GOV.UK result: {link[:80]!r} is not a GOV.UK path")
        where = f"GOV.UK result {link}"
        title = require(result, "title", str, where=where).strip()
        closes_at = parse_datetime(result.get("end_date"), where=where)
        opens_at = parse_optional_datetime(result.get("opening_date"), where=where)
        organisations = result.get("organisations")
        owner = ""
        if isinstance(organisations, list) and organisations and isinstance(organisations[0], dict):
            owner = optional_str(organisations[0], "title")
        url = f"https://www.gov.uk{link}"
        stages = (ImportedStage(StageName.OPENED, opens_at.date()),) if opens_at is not None else ()
        return ImportedItem(
            source_system=self.source,
            upstream_id=link,
            title=title,
            kind=ItemKind.CONSULTATION,
            owner_body=owner or "UK Government",
            summary=optional_str(result, "description"),
            source_url=url,
            respond_url=url,
            stages=stages,
            windows=(ImportedWindow(upstream_id=link, opens_at=opens_at, closes_at=closes_at, label="Consultation"),),
        )

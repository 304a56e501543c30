#!/usr/bin/env python
"""Sync people and signatures from Chorus's integration API into a CRM, deletions included.

A worked example (docs/api.md, "Worked example: syncing a CRM"), using only httpx and the
standard library. The "CRM" here is a JSON file keyed by Chorus identifier; put your CRM's
own calls where ``Crm`` reads and writes it.

    CHORUS_TOKEN=chorus_pat_… python scripts/crm_sync_example.py \\
        --base-url https://chorus.example.org --store crm.json

Each run:
1. reads people changed since the last run (OData ``filter`` on ``modified_date``), page by
   page, following ``_links.next``, and adds or updates them;
2. does the same for signatures;
3. reads the tombstones since the last run and deletes those people (and their signatures):
   someone who was erased, or withdrew the agreement that let them be shared, must leave the
   CRM too;
4. remembers when it started, as the next run's "since".

It prints identifiers and counts only, never a name or an address: logs are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

API = "/api/osdi/v1/"


@dataclass
class Crm:
    """Stands in for a CRM: people and signatures by Chorus identifier, and the last run's start."""

    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    signatures: dict[str, dict[str, Any]] = field(default_factory=dict)
    since: str | None = None

    @classmethod
    def load(cls, path: Path) -> Crm:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(people=data["people"], signatures=data["signatures"], since=data.get("since"))

    def save(self, path: Path) -> None:
        data = {"people": self.people, "signatures": self.signatures, "since": self.since}
        path.write_text(json.dumps(data, indent=2, sort_keys=True))


def identifier(record: dict[str, Any]) -> str:
    return str(next(i for i in record["identifiers"] if i.startswith("chorus:")))


def pages(client: httpx.Client, url: str, params: dict[str, str], rel: str) -> Any:
    """Every record of a collection, following ``_links.next`` until there is none."""
    next_url: str | None = url
    while next_url:
        response = client.get(next_url, params=params if next_url == url else None)
        response.raise_for_status()
        body = response.json()
        yield from body["_embedded"][rel]
        next_link = body["_links"].get("next")
        next_url = next_link["href"] if next_link else None


def sync(client: httpx.Client, crm: Crm) -> dict[str, int]:
    """One run; returns counts of what changed."""
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = {"people": 0, "signatures": 0, "deleted": 0}
    filters = {"per_page": "100"}
    if crm.since:
        filters["filter"] = f"modified_date ge '{crm.since}'"

    for person in pages(client, API + "people", filters, "osdi:people"):
        emails = [e["address"] for e in person["email_addresses"] if e["primary"]]
        crm.people[identifier(person)] = {
            "given_name": person["given_name"],
            "family_name": person["family_name"],
            "email": emails[0] if emails else "",
            "subscribed": any(e["status"] == "subscribed" for e in person["email_addresses"]),
            "consent": person["custom_fields"],
        }
        changed["people"] += 1
        print(f"person {identifier(person)}")

    for signature in pages(client, API + "signatures", filters, "osdi:signatures"):
        links = signature["_links"]
        crm.signatures[identifier(signature)] = {
            "person": links["osdi:person"]["href"].rstrip("/").rsplit("/", 1)[-1],
            "petition": links["osdi:petition"]["href"].rstrip("/").rsplit("/", 1)[-1],
            "action_date": signature["action_date"],
        }
        changed["signatures"] += 1
        print(f"signature {identifier(signature)}")

    # Deletions: never skip this step. Tombstones carry the identifier only.
    params = {"per_page": "100", **({"since": crm.since} if crm.since else {})}
    for tombstone in pages(client, API + "people/tombstones", params, "chorus:tombstones"):
        gone = identifier(tombstone)
        uuid = gone.removeprefix("chorus:")
        if crm.people.pop(gone, None) is not None:
            changed["deleted"] += 1
            print(f"deleted {gone} ({tombstone['reason']})")
        for key in [k for k, s in crm.signatures.items() if s["person"] == uuid]:
            del crm.signatures[key]

    crm.since = started
    return changed


def main(argv: list[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sync a CRM from Chorus's integration API.")
    parser.add_argument("--base-url", required=True, help="e.g. https://chorus.example.org")
    parser.add_argument("--store", type=Path, default=Path("crm.json"), help="The stand-in CRM (a JSON file).")
    args = parser.parse_args(argv)
    token = os.environ.get("CHORUS_TOKEN", "")
    if not token:
        print("Set CHORUS_TOKEN to a token with people:read and signatures:read.", file=sys.stderr)
        return 2
    crm = Crm.load(args.store)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/hal+json"}
    with httpx.Client(base_url=args.base_url, headers=headers, timeout=30, transport=transport) as client:
        changed = sync(client, crm)
    crm.save(args.store)
    print(
        f"{changed['people']} people and {changed['signatures']} signatures added or updated, "
        f"{changed['deleted']} people deleted; next run from {crm.since}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

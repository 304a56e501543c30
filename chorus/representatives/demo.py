"""Example MPs and postcodes, so the letter-to-your-MP action works in the demo without real data.

Real constituency names and ONS codes; the MPs are made up and say so ("Example MP for …",
addresses at example.org), and so are the postcodes' places: they are there to try each
answer the lookup gives. The files go through the real importers, so the demo shows
the staff screen as a real import would. Nothing is loaded for a kind that already has
data in use: real data is never replaced by examples.

Postcodes to try:

- SW1A 1AA, SW1A 0AA, SW1A 2AA: Cities of London and Westminster
- GU11 1AA Aldershot · CF24 0AB Cardiff East · EH7 5BW Edinburgh East and Musselburgh ·
  G31 1AA Glasgow East · BT4 3XX Belfast East · BT48 6AA Foyle
- PR7 1DP: Chorley, the Speaker's seat
- SA3 5AA: Gower, a vacant seat in the example data
- CF14 9ZZ: split between Cardiff North and Cardiff East (the member chooses)
- SW1A 9ZZ: no longer in use
- JE2 3AB, GY1 1AA, IM1 1AA: Jersey, Guernsey, the Isle of Man (no MP at Westminster)
"""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from chorus.representatives.models import DataKind, DataSet, DataSetStatus
from chorus.representatives.services.constituencies import constituencies_import
from chorus.representatives.services.members import representatives_import
from chorus.representatives.services.postcodes import postcodes_import

VERSION = "Example data for the demo (not real MPs)"
DATED = date(2025, 5, 1)
SPEAKER = "Speaker"

# (ONS code, constituency, example MP or None for a vacant seat, party)
SEATS: list[tuple[str, str, str | None, str]] = [
    ("E14001063", "Aldershot", "Example MP for Aldershot", "Example Party"),
    ("E14001170", "Chorley", "Example Speaker of the House", SPEAKER),
    ("E14001172", "Cities of London and Westminster", "Example MP for the Cities", "Another Example Party"),
    ("E14001131", "Bristol Central", "Example MP for Bristol Central", "Example Party"),
    ("E14001149", "Cambridge", "Example MP for Cambridge", "Another Example Party"),
    ("W07000089", "Cardiff East", "Example MP for Cardiff East", "Example Party"),
    ("W07000090", "Cardiff North", "Example MP for Cardiff North", "Another Example Party"),
    ("W07000097", "Gower", None, ""),
    ("S14000078", "Edinburgh East and Musselburgh", "Example MP for Edinburgh East", "Example Party"),
    ("S14000084", "Glasgow East", "Example MP for Glasgow East", "Another Example Party"),
    ("N05000001", "Belfast East", "Example MP for Belfast East", "Example Party"),
    ("N05000008", "Foyle", "Example MP for Foyle", "Another Example Party"),
]

# postcode -> (ONS code of its seat, or "" for none; country code; month terminated, or "")
POSTCODES: list[tuple[str, str, str, str]] = [
    ("SW1A 1AA", "E14001172", "E92000001", ""),
    ("SW1A 0AA", "E14001172", "E92000001", ""),
    ("SW1A 2AA", "E14001172", "E92000001", ""),
    ("SW1A 9ZZ", "E14001172", "E92000001", "200512"),
    ("GU11 1AA", "E14001063", "E92000001", ""),
    ("PR7 1DP", "E14001170", "E92000001", ""),
    ("BS1 5AA", "E14001131", "E92000001", ""),
    ("CB2 1AA", "E14001149", "E92000001", ""),
    ("CF24 0AB", "W07000089", "W92000004", ""),
    ("CF14 9ZZ", "W07000090", "W92000004", ""),
    ("CF14 9ZZ", "W07000089", "W92000004", ""),
    ("SA3 5AA", "W07000097", "W92000004", ""),
    ("EH7 5BW", "S14000078", "S92000003", ""),
    ("G31 1AA", "S14000084", "S92000003", ""),
    ("BT4 3XX", "N05000001", "N92000002", ""),
    ("BT48 6AA", "N05000008", "N92000002", ""),
    ("JE2 3AB", "", "L93000001", ""),
    ("GY1 1AA", "", "L93000001", ""),
    ("IM1 1AA", "", "M83000003", ""),
]


def _slug(name: str) -> str:
    return "".join(char if char.isalnum() else "." for char in name.lower()).strip(".")


def _members() -> dict[str, Any]:
    items = []
    for number, (_, seat_name, mp, party) in enumerate(SEATS, start=1):
        if mp is None:
            continue
        office = {
            "type": "Parliamentary office",
            "typeId": 1,
            "isPreferred": True,
            "line1": "House of Commons",
            "line2": "London",
            "postcode": "SW1A 0AA",
            "email": f"{_slug(seat_name)}.mp@example.org",
        }
        items.append(
            {
                "value": {
                    "id": 900_000 + number,  # far from Parliament's own ids
                    "nameDisplayAs": mp,
                    "latestParty": {"name": party},
                    "latestHouseMembership": {"membershipFrom": seat_name, "house": 1, "membershipEndDate": None},
                },
                "contact": {"value": [office]},
            }
        )
    return {"items": items}


def _has_live(kind: DataKind) -> bool:
    return DataSet.objects.filter(kind=kind, status=DataSetStatus.LIVE).exists()


def load() -> str:
    """Load the example seats, MPs and postcodes for any kind that has no data in use yet."""
    done = []
    with tempfile.TemporaryDirectory(prefix="chorus-demo-representatives-") as folder:
        directory = Path(folder)
        if not _has_live(DataKind.CONSTITUENCIES):
            seats_file = directory / "constituencies.csv"
            with open(seats_file, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["PCON24CD", "PCON24NM"])
                writer.writerows((code, name) for code, name, _, _ in SEATS)
            constituencies_import(path=seats_file, version=VERSION, dated=DATED)
            done.append(f"{len(SEATS)} constituencies")
        if not _has_live(DataKind.REPRESENTATIVES):
            members_file = directory / "members.json"
            members_file.write_text(json.dumps(_members()), encoding="utf-8")
            kept = representatives_import(path=members_file, version=VERSION, dated=DATED).rows_kept
            done.append(f"{kept} example MPs")
        if not _has_live(DataKind.POSTCODES):
            postcodes_file = directory / "postcodes.csv"
            with open(postcodes_file, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["pcds", "pcon24cd", "ctry", "doterm"])
                writer.writerows(POSTCODES)
            postcodes_import(path=postcodes_file, version=VERSION, dated=DATED)
            done.append(f"{len(POSTCODES)} example postcodes (try SW1A 1AA)")
    return "Loaded " + ", ".join(done) + "." if done else "Postcodes and MPs were already loaded."

"""Seats, MPs and postcodes for tests, made directly (no files, no importer).

Other apps' tests use these too (campaigns' letters to MPs):

    seat = make_seat("E14001063", "Holborn and St Pancras", mp="Example MP", email="mp@example.org")
    add_postcodes({"WC1X 8HP": "E14001063"})
    seats_for_postcode("wc1x8hp").status  # LookupStatus.FOUND
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.utils import timezone

from chorus.representatives.models import (
    Constituency,
    Country,
    DataKind,
    DataSet,
    DataSetStatus,
    PostcodeRecord,
    Representative,
)
from chorus.representatives.names import constituency_name_key

COUNTRY_BY_CODE_LETTER = {
    "E": Country.ENGLAND,
    "W": Country.WALES,
    "S": Country.SCOTLAND,
    "N": Country.NORTHERN_IRELAND,
}
COUNTRY_CODE_BY_COUNTRY = {
    Country.ENGLAND: "E92000001",
    Country.WALES: "W92000004",
    Country.SCOTLAND: "S92000003",
    Country.NORTHERN_IRELAND: "N92000002",
}


def live_data_set(kind: DataKind) -> DataSet:
    """The live data set of a kind, made (as a finished import) when there is none."""
    existing = DataSet.objects.filter(kind=kind, status=DataSetStatus.LIVE).first()
    if existing is not None:
        return existing
    return DataSet.objects.create(
        kind=kind,
        status=DataSetStatus.LIVE,
        version="Test data",
        dated=date(2025, 5, 1),
        imported_at=timezone.now(),
    )


def make_seat(
    code: str,
    name: str,
    *,
    mp: str | None = "Example MP",
    party: str = "Example Party",
    email: str = "mp@example.org",
    postal_address: str = "House of Commons, London, SW1A 0AA",
    is_speaker: bool = False,
    parliament_id: int | None = None,
) -> Constituency:
    """A constituency with its MP (``mp=None``: a vacant seat)."""
    constituency, _ = Constituency.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "name_key": constituency_name_key(name),
            "country": COUNTRY_BY_CODE_LETTER[code[0]],
            "data_set": live_data_set(DataKind.CONSTITUENCIES),
        },
    )
    if mp is not None:
        Representative.objects.update_or_create(
            constituency=constituency,
            defaults={
                "name": mp,
                "party": party,
                "email": email,
                "postal_address": postal_address,
                "is_speaker": is_speaker,
                "parliament_id": parliament_id,
                "data_set": live_data_set(DataKind.REPRESENTATIVES),
            },
        )
    return constituency


def add_postcodes(
    postcodes: Mapping[str, str | list[str]], *, terminated: Mapping[str, date] | None = None
) -> DataSet:
    """Postcodes (canonical form) in the live postcode data set, each to one seat's code or a list of them."""
    data_set = live_data_set(DataKind.POSTCODES)
    rows = []
    for postcode, codes in postcodes.items():
        for code in [codes] if isinstance(codes, str) else codes:
            country = COUNTRY_BY_CODE_LETTER.get(code[:1]) if code else None
            rows.append(
                PostcodeRecord(
                    data_set=data_set,
                    postcode=postcode,
                    constituency_code=code,
                    country_code=COUNTRY_CODE_BY_COUNTRY[country] if country else "",
                    terminated_on=(terminated or {}).get(postcode),
                )
            )
    PostcodeRecord.objects.bulk_create(rows)
    return data_set

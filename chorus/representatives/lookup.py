"""Finding a member's MP: postcode → 2024 Westminster seat → its current Member of Parliament.

The one interface other apps use (campaigns' letters to MPs). It reads only the live data
set of each kind, works offline, and answers every case in plain words:

    result = seats_for_postcode("sw1a1aa")
    if result.status is LookupStatus.FOUND:
        seat = result.seats[0]          # seat.representative_name, seat.email, seat.is_vacant …
    elif result.status is LookupStatus.CHOOSE:
        ...                              # the member picks one of result.seats
    else:
        show(result.message)             # one sentence, safe to show the member

A choice the member made (from ``CHOOSE`` or the fallback list) is re-checked with
``seat(code)`` before it is trusted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from chorus.representatives.models import (
    Constituency,
    DataKind,
    DataSet,
    DataSetStatus,
    PostcodeRecord,
)
from chorus.representatives.postcodes import postcode_canonical

SPEAKER_LABEL = "Speaker of the House of Commons"

# Postcode areas of the Crown dependencies: real postcodes, but no seat at Westminster.
CROWN_DEPENDENCY_AREAS = {"JE": "Jersey", "GY": "Guernsey", "IM": "the Isle of Man"}
# ONSPD's country codes for the Channel Islands and the Isle of Man.
CROWN_DEPENDENCY_COUNTRY_CODES = frozenset({"L93000001", "M83000003"})


class LookupStatus(enum.StrEnum):
    FOUND = "found"  # exactly one seat
    CHOOSE = "choose"  # the postcode is split between seats: the member chooses
    TERMINATED = "terminated"  # the postcode is no longer in use
    NOT_COVERED = "not-covered"  # a real postcode with no Westminster seat (Jersey, Guernsey, Isle of Man)
    NOT_FOUND = "not-found"  # well-formed but not in the loaded data
    INVALID = "invalid"  # not a UK postcode
    NO_DATA = "no-data"  # no postcode data set has been loaded yet


@dataclass(frozen=True)
class Representative:
    """A sitting MP's public details, as Parliament publishes them."""

    name: str
    party: str  # as Parliament gives it ("Speaker" for the Speaker)
    email: str
    postal_address: str
    parliament_id: int | None
    is_speaker: bool


@dataclass(frozen=True)
class Seat:
    """A Westminster constituency and its MP (None when the seat is vacant)."""

    constituency_code: str  # the ONS code, e.g. "E14001063": for storing, never for showing
    constituency_name: str
    country: str  # in words: "England", "Wales", "Scotland", "Northern Ireland"
    representative: Representative | None

    @property
    def is_vacant(self) -> bool:
        return self.representative is None

    @property
    def is_speaker(self) -> bool:
        return self.representative is not None and self.representative.is_speaker

    @property
    def representative_name(self) -> str:
        return self.representative.name if self.representative else ""

    @property
    def party(self) -> str:
        """The party to show: the Speaker takes no side, so "Speaker of the House of Commons"."""
        if self.representative is None:
            return ""
        return SPEAKER_LABEL if self.representative.is_speaker else self.representative.party

    @property
    def email(self) -> str:
        return self.representative.email if self.representative else ""

    @property
    def postal_address(self) -> str:
        return self.representative.postal_address if self.representative else ""

    @property
    def description(self) -> str:
        """One line for the member: "Jo Bloggs (Labour), MP for Cardiff East", or that the seat is vacant."""
        if self.representative is None:
            return f"{self.constituency_name} has no MP at the moment"
        return f"{self.representative_name} ({self.party}), MP for {self.constituency_name}"


@dataclass(frozen=True)
class SeatLookup:
    status: LookupStatus
    postcode: str  # normalised, e.g. "SW1A 1AA" ("" when INVALID)
    seats: tuple[Seat, ...]
    message: str  # one plain sentence for the member


def postcode_normalise(raw: str) -> str | None:
    """The canonical form of a UK postcode ("SW1A 1AA"), or None when it is not one."""
    return postcode_canonical(raw)


def postcode_area(postcode: str) -> str:
    """The letters that start a postcode: "SW" for "SW1A 1AA", "JE" for "JE2 3AB"."""
    area = ""
    for char in postcode:
        if not char.isalpha():
            break
        area += char
    return area


def live_data_set_id(kind: DataKind) -> int | None:
    """The id of the data set of this kind that lookups read, or None before any import."""
    return DataSet.objects.filter(kind=kind, status=DataSetStatus.LIVE).values_list("pk", flat=True).first()


def postcode_data_loaded() -> bool:
    """Whether a postcode data set is live, so postcodes can be looked up at all."""
    return live_data_set_id(DataKind.POSTCODES) is not None


def _seats(codes: list[str]) -> list[Seat]:
    constituencies = Constituency.objects.filter(code__in=codes).select_related("representative").order_by("name")
    return [_seat_of(constituency) for constituency in constituencies]


def _seat_of(constituency: Constituency) -> Seat:
    record = getattr(constituency, "representative", None)
    representative = (
        Representative(
            name=record.name,
            party=record.party,
            email=record.email,
            postal_address=record.postal_address,
            parliament_id=record.parliament_id,
            is_speaker=record.is_speaker,
        )
        if record is not None
        else None
    )
    return Seat(
        constituency_code=constituency.code,
        constituency_name=constituency.name,
        country=constituency.get_country_display(),
        representative=representative,
    )


def seat(constituency_code: str) -> Seat | None:
    """The seat with this ONS code, or None when there is no such seat (e.g. a tampered choice)."""
    constituency = (
        Constituency.objects.filter(code=(constituency_code or "").strip().upper())
        .select_related("representative")
        .first()
    )
    return _seat_of(constituency) if constituency is not None else None


def all_seats() -> list[Seat]:
    """Every seat, ordered by constituency name: the list to pick from when a postcode cannot be looked up."""
    return [_seat_of(c) for c in Constituency.objects.select_related("representative").order_by("name", "code")]


def seats_for_postcode(raw: str) -> SeatLookup:
    """Find the seat (or seats) of a postcode, with a plain sentence for every outcome."""
    postcode = postcode_normalise(raw)
    if postcode is None:
        return SeatLookup(LookupStatus.INVALID, "", (), "Enter a full UK postcode, like SW1A 1AA, to find your MP.")
    area = postcode_area(postcode)
    if area in CROWN_DEPENDENCY_AREAS:
        return _not_covered(postcode, CROWN_DEPENDENCY_AREAS[area])
    data_set_id = live_data_set_id(DataKind.POSTCODES)
    if data_set_id is None:
        return SeatLookup(
            LookupStatus.NO_DATA,
            postcode,
            (),
            "We cannot look up postcodes at the moment, so please choose your MP from the list.",
        )
    records = list(
        PostcodeRecord.objects.filter(data_set_id=data_set_id, postcode=postcode).values_list(
            "constituency_code", "country_code", "terminated_on"
        )
    )
    if not records:
        return SeatLookup(
            LookupStatus.NOT_FOUND,
            postcode,
            (),
            f"We could not find {postcode}. Check it against a letter or bill sent to your address.",
        )
    live = [record for record in records if record[2] is None]
    if not live:
        return SeatLookup(
            LookupStatus.TERMINATED,
            postcode,
            (),
            f"{postcode} is no longer in use. Enter the postcode your address has now.",
        )
    if any(country in CROWN_DEPENDENCY_COUNTRY_CODES for _, country, _ in live):
        return _not_covered(postcode, "")
    codes = sorted({code for code, _, _ in live if code})
    seats = _seats(codes)
    if not seats:
        return SeatLookup(
            LookupStatus.NOT_FOUND,
            postcode,
            (),
            f"We could not match {postcode} to a constituency, so please choose your MP from the list.",
        )
    if len(seats) == 1:
        return SeatLookup(LookupStatus.FOUND, postcode, tuple(seats), f"Your MP is {seats[0].description}.")
    return SeatLookup(
        LookupStatus.CHOOSE,
        postcode,
        tuple(seats),
        f"{postcode} is split between {len(seats)} constituencies. Choose the one your address is in.",
    )


def _not_covered(postcode: str, place: str) -> SeatLookup:
    where = place or "the Channel Islands or the Isle of Man"
    return SeatLookup(
        LookupStatus.NOT_COVERED,
        postcode,
        (),
        f"{postcode} is in {where}, which has its own parliament and no MP at Westminster.",
    )

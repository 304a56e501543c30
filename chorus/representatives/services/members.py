"""Importing the sitting MPs from a saved export of the UK Parliament Members API.

The layout (docs/staff-guide/representatives-data.md): the Members Search answer
(``/api/Members/Search?House=1&IsCurrentMember=true``), or a list of its pages, whose
``items[].value`` hold ``id``, ``nameDisplayAs``, ``latestParty.name`` and
``latestHouseMembership.membershipFrom`` (the constituency name); each item may carry
``contact``: the answer of ``/api/Members/{id}/Contact`` (its ``value`` list, or the list
alone). Seats are matched on folded names (chorus.representatives.names); a seat no
member matches is vacant; names that match no seat are listed for staff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from chorus.representatives.models import Constituency, DataKind, DataSet, Representative
from chorus.representatives.names import constituency_name_key
from chorus.representatives.services.data_sets import (
    ImportRefused,
    ImportReport,
    data_set_fail,
    data_set_go_live,
    data_set_start,
)

# The Members API's name for the Speaker's "party": the Speaker takes no side.
SPEAKER_PARTY = "speaker"
# The contact type Parliament gives the Westminster office.
PARLIAMENTARY_OFFICE = "parliamentary office"
# 650 members with their contacts are well under a megabyte; anything far bigger is not this file.
LARGEST_FILE = 20 * 1024 * 1024
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text(value: Any, *, longest: int = 200) -> str:
    if not isinstance(value, str | int):
        return ""
    return " ".join(CONTROL_CHARACTERS.sub(" ", str(value)).split())[:longest]


def _items(document: Any) -> Iterator[Mapping[str, Any]]:
    """Each member's item, from one page of the Search answer or a list of pages (or of items)."""
    pages = document if isinstance(document, list) else [document]
    for page in pages:
        if isinstance(page, Mapping) and isinstance(page.get("items"), list):
            yield from (item for item in page["items"] if isinstance(item, Mapping))
        elif isinstance(page, Mapping) and "value" in page:
            yield page


def _contacts(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    contact = item.get("contact")
    if isinstance(contact, Mapping):
        contact = contact.get("value")
    return [entry for entry in contact if isinstance(entry, Mapping)] if isinstance(contact, list) else []


def _office(contacts: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The Westminster office if listed, else the member's preferred contact, else the first with an email."""
    for wanted in (
        lambda c: _text(c.get("type")).casefold() == PARLIAMENTARY_OFFICE or c.get("typeId") == 1,
        lambda c: bool(c.get("isPreferred")),
        lambda c: bool(c.get("email")),
    ):
        for contact in contacts:
            if wanted(contact):
                return contact
    return None


def member_contact(item: Mapping[str, Any]) -> tuple[str, str]:
    """A member's email and postal address (lines, then postcode, one per line) from their contacts."""
    office = _office(_contacts(item))
    if office is None:
        return "", ""
    email = _text(office.get("email"), longest=254)
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    lines = [_text(office.get(f"line{n}")) for n in range(1, 6)] + [_text(office.get("postcode"), longest=10)]
    return email, "\n".join(line for line in lines if line)


def representatives_import(
    *,
    path: Path,
    version: str = "",
    dated: date | None = None,
    actor: Any = None,
    data_set: DataSet | None = None,
) -> ImportReport:
    """Load the sitting MPs, matched to seats by name, and make them the live list, all or nothing."""
    data_set = data_set_start(
        kind=DataKind.REPRESENTATIVES,
        file_name=path.name,
        version=version,
        dated=dated,
        actor=actor,
        data_set=data_set,
    )
    try:
        document = _load(path)
        seats = {c.name_key: c for c in Constituency.objects.all()}
        if not seats:
            raise ImportRefused("Load the constituencies first: there are no seats to match the members to.")
        members: dict[int, Representative] = {}
        unmatched: list[str] = []
        read = skipped = 0
        for item in _items(document):
            read += 1
            value = item.get("value")
            if not isinstance(value, Mapping):
                skipped += 1
                continue
            membership = value.get("latestHouseMembership") or {}
            party = value.get("latestParty") or {}
            name = _text(value.get("nameDisplayAs"))
            seat_name = _text(membership.get("membershipFrom")) if isinstance(membership, Mapping) else ""
            ended = isinstance(membership, Mapping) and membership.get("membershipEndDate")
            if not name or not seat_name or ended:
                skipped += 1
                continue
            constituency = seats.get(constituency_name_key(seat_name))
            if constituency is None or constituency.pk in members:
                skipped += 1
                unmatched.append(seat_name if constituency is None else f"{seat_name} (a second member)")
                continue
            party_name = _text(party.get("name")) if isinstance(party, Mapping) else ""
            email, address = member_contact(item)
            member_id = value.get("id")
            members[constituency.pk] = Representative(
                constituency=constituency,
                name=name,
                party=party_name,
                email=email,
                postal_address=address,
                parliament_id=member_id if isinstance(member_id, int) and member_id > 0 else None,
                is_speaker=party_name.casefold() == SPEAKER_PARTY,
                data_set=data_set,
            )
        if not members:
            raise ImportRefused("No member in the file matched a constituency, so nothing changed.")
        with transaction.atomic():
            Representative.objects.all().delete()
            Representative.objects.bulk_create(members.values())
            data_set_go_live(
                data_set, read=read, kept=len(members), skipped=skipped, unmatched="\n".join(sorted(unmatched))
            )
    except ImportRefused as refusal:
        data_set_fail(data_set, problem=str(refusal))
        raise
    except BaseException:
        data_set_fail(data_set, problem="The import stopped before it finished, so nothing changed. Try it again.")
        raise
    return ImportReport(data_set.pk, DataKind.REPRESENTATIVES, read, len(members), skipped, tuple(sorted(unmatched)))


def _load(path: Path) -> Any:
    if path.stat().st_size > LARGEST_FILE:
        raise ImportRefused("The file is far bigger than a list of MPs, so it was not read.")
    try:
        with open(path, encoding="utf-8-sig") as text:
            return json.load(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportRefused("The file is not a JSON export of the Members API.") from error

"""The shapes importers produce, and strict helpers for reading upstream JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import httpx

LONDON = ZoneInfo("Europe/London")


# Why a run failed, in the words staff read in "Import runs" (the technical detail is kept apart).
REASON_TIMEOUT = "could not reach the service (timeout)"
REASON_UNREACHABLE = "could not reach the service (no connection)"
REASON_NOT_UNDERSTOOD = "the service sent something we do not understand"
REASON_NOT_SAVED = "what the service sent could not be saved"


class ImportFailed(Exception):
    """The upstream service failed or answered with something we do not understand.

    ``reason`` says why in plain words; the message keeps the technical detail.
    """

    def __init__(self, message: str, *, reason: str = REASON_NOT_UNDERSTOOD) -> None:
        super().__init__(message)
        self.reason = reason


def service_error_reason(status_code: int) -> str:
    if status_code == 404:
        return "the service could not find what we asked for (error 404)"
    if status_code >= 500:
        return f"the service had a problem of its own (error {status_code})"
    return f"the service refused our request (error {status_code})"


@dataclass(frozen=True)
class ImportedStage:
    name: str  # a StageName value
    date: date


@dataclass(frozen=True)
class ImportedWindow:
    upstream_id: str
    closes_at: datetime
    opens_at: datetime | None = None
    label: str = ""
    late_submissions_accepted: bool = False


@dataclass(frozen=True)
class ImportedItem:
    source_system: str
    upstream_id: str
    title: str
    kind: str
    owner_body: str
    summary: str
    source_url: str
    respond_url: str
    stages: tuple[ImportedStage, ...] = field(default_factory=tuple)
    windows: tuple[ImportedWindow, ...] = field(default_factory=tuple)


class Importer(Protocol):
    source: str

    def fetch(self, client: httpx.Client, *, terms: list[str]) -> list[ImportedItem]: ...


def get_json(client: httpx.Client, url: str, *, params: dict[str, Any] | None = None) -> Any:
    """GET a URL and decode its JSON; every way this can go wrong becomes ImportFailed."""
    try:
        response = client.get(url, params=params)
        response.raise_for_status()
    except httpx.TimeoutException as error:
        raise ImportFailed(f"Timed out fetching {url}", reason=REASON_TIMEOUT) from error
    except httpx.HTTPStatusError as error:
        status = error.response.status_code
        raise ImportFailed(f"{url} answered {status}", reason=service_error_reason(status)) from error
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise ImportFailed(f"Could not fetch {url}: {error.__class__.__name__}", reason=REASON_UNREACHABLE) from error
    try:
        return response.json()
    except ValueError as error:
        raise ImportFailed(f"{url} did not return valid JSON") from error


def require[T](data: Any, key: str, kind: type[T], *, where: str) -> T:
    """Read one field, insisting on its type, so unexpected JSON fails loudly instead of half-importing."""
    if not isinstance(data, dict):
        raise ImportFailed(f"Unexpected JSON in {where}: expected an object")
    value = data.get(key)
    if kind is str and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ImportFailed(f"Unexpected JSON in {where}: {key!r} is missing or not a {kind.__name__}")
    return value


def require_id(data: Any, key: str, *, where: str) -> str:
    """Upstream ids are whole numbers; anything else would end up in our URLs."""
    value = require(data, key, str, where=where)
    if not value.isascii() or not value.isdigit():
        raise ImportFailed(f"Unexpected JSON in {where}: {key!r} is not a numeric id")
    return value


def optional_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def parse_datetime(value: Any, *, where: str) -> datetime:
    """ISO 8601 from upstream; a time without an offset is UK local time."""
    if not isinstance(value, str) or not value:
        raise ImportFailed(f"Unexpected JSON in {where}: missing date")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ImportFailed(f"Unexpected JSON in {where}: {value!r} is not a date") from error
    if not 1900 < parsed.year < 2200:
        raise ImportFailed(f"Unexpected JSON in {where}: {value!r} is not a plausible date")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed


def parse_optional_datetime(value: Any, *, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    return parse_datetime(value, where=where)

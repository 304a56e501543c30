"""The worked example in docs/api.md: scripts/crm_sync_example.py run against the live test
server with a real token, twice, the second time after an erasure (tombstones)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from chorus.api.tests.osdi_fixtures import ALL_READ, issue, make_world
from chorus.people.services import person_erase

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "crm_sync_example.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crm_sync_example", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_worked_example_syncs_people_signatures_and_deletions(
    live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = load_script()
    world = make_world()
    monkeypatch.setenv("CHORUS_TOKEN", issue(ALL_READ)[1])
    store = tmp_path / "crm.json"

    assert script.main(["--base-url", live_server.url, "--store", str(store)]) == 0
    printed = capsys.readouterr().out
    crm = json.loads(store.read_text())
    shared, updates_only = f"chorus:{world.shared.uuid}", f"chorus:{world.updates_only.uuid}"
    assert set(crm["people"]) == {shared, updates_only}
    assert crm["people"][shared]["email"] == "rowan@example.org"
    assert crm["people"][shared]["subscribed"] is False  # agreed, but no bulletin subscription row
    assert set(crm["signatures"]) == {f"chorus:{world.signature.uuid}"}
    assert crm["signatures"][f"chorus:{world.signature.uuid}"]["person"] == str(world.shared.uuid)
    assert f"person {shared}" in printed and "2 people and 1 signatures added or updated" in printed
    # Identifiers and counts only: no name or address in what it prints.
    assert "rowan@" not in printed and "Rowan" not in printed
    assert crm["since"]

    person_erase(person=world.shared, via="privacy page")
    assert script.main(["--base-url", live_server.url, "--store", str(store)]) == 0
    printed = capsys.readouterr().out
    crm = json.loads(store.read_text())
    assert set(crm["people"]) == {updates_only}
    assert crm["signatures"] == {}
    assert f"deleted {shared} (erased)" in printed
    # "ge" the last start: a change in that same second is read again (harmless: an update).
    assert f"person {shared}" not in printed and "0 signatures added or updated, 1 people deleted" in printed


def test_the_example_asks_for_a_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHORUS_TOKEN", raising=False)
    assert load_script().main(["--base-url", "http://127.0.0.1:9", "--store", str(tmp_path / "x.json")]) == 2

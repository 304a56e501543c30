"""`make audit-deps` fails on a known vulnerability, and says so plainly when it could not audit.

pip-audit itself is replaced by a small script that answers as pip-audit does in each case,
so these tests need no network and can fail only on our own handling of its answers.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow  # each case starts a stand-in pip-audit process

FAKE_PIP_AUDIT = """#!{python}
import json, sys
arguments = sys.argv[1:]
answer = json.loads({answer!r})
if answer.get("report") is not None:
    with open(arguments[arguments.index("--output") + 1], "w") as report:
        json.dump(answer["report"], report)
sys.stderr.write(answer.get("stderr", ""))
sys.exit(answer["exit"])
"""

DJANGO_OK = {"name": "django", "version": "6.1.3", "vulns": []}
DJANGO_VULNERABLE = {
    "name": "django",
    "version": "6.1.3",
    "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["6.1.4"], "aliases": [], "description": "..."}],
}
NOT_FOUND = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (6.1.3)"}


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts" / "audit_deps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def audit_with(
    answer: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> tuple[int, str]:
    fake = tmp_path / "pip-audit"
    fake.write_text(FAKE_PIP_AUDIT.format(python=sys.executable, answer=json.dumps(answer)))
    fake.chmod(0o755)
    monkeypatch.setenv("PIP_AUDIT", str(fake))
    lock = tmp_path / "base.txt"
    lock.write_text("django==6.1.3 --hash=sha256:00\n")
    status = load_script().main([lock])
    return status, capsys.readouterr().out


def test_a_clean_audit_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    status, out = audit_with({"report": {"dependencies": [DJANGO_OK]}, "exit": 0}, tmp_path, monkeypatch, capsys)
    assert status == 0
    assert "no known vulnerabilities" in out


def test_a_known_vulnerability_fails_and_names_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    status, out = audit_with(
        {"report": {"dependencies": [DJANGO_VULNERABLE]}, "exit": 1}, tmp_path, monkeypatch, capsys
    )
    assert status == 1
    assert "KNOWN VULNERABILITIES" in out
    assert "django 6.1.3: PYSEC-2026-1 (fixed in 6.1.4)" in out


def test_an_unreachable_database_is_reported_and_does_not_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    stderr = (
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='advisories.example', port=443): "
        "Max retries exceeded (Caused by NameResolutionError(...: Name or service not known))\n"
    )
    status, out = audit_with({"report": None, "stderr": stderr, "exit": 1}, tmp_path, monkeypatch, capsys)
    assert status == 0
    assert "NOT AUDITED" in out
    assert "ConnectionError" in out


def test_a_database_that_knows_no_package_has_audited_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    # pip-audit itself says "No known vulnerabilities found" and exits 0 here.
    status, out = audit_with({"report": {"dependencies": [NOT_FOUND]}, "exit": 0}, tmp_path, monkeypatch, capsys)
    assert status == 0
    assert "NOT AUDITED" in out
    assert "no known vulnerabilities" not in out


def test_any_other_failure_of_pip_audit_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    stderr = "ERROR:pip_audit._cli:requirement django==6.1.3 does not contain a hash\n"
    status, out = audit_with({"report": None, "stderr": stderr, "exit": 1}, tmp_path, monkeypatch, capsys)
    assert status == 1
    assert "does not contain a hash" in out


def test_every_lock_is_audited_by_default() -> None:
    assert [path.name for path in load_script().LOCKS] == ["base.txt", "dev.txt", "bench.txt"]
    for lock in load_script().LOCKS:
        assert "--hash=sha256:" in lock.read_text(), f"{lock.name} is not compiled with hashes (make lock)"

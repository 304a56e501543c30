"""Audit the compiled requirement locks for known vulnerabilities (`make audit-deps`).

pip-audit reads each lock as it is (every package pinned, with hashes), without
installing anything, and asks a vulnerability database on the internet about each pin.

- A known vulnerability fails the build, with the package, its version, the advisory and
  the versions that fix it.
- When the database cannot be reached (a CI machine or laptop without network access),
  or answers that it knows none of the packages (a proxy in the way), nothing was
  audited: this is said plainly, and the build goes on. A build that failed
  whenever the network did would soon be run with the audit switched off, which is worse.
- Any other failure of pip-audit (a lock it cannot read) fails the build.

See docs/decisions/0025-a-faster-suite-and-clean-dependencies.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = [ROOT / "requirements" / name for name in ("base.txt", "dev.txt", "bench.txt")]
# What pip-audit and the HTTP libraries under it say when the database cannot be reached.
UNREACHABLE_SIGNS = (
    "connectionerror",
    "connection error",
    "connecttimeout",
    "readtimeout",
    "timed out",
    "max retries exceeded",
    "name or service not known",
    "temporary failure in name resolution",
    "network is unreachable",
    "connection refused",
    "proxyerror",
    "sslerror",
)
AUDITED, VULNERABLE, NOT_AUDITED, FAILED = "audited", "vulnerable", "not audited", "failed"


def pip_audit_command() -> str:
    return os.environ.get("PIP_AUDIT", str(Path(sys.executable).parent / "pip-audit"))


def audit_lock(lock: Path) -> tuple[str, list[str]]:
    """The outcome for one lock, and the lines that explain it."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [
            pip_audit_command(),
            *("--requirement", str(lock)),
            "--require-hashes",
            "--disable-pip",
            *("--progress-spinner", "off"),
            *("--timeout", "20"),
            *("--format", "json"),
            *("--output", str(report)),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        found = json.loads(report.read_text()) if report.exists() else None
    if found is not None:
        dependencies = found.get("dependencies", [])
        problems = [
            f"{dependency['name']} {dependency['version']}: {vulnerability['id']}"
            + (f" (fixed in {', '.join(vulnerability['fix_versions'])})" if vulnerability.get("fix_versions") else "")
            for dependency in dependencies
            for vulnerability in dependency.get("vulns", [])
        ]
        if problems:
            return VULNERABLE, problems
        # A database that answers "not found" for a package has not audited it: pip-audit
        # still says "No known vulnerabilities found", so count what was really looked up.
        skipped = [dependency["name"] for dependency in dependencies if dependency.get("skip_reason")]
        if dependencies and len(skipped) == len(dependencies):
            return NOT_AUDITED, [f"the database knew none of the {len(dependencies)} pinned packages"]
        if result.returncode == 0:
            return AUDITED, [f"not found in the database, so not audited: {', '.join(skipped)}"] if skipped else []
    output = f"{result.stdout}\n{result.stderr}".strip()
    last_line = output.splitlines()[-1] if output else f"pip-audit exited with {result.returncode}"
    if any(sign in output.lower() for sign in UNREACHABLE_SIGNS):
        return NOT_AUDITED, [last_line]
    if result.returncode == 0:
        return AUDITED, []
    return FAILED, output.splitlines()[-20:] or [last_line]


def main(locks: list[Path]) -> int:
    status = 0
    for lock in locks:
        name = lock.relative_to(ROOT) if lock.is_relative_to(ROOT) else lock
        outcome, lines = audit_lock(lock)
        if outcome == AUDITED:
            print(f"{name}: no known vulnerabilities.")
        elif outcome == VULNERABLE:
            print(f"{name}: KNOWN VULNERABILITIES, upgrade these and run `make lock`:")
            status = 1
        elif outcome == NOT_AUDITED:
            print(
                f"{name}: NOT AUDITED. The vulnerability database could not be used from this machine, "
                "so this build goes on; run `make audit-deps` where the network allows it."
            )
        else:
            print(f"{name}: pip-audit failed, so nothing was audited:")
            status = 1
        for line in lines:
            print(f"    {line}")
    return status


if __name__ == "__main__":
    sys.exit(main([Path(argument).resolve() for argument in sys.argv[1:]] or LOCKS))

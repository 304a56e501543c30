#!/usr/bin/env python
"""Lighthouse's four scores for one page of each public page type, against a running Chorus.

    make run                                        # in another terminal: the demo at :8000
    .venv/bin/python bench/lighthouse.py            # every page type below
    .venv/bin/python bench/lighthouse.py --base http://127.0.0.1:8000 /news/

Lighthouse is a Node.js program, not a Python package, so it is not in our locks: install
it outside the repository (`npm install lighthouse` in a folder of your own) and point
LIGHTHOUSE at its `node_modules/.bin/lighthouse`, or let `npx` fetch it. It drives the
system Chromium (CHROME_PATH, /usr/bin/chromium by default). Prints each page's scores
for performance, accessibility, best practices and SEO, and every weighted audit that
did not pass. A report, not a test: runs on a shared machine vary in performance.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

# One page of each public type in the demo (`make run`).
PAGES = [
    "/",
    "/news/",
    "/news/briefing-mental-health-act-reform/",
    "/campaigns/",
    "/campaigns/cameras-off-our-wards/",
    "/campaigns/cameras-off-our-wards/sign/",
    "/priorities/",
    "/priorities/challenging-poor-care/",
    "/coalitions/",
    "/get-support/",
    "/support/policy-issue/",
    "/tracker/",
    "/bulletin/",
    "/privacy-notice/",
    "/accessibility/",
    "/help-now/",
    "/search/?q=cameras",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse_command() -> list[str]:
    if os.environ.get("LIGHTHOUSE"):
        return shlex.split(os.environ["LIGHTHOUSE"])
    return ["npx", "--yes", "lighthouse"]


def audit(base: str, path: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                *lighthouse_command(),
                base + path,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--chrome-flags=--headless=new --no-sandbox",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        )
        result: dict[str, object] = json.loads(report.read_text())
        return result


def failing_audits(result: dict[str, object]) -> list[str]:
    audits = result["audits"]
    failing = []
    for name, category in result["categories"].items():  # type: ignore[attr-defined]
        if name not in CATEGORIES:
            continue
        for ref in category["auditRefs"]:
            found = audits[ref["id"]]  # type: ignore[index]
            if ref.get("weight", 0) > 0 and found.get("score") is not None and found["score"] < 1:
                failing.append(f"{name}: {ref['id']} {found.get('displayValue', '')}".rstrip())
    return failing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=PAGES)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    print(f"{'page':<44} " + " ".join(f"{name[:13]:>13}" for name in CATEGORIES))
    for path in args.paths:
        result = audit(args.base, path)
        scores = {name: result["categories"][name]["score"] for name in CATEGORIES}  # type: ignore[index]
        print(f"{path:<44} " + " ".join(f"{round(100 * scores[name]):>13}" for name in CATEGORIES))
        for line in failing_audits(result):
            print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

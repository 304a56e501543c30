#!/usr/bin/env python
"""Benchmark the public read API against a bare Django view on the same server, same run.

    .venv/bin/python bench/api.py            # the full measurement (about 2 minutes)
    .venv/bin/python bench/api.py --quick    # a few seconds, to check it works
    .venv/bin/python bench/api.py --page-cache-seconds 0   # every request rendered afresh

The same set-up as bench/pages.py, whose pieces it uses: a fresh PostgreSQL database with
the demo loaded, granian with production-like settings (config.settings.bench), and client
processes on 127.0.0.1 loading each URL for a fixed time. It prints requests/second, p50
and p99 latency and the ratio to the bare view (the cheapest uncached response through the
whole middleware stack). The aim (issue 25): the public list of articles at 50% or more of
the bare view. With the page cache on, the articles list is served like any cached public
page; run it with --page-cache-seconds 0 too, to see what rendering it through django-ninja
and pydantic costs. A script, not a test: run it on a quiet machine.

In the same run it measures the integration API (OSDI) as a CRM uses it: 10,000 people who
agreed to the bulletin, a people:read token, ``GET /api/osdi/v1/people?per_page=100``
walking through the 100 pages, beside a bare view that reads the same 100 rows and returns
them as JSON (config.bench_urls). The aim: people pages at 25% or more of that bare view.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import HOST, PYTHON, ROOT, drop_database, flush_cache, stop
from pages import MAX_REQUESTS_PER_TARGET, Result, bench_env, measure, parse_args, prepare, start_server

AIM = 0.5
OSDI_AIM = 0.25
OSDI_PEOPLE = 10_000
OSDI_PAGES = OSDI_PEOPLE // 100

# The OSDI integration API's people collection is measured beside a bare view of its own
# (measure_osdi, below): a page of 100 people against 100 rows as plain JSON.
TARGETS = [
    ("bare view", "/bench/ok/"),
    ("articles", "/api/v1/articles"),
    ("articles, 100", "/api/v1/articles?page_size=100"),
    ("articles, kind", "/api/v1/articles?kind=briefing"),
]


def report(results: list[Result], page_cache_seconds: int) -> None:
    bare = results[0].rps or float("nan")
    print()
    print(f"Public read API; page cache {page_cache_seconds} s")
    print(f"{'target':<16} {'path':<40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs bare':>8}")
    for result in results:
        ratio = result.rps / bare if bare else float("nan")
        print(
            f"{result.name:<16} {result.path:<40} {result.rps:>8.0f} {result.p50_ms:>8.1f} "
            f"{result.p99_ms:>8.1f} {result.errors:>7} {ratio:>7.0%}"
        )
    articles = results[1].rps / bare if bare else float("nan")
    verdict = "meets" if articles >= AIM else "BELOW"
    print(f"\nThe public list of articles {verdict} the aim of {AIM:.0%} of the bare view ({articles:.0%}).")


# --- the OSDI integration API: 100 people a page, with a token, beside a bare 100-row JSON view ---

# Made in the benchmark's database after the demo: people who agreed to the bulletin (so the
# API shares them), in two bulk inserts, and a people:read token whose plain text is printed.
SEED_OSDI = f"""
from django.utils import timezone
from chorus.api.tokens import api_token_issue
from chorus.core.crypto import email_index
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
now = timezone.now()
people = Person.objects.bulk_create(
    [Person(email=f"bench{{n}}@example.org", email_index=email_index(f"bench{{n}}@example.org"),
            name=f"Bench Person {{n}}", postcode="AB1 2CD") for n in range({OSDI_PEOPLE})],
    batch_size=1000,
)
ConsentRecord.objects.bulk_create(
    [ConsentRecord(person=p, purpose=ConsentPurpose.BULLETIN, wording="bench", wording_version="bench",
                   source="bench", given_at=now) for p in people],
    batch_size=1000,
)
print(api_token_issue(name="bench", scopes=["people:read"], expires_in_days=30, created_by=None).plain)
"""


def seed_osdi(env: dict[str, str]) -> str:
    print(f"Making {OSDI_PEOPLE:,} people who agreed to be contacted, and a people:read token…", flush=True)
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SEED_OSDI], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


async def _load_pages(
    paths: list[str], headers: dict[str, str], connections: int, seconds: float, limit: int
) -> tuple[list[float], int, float]:
    """Like pages._load, but with headers, and walking through ``paths`` (each page in turn)."""
    latencies: list[float] = []
    errors = 0
    turn = 0
    began = time.perf_counter()
    deadline = began + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10, headers=headers) as client:

        async def worker() -> None:
            nonlocal errors, turn
            while time.perf_counter() < deadline and len(latencies) + errors < limit:
                path = paths[turn % len(paths)]
                turn += 1
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    await response.aread()
                    if response.status_code == 200:
                        latencies.append(time.perf_counter() - started)
                    else:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, errors, time.perf_counter() - began


def _load_pages_process(
    job: tuple[list[str], dict[str, str], int, float, int],
) -> tuple[list[float], int, float]:
    return asyncio.run(_load_pages(*job))


def measure_pages(args: Any, name: str, template: str, headers: dict[str, str]) -> Result:
    base = f"http://{HOST}:{args.port}"
    paths = [base + template.format(page=page) for page in range(1, OSDI_PAGES + 1)]
    for path in paths[:5]:  # warm up
        httpx.get(path, headers=headers, timeout=10).raise_for_status()
    per_process = max(1, args.connections // args.clients)
    limit = MAX_REQUESTS_PER_TARGET // args.clients
    jobs = [(paths, headers, per_process, args.duration, limit)] * args.clients
    with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
        parts = pool.map(_load_pages_process, jobs)
    elapsed = max(part_elapsed for _, _, part_elapsed in parts)
    latencies = sorted(latency for part_latencies, _, _ in parts for latency in part_latencies)
    errors = sum(part_errors for _, part_errors, _ in parts)
    if not latencies:
        return Result(name, template, 0, errors, elapsed, float("nan"), float("nan"))
    p99_index = min(len(latencies) - 1, int(len(latencies) * 0.99))
    return Result(
        name=name,
        path=template.replace("{page}", "N"),
        requests=len(latencies),
        errors=errors,
        seconds=elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[p99_index] * 1000,
    )


def measure_osdi(args: Any, token: str) -> list[Result]:
    return [
        measure_pages(args, "bare 100 rows", "/bench/people/?page={page}", {}),
        measure_pages(
            args, "OSDI people", "/api/osdi/v1/people?per_page=100&page={page}", {"Authorization": f"Bearer {token}"}
        ),
    ]


def report_osdi(results: list[Result]) -> None:
    bare = results[0].rps or float("nan")
    print()
    print(f"Integration API (OSDI): people, 100 a page over {OSDI_PAGES} pages of {OSDI_PEOPLE:,} people")
    print(f"{'target':<16} {'path':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs bare':>8}")
    for result in results:
        ratio = result.rps / bare if bare else float("nan")
        print(
            f"{result.name:<16} {result.path:<44} {result.rps:>8.0f} {result.p50_ms:>8.1f} "
            f"{result.p99_ms:>8.1f} {result.errors:>7} {ratio:>7.0%}"
        )
    people = results[1].rps / bare if bare else float("nan")
    verdict = "meets" if people >= OSDI_AIM else "BELOW"
    print(f"\nThe OSDI people pages {verdict} the aim of {OSDI_AIM:.0%} of the bare 100-row view ({people:.0%}).")


def main() -> None:
    args = parse_args()
    # Its own database, port and Redis database, so it never disturbs a run of bench/pages.py.
    args.database = "chorus_bench_api" if args.database == "chorus_bench_pages" else args.database
    args.port = 8093 if args.port == 8091 else args.port
    args.redis_db = 4 if args.redis_db == 3 else args.redis_db
    args.var_dir = args.var_dir.parent / "bench-api"
    env = bench_env(args)
    prepare(args, env)
    token = seed_osdi(env)
    server = start_server(args, env)
    try:
        results = [measure(args, name, path) for name, path in TARGETS]
        osdi = measure_osdi(args, token)
    finally:
        stop(server)
        flush_cache(args.redis_db)
        if not args.keep_db:
            drop_database(args.database)
    report(results, args.page_cache_seconds)
    report_osdi(osdi)


if __name__ == "__main__":
    main()

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
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import drop_database, flush_cache, stop
from pages import Result, bench_env, measure, parse_args, prepare, start_server

AIM = 0.5

# The OSDI integration API's people collection is measured beside these (added with that API).
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


def main() -> None:
    args = parse_args()
    # Its own database, port and Redis database, so it never disturbs a run of bench/pages.py.
    args.database = "chorus_bench_api" if args.database == "chorus_bench_pages" else args.database
    args.port = 8093 if args.port == 8091 else args.port
    args.redis_db = 4 if args.redis_db == 3 else args.redis_db
    args.var_dir = args.var_dir.parent / "bench-api"
    env = bench_env(args)
    prepare(args, env)
    server = start_server(args, env)
    try:
        results = [measure(args, name, path) for name, path in TARGETS]
    finally:
        stop(server)
        flush_cache(args.redis_db)
        if not args.keep_db:
            drop_database(args.database)
    report(results, args.page_cache_seconds)


if __name__ == "__main__":
    main()

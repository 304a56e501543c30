#!/usr/bin/env python
"""Benchmark the public pages against a bare Django view on the same server, same run.

    .venv/bin/python bench/pages.py            # the full measurement (about 2 minutes)
    .venv/bin/python bench/pages.py --quick    # a few seconds, to check it works

It creates a fresh PostgreSQL database (chorus_bench_pages), migrates it, loads the demo,
starts granian (the production server) with production-like settings (config.settings.bench: DEBUG off, Redis
cache at redis://127.0.0.1:6379/3, WhiteNoise) and several workers, then loads each URL
for a fixed time from client processes on 127.0.0.1 (asyncio + httpx, keep-alive) and
prints requests/second, p50 and p99 latency, the ratio to the bare view, and the home
page's HTML + CSS size. Everything it starts it stops; the database is dropped unless
--keep-db is given. It is a script, not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    HOST,
    ROOT,
    drop_database,
    flush_cache,
    manage,
    recreate_database,
    server_command,
    start,
    stop,
    wait_until_healthy,
)

SIZE_BUDGET_BYTES = 40 * 1024
MAX_DURATION_SECONDS = 60.0
MAX_REQUESTS_PER_TARGET = 500_000

TARGETS = [
    ("bare view", "/bench/ok/"),
    ("home page", "/"),
    ("article", "/news/response-10-year-health-plan/"),
    ("article listing", "/news/"),
]


@dataclass(frozen=True)
class Result:
    name: str
    path: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        DATABASE_URL=f"postgres://postgres@{HOST}:5432/{args.database}",
        REDIS_URL=f"redis://{HOST}:6379/{args.redis_db}",
        CHORUS_VAR_DIR=str(args.var_dir),
        STATIC_ROOT=str(args.var_dir / "static"),
        CHORUS_PAGE_CACHE_SECONDS=str(args.page_cache_seconds),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    print(f"Creating database {args.database} and loading the demo…", flush=True)
    recreate_database(args.database)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    try:
        manage(env, "load_demo")
    except subprocess.CalledProcessError:
        # Another app's demo may be mid-change; the measured pages need only pages and news.
        print("load_demo failed; loading the pages and news demo only.", flush=True)
        code = "from chorus.pages import demo as p; from chorus.news import demo as n; p.load(); n.load()"
        manage(env, "shell", "-c", code)
    flush_cache(args.redis_db)


def start_server(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = start(server_command("config.wsgi:application", port=args.port, workers=args.workers), env)
    if not wait_until_healthy(server, port=args.port, seconds=30):
        stop(server)
        raise SystemExit("granian did not answer /healthz/ within 30 seconds")
    return server


async def _load(url: str, connections: int, seconds: float, limit: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    began = time.perf_counter()
    deadline = began + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    # No cookies are ever sent: a reader's browser has none on these pages either.
    async with httpx.AsyncClient(limits=limits, timeout=10, headers={"Accept-Encoding": "gzip"}) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline and len(latencies) + errors < limit:
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                    await response.aread()
                    client.cookies.clear()
                    if response.status_code == 200:
                        latencies.append(time.perf_counter() - started)
                    else:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, errors, time.perf_counter() - began


def _load_process(job: tuple[str, int, float, int]) -> tuple[list[float], int, float]:
    url, connections, seconds, limit = job
    return asyncio.run(_load(url, connections, seconds, limit))


def measure(args: argparse.Namespace, name: str, path: str) -> Result:
    url = f"http://{HOST}:{args.port}{path}"
    for _ in range(5):  # warm up: first renders, template and page caches
        httpx.get(url, timeout=10)
    per_process = max(1, args.connections // args.clients)
    limit = MAX_REQUESTS_PER_TARGET // args.clients
    jobs = [(url, per_process, args.duration, limit)] * args.clients
    with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
        parts = pool.map(_load_process, jobs)
    # Each client process times its own load, so process start-up is not counted.
    elapsed = max(part_elapsed for _, _, part_elapsed in parts)
    latencies = sorted(latency for part_latencies, _, _ in parts for latency in part_latencies)
    errors = sum(part_errors for _, part_errors, _ in parts)
    if not latencies:
        return Result(name, path, 0, errors, elapsed, float("nan"), float("nan"))
    p99_index = min(len(latencies) - 1, int(len(latencies) * 0.99))
    return Result(
        name=name,
        path=path,
        requests=len(latencies),
        errors=errors,
        seconds=elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[p99_index] * 1000,
    )


def page_weight(args: argparse.Namespace) -> tuple[int, int]:
    """Uncompressed bytes of the home page's HTML and the stylesheets it links."""
    base = f"http://{HOST}:{args.port}"
    identity = {"Accept-Encoding": "identity"}
    html = httpx.get(base + "/", headers=identity, timeout=10)
    css_bytes = 0
    for href in re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html.text):
        if href.startswith("/"):
            css_bytes += len(httpx.get(base + href, headers=identity, timeout=10).content)
    return len(html.content), css_bytes


def report(results: list[Result], html_bytes: int, css_bytes: int, args: argparse.Namespace) -> None:
    bare = results[0].rps or float("nan")
    print()
    print(
        f"granian, {args.workers} workers; {args.connections} connections from {args.clients} client "
        f"processes; {args.duration:g} s per URL; page cache {args.page_cache_seconds} s; all on {HOST}"
    )
    print(f"{'target':<16} {'path':<40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs bare':>8}")
    for result in results:
        ratio = result.rps / bare if bare else float("nan")
        print(
            f"{result.name:<16} {result.path:<40} {result.rps:>8.0f} {result.p50_ms:>8.1f} "
            f"{result.p99_ms:>8.1f} {result.errors:>7} {ratio:>7.0%}"
        )
    total = html_bytes + css_bytes
    verdict = "within" if total <= SIZE_BUDGET_BYTES else "OVER"
    print()
    print(
        f"Home page weight: HTML {html_bytes:,} B + CSS {css_bytes:,} B = {total:,} B uncompressed "
        f"({verdict} the {SIZE_BUDGET_BYTES // 1024} KB budget)"
    )
    below = [r.name for r in results[1:] if bare and r.rps / bare < 0.4]
    if below:
        print(f"Below 40% of the bare view: {', '.join(below)}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 s per URL, 2 workers: proves the script works.")
    parser.add_argument("--duration", type=float, default=20.0, help="Seconds of load per URL (max 60).")
    parser.add_argument("--workers", type=int, default=4, help="Web server worker processes.")
    parser.add_argument("--connections", type=int, default=16, help="Concurrent keep-alive connections in total.")
    parser.add_argument("--clients", type=int, default=2, help="Load-generating processes.")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--database", default="chorus_bench_pages")
    parser.add_argument("--redis-db", type=int, default=3)
    parser.add_argument("--page-cache-seconds", type=int, default=60, help="0 turns the server-side page cache off.")
    parser.add_argument("--keep-db", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.workers, args.connections, args.clients = 2.0, 2, 4, 1
    args.duration = min(max(args.duration, 0.5), MAX_DURATION_SECONDS)
    args.clients = max(1, min(args.clients, 8))
    args.var_dir = ROOT / "var" / "bench-pages"
    return args


def main() -> None:
    args = parse_args()
    env = bench_env(args)
    prepare(args, env)
    server = start_server(args, env)
    try:
        results = [measure(args, name, path) for name, path in TARGETS]
        html_bytes, css_bytes = page_weight(args)
    finally:
        stop(server)
        flush_cache(args.redis_db)
        if not args.keep_db:
            drop_database(args.database)
    report(results, html_bytes, css_bytes, args)


if __name__ == "__main__":
    main()

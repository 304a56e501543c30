"""What the benchmarks share: a scratch PostgreSQL database, Redis, and the processes they start.

Everything runs on 127.0.0.1 and everything started is stopped again.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"  # never anything else
GRANIAN = str(Path(PYTHON).parent / "granian")


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{HOST}:5432/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _checked(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"Unsafe database name: {name!r}")
    return name


def recreate_database(name: str) -> None:
    _admin_sql(f"DROP DATABASE IF EXISTS {_checked(name)} WITH (FORCE)")
    _admin_sql(f"CREATE DATABASE {name}")


def drop_database(name: str) -> None:
    _admin_sql(f"DROP DATABASE IF EXISTS {_checked(name)} WITH (FORCE)")


def flush_cache(redis_db: int) -> None:
    import redis

    redis.Redis(host=HOST, port=6379, db=redis_db).flushdb()


def server_command(app: str, *, port: int, workers: int) -> list[str]:
    """The production web server as docs/deployment.md runs it: granian serving the WSGI
    application, each worker running one request at a time in Python, HTTP/1.1 keep-alive."""
    return [
        GRANIAN,
        "--interface",
        "wsgi",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--runtime-mode",
        "st",
        "--http",
        "1",
        "--no-ws",
        "--backlog",
        "4096",
        "--no-access-log",
        "--log-level",
        "warning",
        app,
    ]


def start(command: list[str], env: dict[str, str], *, quiet: bool = False) -> subprocess.Popen[bytes]:
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_healthy(
    server: subprocess.Popen[bytes], *, port: int, seconds: float, warm_up: Callable[[], None] | None = None
) -> bool:
    """True once the server answers /healthz/ (after an optional warm-up); False if it died or timed out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz/", timeout=1).status_code == 200:
                if warm_up is not None:
                    warm_up()
                return True
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            return False
        time.sleep(0.2)
    return False


def _process_table() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds used so far), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    table: dict[int, tuple[int, str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                raw = stat.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / ticks)
    return table


def cpu_seconds(
    groups: dict[str, list[int]], by_name: tuple[str, ...] = ("postgres", "redis-server")
) -> dict[str, float]:
    """CPU seconds used so far by each group of started processes (with their children),
    and by every process with one of the given command names (the database, Redis)."""
    table = _process_table()
    owner = {pid: group for group, pids in groups.items() for pid in pids}
    totals = dict.fromkeys([*groups, *by_name], 0.0)
    for pid, (_, name, seconds) in table.items():
        if name in by_name:
            totals[name] += seconds
            continue
        ancestor, hops = pid, 0
        while ancestor not in owner and ancestor in table and hops < 20:
            ancestor, hops = table[ancestor][0], hops + 1
        if ancestor in owner:
            totals[owner[ancestor]] += seconds
    return totals

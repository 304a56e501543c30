#!/usr/bin/env python
"""Benchmark a signing surge: many people sign and confirm while a crowd refreshes the page.

    .venv/bin/python bench/sign_surge.py            # the full measurement
    .venv/bin/python bench/sign_surge.py --quick    # a few seconds, to check it works

It creates a fresh PostgreSQL database (chorus_bench_surge), migrates it and loads the
campaigns demo, then starts, all on 127.0.0.1:
  * granian (the production server) with production-like settings (config.settings.bench: DEBUG off, Redis cache,
    full middleware) and several workers, serving this module's WSGI application: the
    site plus one extra URL, a bare Django view that inserts one row (the baseline);
  * task workers (django-tasks-db) that send the confirmation emails, and the scheduler
    that enqueues the 5-second count refresh;
  * an SMTP sink (bench/surge_sink.py: a small asyncio SMTP server on uvloop, in its own
    process) that counts every email and hands each confirmation link to its client.
Client processes (bench/surge_client.py: a small HTTP/1.1 client on asyncio and llhttp, on
uvloop; cheap per request, so the load generator leaves as much of the shared cores as it
can to the server) then run, for a fixed time, signers doing the whole flow (GET the form,
POST the signature, wait for the email, POST the confirmation; one in twenty submits again
to exercise the "already signed" path) and readers refreshing the campaign page and
count.json. Then the bare insert view is loaded with the same number of connections, and
then the same flow with each post replaced by the bare insert (the form, two bare inserts,
the readers; no form handling, filing or email): the ceiling for any implementation of this
flow on this server, printed as its own ratio to the bare view. It prints
signatures/second, p50/p99 per step and the ratio to the bare view, the CPU each group of
processes used per submission (the sink and the load generator have their own lines), and
checks that the refreshed count equals the distinct confirmed signers and that
every confirmation a client saw is in the database (nothing lost).

Rate limits and the minimum form-fill time are raised through their settings
(CHORUS_CAMPAIGNS_SIGN_BURST, CHORUS_CAMPAIGNS_SIGN_SUSTAINED, CHORUS_MIN_FORM_FILL_SECONDS):
every client comes from 127.0.0.1. It is a script, not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import multiprocessing
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    HOST,
    PYTHON,
    ROOT,
    cpu_seconds,
    drop_database,
    flush_cache,
    manage,
    recreate_database,
    server_command,
    start,
    stop,
    wait_until_healthy,
)
from surge_sink import CONFIRM_LINK as CONFIRM_LINK  # bench/sign_profile.py reads it here
from surge_sink import serve

if TYPE_CHECKING:
    from surge_client import Response

ACTION_SLUG = "cameras-off-our-wards"
ACTION_PATH = f"/campaigns/{ACTION_SLUG}/"
THANK_YOU_PATH = f"{ACTION_PATH}sign/confirmed/".encode()
STARTED_FIELD = re.compile(r'name="form_started" value="([^"]+)"')
STARTED_FIELD_BYTES = re.compile(rb'name="form_started" value="([^"]+)"')
MAX_DURATION_SECONDS = 120.0
EMAIL_WAIT_SECONDS = 60.0
STEPS = ["GET form", "POST signature", "POST confirm", "repeat POST", "GET page", "GET count.json"]


# --- server side: the web server imports this module with SIGN_SURGE_SERVER=1 -------------

urlpatterns: list[Any] = []


def bare_insert(request: Any) -> Any:
    """The baseline: one row inserted through the same middleware stack, nothing else."""
    from django.db import connection
    from django.http import HttpResponse

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare_insert (created_at, payload) VALUES (now(), %s)", ["x"])
    return HttpResponse("ok", content_type="text/plain")


def _server_application() -> Any:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from django.conf import settings
    from django.urls import path
    from django.views.decorators.cache import never_cache
    from django.views.decorators.csrf import csrf_exempt

    from config.bench_urls import urlpatterns as site_urlpatterns

    urlpatterns[:] = [path("bench/bare-insert/", csrf_exempt(never_cache(bare_insert))), *site_urlpatterns]
    settings.ROOT_URLCONF = __name__  # set before the first request; only in the bench server
    return application


if os.environ.get("SIGN_SURGE_SERVER") == "1":
    application = _server_application()


# --- orchestration -----------------------------------------------------------------------


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        DATABASE_URL=f"postgres://postgres@{HOST}:5432/{args.database}",
        REDIS_URL=f"redis://{HOST}:6379/{args.redis_db}",
        CHORUS_VAR_DIR=str(args.var_dir),
        STATIC_ROOT=str(args.var_dir / "static"),
        EMAIL_HOST=HOST,
        EMAIL_PORT=str(args.smtp_port),
        EMAIL_USE_TLS="false",
        CHORUS_CAMPAIGNS_SIGN_BURST="100000000",
        CHORUS_CAMPAIGNS_SIGN_SUSTAINED="100000000",
        CHORUS_MIN_FORM_FILL_SECONDS="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def db_query(args: argparse.Namespace, sql: str, params: tuple[Any, ...] = ()) -> Any:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{HOST}:5432/{args.database}", autocommit=True) as conn:
        return conn.execute(sql, params).fetchone()


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    print(f"Creating database {args.database} and loading the campaigns demo…", flush=True)
    recreate_database(args.database)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "shell", "-c", "from chorus.campaigns import demo; demo.load()")
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{HOST}:5432/{args.database}", autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_bare_insert (id bigserial PRIMARY KEY, created_at timestamptz, payload text)")
    flush_cache(args.redis_db)


def start_services(args: argparse.Namespace, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    import httpx

    server_env = {**env, "SIGN_SURGE_SERVER": "1"}
    server = server_command("bench.sign_surge:application", port=args.port, workers=args.workers)
    processes = [start(server, server_env)]
    for n in range(args.task_workers):
        worker = [PYTHON, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay", "--worker-id", f"w{n}"]
        processes.append(start(worker, env, quiet=True))
    processes.append(start([PYTHON, "manage.py", "run_scheduler", "--interval", "1"], env, quiet=True))

    def warm_up() -> None:
        for _ in range(5 * args.workers):  # every worker: templates, connections
            for path in (ACTION_PATH, ACTION_PATH + "sign/", f"/campaigns/{ACTION_SLUG}/count.json"):
                httpx.get(f"http://{HOST}:{args.port}{path}", timeout=10)

    if wait_until_healthy(processes[0], port=args.port, seconds=40, warm_up=warm_up):
        return processes
    for process in processes:
        stop(process)
    raise SystemExit("granian did not answer /healthz/ in time")


# --- clients -----------------------------------------------------------------------------


# What a browser adds to a form post from our own page.
SAME_ORIGIN = (("Sec-Fetch-Site", "same-origin"),)


@dataclass
class ClientResult:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    submitted: int = 0
    confirmed: int = 0
    emails_missing: int = 0
    elapsed: float = 0.0


class _TokenLines(asyncio.Protocol):
    """The sink's pipe to this client process: one ``address token`` line per emailed link."""

    def __init__(self, arrived: asyncio.Queue[tuple[str, str] | None]) -> None:
        self.arrived = arrived
        self.partial = b""

    def data_received(self, data: bytes) -> None:
        *lines, self.partial = (self.partial + data).split(b"\n")
        for line in lines:
            address, _, token = line.decode("ascii").partition(" ")
            self.arrived.put_nowait((address, token))


async def _client(proc: int, args: argparse.Namespace, tokens: Connection) -> ClientResult:
    """Signers sign without waiting; confirmers press the button as each email arrives,
    as people do. Signing stops at the deadline; outstanding emails are then confirmed."""
    from surge_client import HttpClient, HttpError

    result = ClientResult()
    # address -> the form data, for a repeat submission
    pending: dict[str, dict[str, str]] = {}
    arrived: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    pipe, _ = await loop.connect_read_pipe(lambda: _TokenLines(arrived), tokens)
    confirmers = max(1, args.signers // 2)
    began = time.perf_counter()
    deadline = began + args.duration
    signing_done = asyncio.Event()
    # No cookie is ever sent: the signing flow sets none, and the form check proves it.
    client = HttpClient(HOST, args.port, timeout=30)
    sign_path = ACTION_PATH + "sign/"
    get_form = client.encode("GET", sign_path)
    get_page = client.encode("GET", ACTION_PATH)
    get_count = client.encode("GET", f"/campaigns/{ACTION_SLUG}/count.json")

    async def timed(step: str, request: bytes) -> Response | None:
        started = time.perf_counter()
        try:
            answer = await client.send(request)
        except (HttpError, OSError, TimeoutError):
            result.errors[step] += 1
            return None
        result.latencies[step].append(time.perf_counter() - started)
        return answer

    async def signer(n: int) -> None:
        k = 0
        while time.perf_counter() < deadline:
            k += 1
            address = f"surge-p{proc}-{n}-{k}@example.org"
            form = await timed("GET form", get_form)
            if form is None:
                continue
            started_value = STARTED_FIELD_BYTES.search(form.body)
            if form.status != 200 or not started_value or form.set_cookie:
                result.errors["GET form"] += 1
                continue
            data = {
                "form_started": html.unescape(started_value.group(1).decode()),
                "website": "",
                "kind": "individual",
                "name": f"Surge Signer {n} {k}",
                "email": address,
            }
            pending[address] = data
            posted = await timed("POST signature", client.encode("POST", sign_path, headers=SAME_ORIGIN, form=data))
            if posted is None or posted.status != 302:
                if posted is not None:
                    result.errors["POST signature"] += 1
                pending.pop(address, None)
                continue
            result.submitted += 1

    async def confirmer() -> None:
        while True:
            if signing_done.is_set() and not pending:
                return
            try:
                item = await asyncio.wait_for(arrived.get(), 0.5)
            except TimeoutError:
                continue
            if item is None:
                return
            address, token = item
            known = pending.pop(address, None)
            if known is None:
                continue
            request = client.encode("POST", f"/campaigns/confirm/{token}/", headers=SAME_ORIGIN)
            confirmed = await timed("POST confirm", request)
            # Confirmed (or confirmed before): redirected to the action's thank-you page.
            if confirmed is not None and confirmed.status == 302 and confirmed.location == THANK_YOU_PATH:
                result.confirmed += 1
            elif confirmed is not None:
                result.errors["POST confirm"] += 1
            if result.confirmed % 20 == 0 and time.perf_counter() < deadline:
                # A repeat signer: the same screen, an email, never counted twice.
                again = await timed("repeat POST", client.encode("POST", sign_path, headers=SAME_ORIGIN, form=known))
                if again is not None and again.status != 302:
                    result.errors["repeat POST"] += 1

    async def reader() -> None:
        while time.perf_counter() < deadline:
            for step, request in (("GET page", get_page), ("GET count.json", get_count)):
                response = await timed(step, request)
                if response is not None and response.status != 200:
                    result.errors[step] += 1

    async def signing() -> None:
        await asyncio.gather(*(signer(n) for n in range(args.signers)), *(reader() for _ in range(args.readers)))
        result.elapsed = time.perf_counter() - began
        signing_done.set()

    async def give_up_waiting() -> None:
        await signing_done.wait()
        await asyncio.sleep(EMAIL_WAIT_SECONDS)
        result.emails_missing = len(pending)
        pending.clear()
        for _ in range(confirmers):
            arrived.put_nowait(None)

    waiter = asyncio.ensure_future(give_up_waiting())
    await asyncio.gather(signing(), *(confirmer() for _ in range(confirmers)))
    result.emails_missing = result.emails_missing or len(pending)
    waiter.cancel()
    client.close()
    pipe.close()
    return result


def _client_process(proc: int, args: argparse.Namespace, tokens: Connection, results: Any) -> None:
    import uvloop

    outcome = uvloop.run(_client(proc, args, tokens))
    used = os.times()
    results.put(
        (proc, dict(outcome.latencies), dict(outcome.errors), outcome.submitted, outcome.confirmed,
         outcome.emails_missing, outcome.elapsed, used.user + used.system)
    )  # fmt: skip


async def _bare_load(args: argparse.Namespace) -> tuple[list[float], int, float]:
    from surge_client import HttpClient, HttpError

    connections = args.signers + args.readers
    latencies: list[float] = []
    errors = 0
    began = time.perf_counter()
    deadline = began + args.duration
    client = HttpClient(HOST, args.port, timeout=30)
    request = client.encode("POST", "/bench/bare-insert/", form={"n": "1"})

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = await client.send(request)
            except (HttpError, OSError, TimeoutError):
                errors += 1
                continue
            if response.status == 200:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    await asyncio.gather(*(worker() for _ in range(connections)))
    client.close()
    return latencies, errors, time.perf_counter() - began


async def _ceiling_load(args: argparse.Namespace) -> tuple[int, float]:
    """The surge's flow with every post replaced by the bare insert: the form, two bare
    inserts (for the signature and the confirmation) and the readers, nothing else: no
    form handling, rate limit, encryption, filing or email. What no implementation of
    this flow can beat on this server, so its ratio to the bare insert caps any real one."""
    from surge_client import HttpClient, HttpError

    client = HttpClient(HOST, args.port, timeout=30)
    get_form = client.encode("GET", ACTION_PATH + "sign/")
    bare_post = client.encode("POST", "/bench/bare-insert/", form={"n": "1"})
    reads = [client.encode("GET", ACTION_PATH), client.encode("GET", f"/campaigns/{ACTION_SLUG}/count.json")]
    completed = 0
    began = time.perf_counter()
    deadline = began + args.duration

    async def send(request: bytes) -> bool:
        try:
            return (await client.send(request)).status == 200
        except (HttpError, OSError, TimeoutError):
            return False

    async def signer() -> None:
        nonlocal completed
        while time.perf_counter() < deadline:
            if await send(get_form) and await send(bare_post) and await send(bare_post):
                completed += 1

    async def reader() -> None:
        while time.perf_counter() < deadline:
            for request in reads:
                await send(request)

    # As many connections as the surge: its signers and confirmers, and its readers.
    loops = args.signers + max(1, args.signers // 2)
    await asyncio.gather(*(signer() for _ in range(loops)), *(reader() for _ in range(args.readers)))
    client.close()
    return completed, time.perf_counter() - began


# A load: one client process's coroutine, given the options; what it returns is reported back.
Load = Callable[[argparse.Namespace], Coroutine[Any, Any, Any]]


def _load_process(load: Load, args: argparse.Namespace, results: Any) -> None:
    import uvloop

    results.put(uvloop.run(load(args)))


def _load_in_every_client(context: Any, load: Load, args: argparse.Namespace) -> list[Any]:
    """Run one load in each of the client processes at once; what each returned."""
    results = context.Queue()
    processes = [context.Process(target=_load_process, args=(load, args, results)) for _ in range(args.clients)]
    for process in processes:
        process.start()
    parts = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return parts


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


COUNTED_SQL = (
    "SELECT count(*) FROM campaigns_signature WHERE action_id = %s AND status = 'confirmed' "
    "AND NOT (kind = 'organisation' AND moderation IN ('pending', 'rejected'))"
)


def start_sink(context: Any, args: argparse.Namespace, routes: list[Connection]) -> tuple[Any, Connection]:
    """The SMTP sink in its own process, listening; its control pipe (see bench/surge_sink.py)."""
    control, remote = context.Pipe()
    sink = context.Process(target=serve, args=(args.smtp_port, routes, remote), daemon=True)
    sink.start()
    remote.close()  # the sink has its copy: its end of the pipe closes when it exits
    try:
        ready = control.poll(15) and control.recv() == "ready"
    except EOFError:
        ready = False
    if not ready:
        sink.kill()
        raise SystemExit(f"the SMTP sink did not start listening on {HOST}:{args.smtp_port}")
    return sink, control


def stop_sink(sink: Any, control: Connection) -> int:
    """Stop the sink; how many messages it accepted (-1 if it could not say)."""
    received = -1
    try:
        control.send("stop")
        if control.poll(15):
            received = control.recv()
    except (OSError, EOFError):
        pass
    sink.join(5)
    if sink.is_alive():
        sink.kill()
    return received


def run(args: argparse.Namespace) -> None:
    import httpx

    env = bench_env(args)
    prepare(args, env)
    context = multiprocessing.get_context("spawn")
    # One pipe per client process: the sink writes, the client reads its confirmation links.
    routes = [context.Pipe(duplex=False) for _ in range(args.clients)]
    sink, sink_control = start_sink(context, args, [writer for _, writer in routes])
    for _, writer in routes:
        writer.close()
    sink_received = -1
    try:
        processes = start_services(args, env)
    except BaseException:
        stop_sink(sink, sink_control)
        raise
    try:
        action_id = httpx.get(f"http://{HOST}:{args.port}/campaigns/{ACTION_SLUG}/count.json").json()["id"]
        before = db_query(args, COUNTED_SQL, (action_id,))[0]
        print(
            f"Surge: {args.clients} client process(es) × ({args.signers} signers + {args.readers} readers) "
            f"for {args.duration:g} s against {args.workers} granian workers and {args.task_workers} task workers…",
            flush=True,
        )
        groups = {
            "web server": [processes[0].pid],
            "task workers (email)": [process.pid for process in processes[1:-1]],
            "scheduler": [processes[-1].pid],
            "SMTP sink": [sink.pid],
            "this script": [os.getpid()],
        }
        cpu_before = cpu_seconds(groups)
        results = context.Queue()
        clients = [
            context.Process(target=_client_process, args=(proc, args, routes[proc][0], results))
            for proc in range(args.clients)
        ]
        for process in clients:
            process.start()
        for reader, _ in routes:
            reader.close()
        # Clients report their own CPU time; this keeps it out of this script's figure.
        groups["load generator"] = [process.pid for process in clients if process.pid is not None]
        parts = [results.get() for _ in clients]
        cpu_after = cpu_seconds(groups)
        for process in clients:
            process.join()

        print("Bare insert view, same server and connections…", flush=True)
        bare_parts = _load_in_every_client(context, _bare_load, args)
        print("The same flow with each post a bare insert (the ceiling for this flow)…", flush=True)
        ceiling_parts = _load_in_every_client(context, _ceiling_load, args)

        # The 5-second refresh must catch up with no help: poll the public count.
        after = db_query(args, COUNTED_SQL, (action_id,))[0]
        public_total = -1
        wait_until = time.monotonic() + 45
        while time.monotonic() < wait_until:
            public_total = httpx.get(
                f"http://{HOST}:{args.port}/campaigns/{ACTION_SLUG}/count.json", params={"t": time.time()}
            ).json()["total"]
            if public_total == after:
                break
            time.sleep(1)
        distinct_people = db_query(
            args, COUNTED_SQL.replace("count(*)", "count(DISTINCT person_id), count(*)"), (action_id,)
        )
    finally:
        for service in reversed(processes):
            stop(service)
        sink_received = stop_sink(sink, sink_control)
        flush_cache(args.redis_db)
        if not args.keep_db:
            drop_database(args.database)

    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    submitted = confirmed = missing = 0
    elapsed = 0.0
    cpu_used = {group: cpu_after[group] - cpu_before.get(group, 0.0) for group in cpu_after}
    cpu_used["load generator"] = sum(part[-1] for part in parts)
    for _, part_latencies, part_errors, part_submitted, part_confirmed, part_missing, part_elapsed, _ in parts:
        for step, values in part_latencies.items():
            latencies[step] += values
        for step, count in part_errors.items():
            errors[step] += count
        submitted += part_submitted
        confirmed += part_confirmed
        missing += part_missing
        elapsed = max(elapsed, part_elapsed)
    bare_latencies = [value for part, _, _ in bare_parts for value in part]
    bare_errors = sum(part_errors for _, part_errors, _ in bare_parts)
    bare_elapsed = max(part_elapsed for _, _, part_elapsed in bare_parts)
    bare_rps = len(bare_latencies) / bare_elapsed if bare_elapsed else float("nan")
    submit_rate = len(latencies["POST signature"]) / elapsed if elapsed else 0.0
    ceiling_elapsed = max(part_elapsed for _, part_elapsed in ceiling_parts)
    ceiling_rate = (
        sum(part_completed for part_completed, _ in ceiling_parts) / ceiling_elapsed if ceiling_elapsed else 0.0
    )
    all_requests = sum(len(values) for values in latencies.values())

    print()
    print(
        f"granian, {args.workers} workers; {args.task_workers} task workers; {args.clients} client process(es); "
        f"{args.signers} signers + {args.readers} readers each; {elapsed:.1f} s; all on {HOST}"
    )
    print(f"{'step':<16} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for step in STEPS:
        values = latencies.get(step, [])
        rate = len(values) / elapsed if elapsed else 0.0
        print(
            f"{step:<16} {len(values):>9} {rate:>8.1f} {percentile(values, 0.5):>8.1f} "
            f"{percentile(values, 0.99):>8.1f} {errors.get(step, 0):>7}"
        )
    print(
        f"{'bare insert':<16} {len(bare_latencies):>9} {bare_rps:>8.1f} {percentile(bare_latencies, 0.5):>8.1f} "
        f"{percentile(bare_latencies, 0.99):>8.1f} {bare_errors:>7}"
    )
    print()
    print(f"Signature submissions: {submit_rate:.1f}/s ({submit_rate / bare_rps:.0%} of the bare insert view)")
    reached = submit_rate / ceiling_rate if ceiling_rate else 0.0
    print(
        f"Ceiling for this flow: {ceiling_rate:.1f}/s ({ceiling_rate / bare_rps:.0%} of the bare insert view), "
        f"with each post a bare insert; the real flow reaches {reached:.0%} of it"
    )
    print(f"Confirmed signatures:  {confirmed / elapsed if elapsed else 0:.1f}/s ({confirmed} in all)")
    print(
        f"All surge requests:    {all_requests / elapsed if elapsed else 0:.1f}/s "
        f"({all_requests / elapsed / bare_rps if elapsed else 0:.0%} of bare)"
    )
    repeats_accepted = len(latencies.get("repeat POST", [])) - errors.get("repeat POST", 0)
    print(
        f"Emails received by the sink: {sink_received} (expected {submitted + repeats_accepted}); "
        f"confirmation emails that never came: {missing}"
    )
    print()
    # Where the two cores went, from the start of the surge until the last confirmation.
    total_cpu = sum(cpu_used.values())
    submissions = len(latencies["POST signature"]) or 1
    per_submission = total_cpu / submissions * 1000
    print(f"CPU used until the last confirmation: {total_cpu:.1f} s ({per_submission:.1f} ms per submission)")
    for group, seconds in sorted(cpu_used.items(), key=lambda item: -item[1]):
        share = seconds / total_cpu if total_cpu else 0.0
        print(f"  {group:<26} {seconds:>6.1f} s  {share:>4.0%}  {seconds / submissions * 1000:>5.1f} ms/submission")
    print()
    lost = (after - before) - confirmed
    checks = [
        ("public count equals distinct confirmed signers", public_total == after == distinct_people[0]),
        ("every confirmation a client saw is stored (nothing lost)", lost == 0),
        ("no one counted twice", distinct_people[0] == distinct_people[1]),
        ("no confirmation email went missing", missing == 0),
        # A first signature gets its link, a repeat after confirming gets "already signed".
        ("one email for every accepted submission and repeat", sink_received == submitted + repeats_accepted),
    ]
    print(f"Count: public {public_total}, counted in database {after}, distinct confirmed people {distinct_people[0]}")
    for label, ok in checks:
        print(f"  [{'ok' if ok else 'FAIL'}] {label}")
    if not all(ok for _, ok in checks):
        raise SystemExit(1)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="A few seconds, small numbers: proves the script works.")
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds of surge (max 120).")
    parser.add_argument("--workers", type=int, default=3, help="Web server worker processes.")
    parser.add_argument("--task-workers", type=int, default=2, help="Task worker processes sending email.")
    parser.add_argument("--clients", type=int, default=2, help="Client processes.")
    parser.add_argument("--signers", type=int, default=24, help="Concurrent signers per client process.")
    parser.add_argument("--readers", type=int, default=8, help="Concurrent page refreshers per client process.")
    parser.add_argument("--port", type=int, default=8092)
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--database", default="chorus_bench_surge")
    parser.add_argument("--redis-db", type=int, default=4)
    parser.add_argument("--keep-db", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.workers, args.task_workers, args.clients, args.signers, args.readers = 3.0, 2, 1, 1, 4, 2
    args.duration = min(max(args.duration, 1.0), MAX_DURATION_SECONDS)
    args.clients = max(1, min(args.clients, 8))
    args.var_dir = ROOT / "var" / "bench-surge"
    return args


if __name__ == "__main__":
    # Importable by the web server as bench.sign_surge (ROOT on sys.path); run as a script here.
    run(parse_args())

#!/usr/bin/env python
"""CPU per request of the signing flow, in one process, without a web server or a load generator.

    .venv/bin/python bench/sign_profile.py            # 1,000 signers after a warm-up
    .venv/bin/python bench/sign_profile.py --quick    # 50 signers
    .venv/bin/python bench/sign_profile.py --database chorus_bench_profile_b --redis-db 8 --smtp-port 8027
                                                      # beside another run on the same machine

It creates a fresh PostgreSQL database (chorus_bench_profile) with the campaigns demo,
then, with the benchmark's production-like settings (config.settings.bench: Redis cache,
the full middleware stack), calls the WSGI application for each of every signer's
requests, as the web server would (with Django's request signals, so persistent database
connections are handled as in production), and times each step with the process's CPU
clock: time spent waiting for PostgreSQL, Redis or the mail server is not counted.
Signers' emails are filed and sent in batches, as the task worker does, over SMTP to the
surge benchmark's sink (bench/surge_sink.py, in its own process), which hands back each
confirmation link. It complements bench/sign_surge.py, which measures the same flow over
HTTP under load; this one is steady enough to compare two versions of one step.
"""

from __future__ import annotations

import argparse
import html
import io
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the project, for Django
import sign_surge
from harness import ROOT, drop_database, flush_cache

STEPS = ["GET form", "POST signature", "POST confirm", "campaign page", "count.json", "bare insert"]
SMTP_PORT = 8026
# Signers between two sender runs (a run in a surge takes what a second or so brought).
SEND_EVERY = 250


def cpu_ms(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.process_time()
    result = call()
    return result, (time.process_time() - started) * 1000


class Wsgi:
    """Calls a WSGI application as a server would: one environ per request, the body read, closed."""

    def __init__(self, application: Any) -> None:
        self.application = application
        self.status = ""
        self.headers: list[tuple[str, str]] = []

    def _start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status, self.headers = status, headers

    def request(self, method: str, path: str, body: bytes = b"", *, same_origin: bool = False) -> tuple[int, bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8092",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8092",
            "HTTP_USER_AGENT": "chorus-bench/1 (sign_profile)",
            "HTTP_ACCEPT": "*/*",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
        }
        if method == "POST":
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
        if same_origin:
            environ["HTTP_SEC_FETCH_SITE"] = "same-origin"
        chunks = self.application(environ, self._start_response)
        try:
            content = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return int(self.status.split(" ", 1)[0]), content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--signers", type=int, default=1000)
    parser.add_argument("--keep-db", action="store_true")
    # Two runs at once (two checkouts on one machine) each need their own of these three.
    parser.add_argument("--database", default="chorus_bench_profile")
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument("--smtp-port", type=int, default=SMTP_PORT)
    args = parser.parse_args()
    signers = 50 if args.quick else args.signers
    setup = argparse.Namespace(
        database=args.database,
        redis_db=args.redis_db,
        var_dir=ROOT / "var" / "bench-profile",
        smtp_port=args.smtp_port,
    )
    env = sign_surge.bench_env(setup)
    sign_surge.prepare(setup, env)
    os.environ.update(env)
    os.environ["SIGN_SURGE_SERVER"] = "1"
    context = multiprocessing.get_context("spawn")
    links, writer = context.Pipe(duplex=False)
    sink, sink_control = sign_surge.start_sink(context, setup, [writer])
    writer.close()
    try:
        report(signers, links)
    finally:
        sign_surge.stop_sink(sink, sink_control)
        flush_cache(setup.redis_db)
        if not args.keep_db:
            drop_database(setup.database)


def report(signers: int, links: Any) -> None:
    site = Wsgi(sign_surge._server_application())  # Django, with the bare insert view
    from chorus.campaigns.services.signing import signatures_file_and_send

    sign_path = sign_surge.ACTION_PATH + "sign/"
    count_path = f"/campaigns/{sign_surge.ACTION_SLUG}/count.json"

    def sign(n: int) -> dict[str, float]:
        spent: dict[str, float] = {}
        (status, form), spent["GET form"] = cpu_ms(lambda: site.request("GET", sign_path))
        started = sign_surge.STARTED_FIELD.search(form.decode())
        assert status == 200 and started, "no form, or no fill-time stamp on it"
        answers = {
            "form_started": html.unescape(started.group(1)),
            "website": "",
            "kind": "individual",
            "name": f"Profile Signer {n}",
            # The sink sends links for surge-p0-… to its first (here its only) pipe.
            "email": f"surge-p0-profile-{n}@example.org",
        }
        body = urlencode(answers).encode()
        (status, _), spent["POST signature"] = cpu_ms(lambda: site.request("POST", sign_path, body, same_origin=True))
        assert status == 302, status
        return spent

    partial = b""

    def tokens_arrived(expected: int) -> list[str]:
        """The links the sink has passed on: one ``address token`` line each, down a raw pipe."""
        nonlocal partial
        tokens: list[str] = []
        while len(tokens) < expected and links.poll(15):
            *lines, partial = (partial + os.read(links.fileno(), 65536)).split(b"\n")
            tokens += [line.decode("ascii").partition(" ")[2] for line in lines]
        return tokens

    totals: dict[str, float] = defaultdict(float)
    for warm_up in range(20):
        sign(-warm_up - 1)
    signatures_file_and_send()
    warm_tokens = tokens_arrived(20)
    for token in warm_tokens:
        site.request("POST", f"/campaigns/confirm/{token}/", same_origin=True)
    sent = 0
    email_ms = 0.0
    for n in range(signers):
        for step, spent in sign(n).items():
            totals[step] += spent
        totals["campaign page"] += cpu_ms(lambda: site.request("GET", sign_surge.ACTION_PATH))[1]
        totals["count.json"] += cpu_ms(lambda: site.request("GET", count_path))[1]
        totals["bare insert"] += cpu_ms(lambda: site.request("POST", "/bench/bare-insert/", b"n=1"))[1]
        if n % SEND_EVERY == SEND_EVERY - 1 or n == signers - 1:
            # The task worker's sender run, as a surge would see it: every few hundred signers.
            batch, spent = cpu_ms(signatures_file_and_send)
            sent += batch
            email_ms += spent
    tokens = tokens_arrived(signers)
    assert sent == len(tokens) == signers, (sent, len(tokens), signers)
    for token in tokens:
        confirm_path = f"/campaigns/confirm/{token}/"
        (status, _), spent = cpu_ms(lambda: site.request("POST", confirm_path, same_origin=True))  # noqa: B023
        assert status == 302, status  # to the thank-you page
        totals["POST confirm"] += spent

    bare = totals["bare insert"] / signers
    print(f"\nCPU per request, mean of {signers} signers (ms), and as a share of the bare insert:")
    for step in STEPS:
        print(f"  {step:<16} {totals[step] / signers:>6.3f}  {totals[step] / signers / bare:>5.2f}")
    email = email_ms / signers
    print(f"  {'one email':<16} {email:>6.3f}  {email / bare:>5.2f}   (filed and sent in batches over SMTP)")
    flow = sum(totals[step] for step in ("GET form", "POST signature", "POST confirm")) / signers + email
    print(f"  {'whole signer':<16} {flow:>6.3f}  {flow / bare:>5.2f}   (form, signature, email, confirmation)")


if __name__ == "__main__":
    main()

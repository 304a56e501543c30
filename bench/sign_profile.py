#!/usr/bin/env python
"""CPU per request of the signing flow, in one process, without HTTP or a load generator.

    .venv/bin/python bench/sign_profile.py            # 200 signers after a warm-up
    .venv/bin/python bench/sign_profile.py --quick    # 20 signers

It creates a fresh PostgreSQL database (chorus_bench_profile) with the campaigns demo,
then, with the benchmark's production-like settings (Redis cache, full middleware), runs
each signer's requests through Django's test client and times each step with the
process's CPU clock (database and Redis time spent waiting is not counted). Signers'
emails are filed and sent in batches, as the task worker would, to an in-memory mail
backend: that builds each message with Python's email package, which costs more than the
prebuilt MIME the sender writes to a real SMTP connection (bench/sign_surge.py measures that).
It complements bench/sign_surge.py, which measures the same flow over HTTP under load.
"""

from __future__ import annotations

import argparse
import html
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
# Posted as browsers post a form without files.
FORM_ENCODED = "application/x-www-form-urlencoded"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def cpu_ms(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.process_time()
    result = call()
    return result, (time.process_time() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--signers", type=int, default=200)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    signers = 20 if args.quick else args.signers
    setup = argparse.Namespace(
        database="chorus_bench_profile", redis_db=7, var_dir=ROOT / "var" / "bench-profile", smtp_port=0
    )
    env = sign_surge.bench_env(setup)
    sign_surge.prepare(setup, env)
    os.environ.update(env)
    os.environ["SIGN_SURGE_SERVER"] = "1"
    try:
        report(signers)
    finally:
        flush_cache(setup.redis_db)
        if not args.keep_db:
            drop_database(setup.database)


def report(signers: int) -> None:
    sign_surge._server_application()  # Django, with the bare insert view
    from django.conf import settings
    from django.core import mail
    from django.test import Client

    from chorus.campaigns.services import signer_emails_send

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    client = Client(HTTP_HOST="127.0.0.1")
    sign_url = sign_surge.ACTION_PATH + "sign/"
    count_url = f"/campaigns/{sign_surge.ACTION_SLUG}/count.json"

    def sign(n: int) -> dict[str, float]:
        spent: dict[str, float] = {}
        form, spent["GET form"] = cpu_ms(lambda: client.get(sign_url))
        started = sign_surge.STARTED_FIELD.search(form.content.decode())
        assert started, "no fill-time stamp on the form"
        answers = {
            "form_started": html.unescape(started.group(1)),
            "website": "",
            "kind": "individual",
            "name": f"Profile Signer {n}",
            "email": f"profile-{os.getpid()}-{n}@example.org",
        }
        posted, spent["POST signature"] = cpu_ms(
            lambda: client.post(sign_url, urlencode(answers), FORM_ENCODED, headers=SAME_ORIGIN)
        )  # type: ignore[arg-type]
        assert posted.status_code == 302, posted.status_code
        return spent

    def confirm(token: str) -> float:
        confirmed, spent = cpu_ms(
            lambda: client.post(f"/campaigns/confirm/{token}/", "", FORM_ENCODED, headers=SAME_ORIGIN)
        )
        assert confirmed.status_code == 302, confirmed.status_code  # to the thank-you page
        return spent

    totals: dict[str, float] = defaultdict(float)
    for warm_up in range(10):
        sign(-warm_up - 1)
    signer_emails_send()
    mail.outbox = []
    for n in range(signers):
        for step, spent in sign(n).items():
            totals[step] += spent
        totals["campaign page"] += cpu_ms(lambda: client.get(sign_surge.ACTION_PATH))[1]
        totals["count.json"] += cpu_ms(lambda: client.get(count_url))[1]
        totals["bare insert"] += cpu_ms(lambda: client.post("/bench/bare-insert/", "n=1", FORM_ENCODED))[1]
    sent, email_ms = cpu_ms(signer_emails_send)
    tokens = [
        match.group(1) for message in mail.outbox if (match := sign_surge.CONFIRM_LINK.search(str(message.body)))
    ]
    assert sent == len(tokens) == signers, (sent, len(tokens), signers)
    for token in tokens:
        totals["POST confirm"] += confirm(token)

    print(f"\nCPU per request, mean of {signers} signers (ms):")
    for step in STEPS:
        print(f"  {step:<16} {totals[step] / signers:>6.2f}")
    print(f"  {'one email':<16} {email_ms / signers:>6.2f}   (filed and sent in batches, to the in-memory backend)")


if __name__ == "__main__":
    main()

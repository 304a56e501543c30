"""kill -9 a sending worker mid-send, restart it: every recipient is sent once or listed for reconciliation.

A real SMTP server (aiosmtpd) on localhost counts what it accepted per recipient; the
worker is a separate process sharing the database (a SQLite file copied from the test
database, or the PostgreSQL test database itself).
"""

from __future__ import annotations

import email
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from email import policy
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from chorus.bulletin.models import Delivery
from chorus.bulletin.services.lifecycle import deliveries_freeze
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber, mark_sending
from chorus.core.tests.smtp_server import start_server

# A real worker process is killed mid-send: slow, and it still runs in `make test`.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

RECIPIENTS = 200
KILL_AFTER = 60


def _database_url(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        # A copy of its own for this test, which the worker process opens beside the test.
        path = tmp_path / "crash.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(env: dict[str, str], issue_id: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "send_bulletin_batches",
                "--issue",
                str(issue_id),
                "--batch-size",
                "25",
                "--rate",
                "200",
                "--poll",
                "0.3",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _statuses(database_url: str) -> dict[int, str]:
    if database_url.startswith("sqlite:///"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
            return dict(db.execute("SELECT subscription_id, status FROM bulletin_delivery").fetchall())
    return dict(Delivery.objects.values_list("subscription_id", "status"))


def test_kill_9_mid_send_then_restart(tmp_path: Path) -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    issue = make_issue(make_index())
    emails = {make_subscriber(f"member{n}@example.org").pk: f"member{n}@example.org" for n in range(RECIPIENTS)}
    assert deliveries_freeze(issue=issue) == RECIPIENTS
    mark_sending(issue)

    database_url = _database_url(tmp_path)
    controller, smtp, port = start_server()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chorus.bulletin.tests.worker_settings",
        "BULLETIN_WORKER_DATABASE_URL": database_url,
        "BULLETIN_WORKER_SMTP_PORT": str(port),
        "BULLETIN_CLAIM_TIMEOUT_SECONDS": "2",
        "BULLETIN_CONCURRENCY": "4",
    }
    try:
        first = _worker(env, issue.pk, tmp_path / "first.log")
        deadline = time.monotonic() + 60
        while smtp.total < KILL_AFTER:
            assert first.poll() is None, (tmp_path / "first.log").read_text()
            assert time.monotonic() < deadline, "the worker never got going"
            time.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = smtp.total
        assert killed_at < RECIPIENTS, "the worker finished before it could be killed"

        second = _worker(env, issue.pk, tmp_path / "second.log")
        assert second.wait(timeout=90) == 0, (tmp_path / "second.log").read_text()
    finally:
        controller.stop()

    statuses = _statuses(database_url)
    assert len(statuses) == RECIPIENTS
    in_doubt = []
    for subscription_id, status in statuses.items():
        received = smtp.received[emails[subscription_id]]
        assert received <= 1, f"{emails[subscription_id]} got {received} copies"
        if status == "sent":
            assert received == 1, f"{emails[subscription_id]} is marked sent but the server never got it"
        else:
            assert status == "in_doubt", f"{emails[subscription_id]} was left {status}"
            in_doubt.append(subscription_id)
    # What the real SMTP server received is a well-formed RFC 8058 multipart message.
    sample = email.message_from_bytes(smtp.samples[0], policy=policy.default)
    assert sample.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in sample.iter_parts()] == ["text/plain", "text/html"]
    assert sample["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/bulletin/unsubscribe/" in sample["List-Unsubscribe"]
    # Only the message in flight when the worker died can be in doubt.
    assert len(in_doubt) <= 1
    assert sum(smtp.received.values()) >= RECIPIENTS - len(in_doubt)

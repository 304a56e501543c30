"""The database runs on Django's own backend, and a persistent connection is health-checked
before each request uses it, as Django's CONN_HEALTH_CHECKS intends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "SECRET_KEY": "settings-test-" + "9" * 50,
    "ALLOWED_HOSTS": "chorus.example.org",
    "SITE_URL": "https://chorus.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "127.0.0.1",
    "CHORUS_ENCRYPTION_KEYS": "s1:c2V0dGluZ3MtdGVzdC1rZXktMDAwMDAwMDAwMDAwMDA",
    "CHORUS_BLIND_INDEX_KEY": "settings-test-blind-index-key-000000000000000",
    "CHORUS_IP_HASH_KEY": "settings-test-ip-hash-key-1111111111111111111",
    "CHORUS_AUDIT_SEAL_KEY": "settings-test-audit-seal-key-22222222222222222",
}


def _production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            # Reads the settings module only (no django.setup()), so nothing connects anywhere.
            "import json; from config.settings import production as s; d = s.DATABASES['default']; "
            "print(json.dumps({k: d.get(k) for k in ('ENGINE', 'CONN_HEALTH_CHECKS', 'CONN_MAX_AGE')}))",
        ],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_production_uses_djangos_postgresql_backend_with_health_checks() -> None:
    result = _production_settings(DATABASE_URL="postgres://chorus@127.0.0.1:5432/chorus")
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] == 60


@pytest.mark.slow
def test_production_refuses_a_database_that_is_not_postgresql() -> None:
    result = _production_settings(DATABASE_URL="sqlite:////tmp/chorus-settings-test.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL in production." in result.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server connection")
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_between_requests_is_replaced_however_recently_used() -> None:
    """The health check runs before the first query of every request, not only after the
    connection sat idle: a server restart a moment after a request must not fail the next."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    request_started.send(sender=__name__)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    request_finished.send(sender=__name__)  # the connection stays open (CONN_MAX_AGE)
    assert connection.connection is not None

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()

    request_started.send(sender=__name__)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            [new_pid] = cursor.fetchone()
    finally:
        request_finished.send(sender=__name__)
    assert new_pid != pid

"""Start-up refuses missing, weak or shared keys for blind indexes, IP hashes and audit seals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_INDEX_KEY = "a-good-blind-index-key-44444444444444444444444"


def _check(**env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHORUS_BLIND_INDEX_KEY": "short"}, "CHORUS_BLIND_INDEX_KEY must be a random value"),
        ({"CHORUS_IP_HASH_KEY": "changeme"}, "CHORUS_IP_HASH_KEY must be a random value"),
        ({"CHORUS_BLIND_INDEX_KEY": GOOD_INDEX_KEY, "CHORUS_IP_HASH_KEY": GOOD_INDEX_KEY}, "must differ"),
        ({"CHORUS_AUDIT_SEAL_KEY": "too-short"}, "CHORUS_AUDIT_SEAL_KEY must be a random value"),
        ({"CHORUS_AUDIT_SEAL_KEY_FALLBACKS": "old-but-short"}, "CHORUS_AUDIT_SEAL_KEY_FALLBACKS must be a random"),
        ({"CHORUS_BLIND_INDEX_KEY": GOOD_INDEX_KEY, "CHORUS_AUDIT_SEAL_KEY": GOOD_INDEX_KEY}, "must differ"),
        ({"SECRET_KEY": GOOD_INDEX_KEY, "CHORUS_AUDIT_SEAL_KEY": GOOD_INDEX_KEY}, "must differ from SECRET_KEY"),
    ],
)
def test_weak_or_shared_keys_stop_start_up(env: dict[str, str], message: str) -> None:
    result = _check(**env)
    assert result.returncode != 0
    assert message in result.stderr


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "p" * 60,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "chorus.example.org",
    "SITE_URL": "https://chorus.example.org",
    "DATABASE_URL": "postgres://chorus@127.0.0.1:5432/chorus",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.example.org",
    "CHORUS_ENCRYPTION_KEYS": "k1:" + "k" * 43,
    "CHORUS_BLIND_INDEX_KEY": "b" * 40,
    "CHORUS_IP_HASH_KEY": "i" * 40,
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seal_key", "message"),
    [
        (None, "The environment variable CHORUS_AUDIT_SEAL_KEY is required"),
        ("test-only-audit-seal-key-222222222222222222222", "CHORUS_AUDIT_SEAL_KEY must be a random value"),
        ("a" * 40, ""),
    ],
)
def test_production_needs_its_own_audit_seal_key(seal_key: str | None, message: str) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("CHORUS_", "DJANGO_"))}
    env.update(PRODUCTION_ENV)
    if seal_key is not None:
        env["CHORUS_AUDIT_SEAL_KEY"] = seal_key
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if message:
        assert result.returncode != 0
        assert message in result.stderr
    else:
        assert result.returncode == 0, result.stderr

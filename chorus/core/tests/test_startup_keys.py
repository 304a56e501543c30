"""Start-up refuses missing, weak or shared keys for blind indexes and IP hashes."""

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


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHORUS_BLIND_INDEX_KEY": "short"}, "CHORUS_BLIND_INDEX_KEY must be a random value"),
        ({"CHORUS_IP_HASH_KEY": "changeme"}, "CHORUS_IP_HASH_KEY must be a random value"),
        ({"CHORUS_BLIND_INDEX_KEY": GOOD_INDEX_KEY, "CHORUS_IP_HASH_KEY": GOOD_INDEX_KEY}, "must differ"),
    ],
)
def test_weak_or_shared_keys_stop_start_up(env: dict[str, str], message: str) -> None:
    result = _check(**env)
    assert result.returncode != 0
    assert message in result.stderr

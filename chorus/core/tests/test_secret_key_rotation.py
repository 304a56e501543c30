"""Rotating SECRET_KEY does not break the links already sent, when the old key is kept as a fallback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from chorus.bulletin.tokens import manage_token, read_manage_token

ROOT = Path(__file__).resolve().parents[3]
OLD_KEY = "old-" + "a" * 60
NEW_KEY = "new-" + "b" * 60


def test_a_link_signed_with_the_old_key_still_works_while_it_is_a_fallback() -> None:
    with override_settings(SECRET_KEY=OLD_KEY):
        token = manage_token(42)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert read_manage_token(token) == 42
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert read_manage_token(token) is None


@pytest.mark.slow
def test_the_fallbacks_are_read_from_the_environment() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SECRET_KEY_FALLBACKS": f"{OLD_KEY}, older-{'c' * 60}",
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"
    printed = subprocess.run(  # noqa: S603 (the code is this test's constant)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert printed.stdout.strip() == str([OLD_KEY, f"older-{'c' * 60}"])

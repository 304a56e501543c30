"""The embedded default: SQLite, the database task queue, mail written to var/mail."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-not-secret-0f3c9a7e2b5d4e1f8a6c")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from pathlib import Path

from config.devkeys import ensure_dev_keys

ensure_dev_keys(Path(os.environ.get("CHORUS_VAR_DIR", Path(__file__).resolve().parents[2] / "var")))

from config.settings.base import *  # noqa: E402,F403

# Webhooks to a receiver on this machine (http://127.0.0.1:…); never in production.
CHORUS_API_WEBHOOKS_ALLOW_INSECURE = True

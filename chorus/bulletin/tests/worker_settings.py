"""Settings for a sending worker run as a separate process by the crash test and the benchmark.

The test settings, but with a real database file or server shared with the parent and
a real SMTP server on localhost.
"""

import os

import dj_database_url

from config.settings.test import *  # noqa: F403

DATABASES = {"default": dj_database_url.parse(os.environ["BULLETIN_WORKER_DATABASE_URL"])}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # base.py chose its apps for the parent's database; the worker's may differ.
    if "django.contrib.postgres" not in INSTALLED_APPS:  # noqa: F405
        INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.postgres"]  # noqa: F405
else:
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": int(os.environ["BULLETIN_WORKER_SMTP_PORT"]), "timeout": 10},
    }
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

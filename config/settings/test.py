"""Settings for the test suite. DATABASE_URL picks SQLite (default) or PostgreSQL."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-not-secret-7d1e4b9c2a6f5e3d8b0a")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("CHORUS_MIN_FORM_FILL_SECONDS", "1")
# Fixed, public test keys: never valid outside the test suite.
os.environ.setdefault("CHORUS_ENCRYPTION_KEYS", "test1:dGVzdC1vbmx5LWtleS0wMDAwMDAwMDAwMDAwMDAwMDA")
os.environ.setdefault("CHORUS_BLIND_INDEX_KEY", "test-only-blind-index-key-000000000000000000")
os.environ.setdefault("CHORUS_IP_HASH_KEY", "test-only-ip-hash-key-11111111111111111111111")
os.environ.setdefault("CHORUS_AUDIT_SEAL_KEY", "test-only-audit-seal-key-222222222222222222222")

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, GRANTS_FILES_STORAGE, VAR_DIR, WAGTAILSEARCH_BACKENDS

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file per test process, copied from a template migrated once (chorus/core/tests/
    # template_database.py). Test data need not survive a power cut: no syncing to disk.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db" / "chorus.sqlite3")}
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Pages are indexed for search only in the tests of search, which turn this back on
# (the search_index fixture in conftest.py); elsewhere each publish skips the index writes.
WAGTAILSEARCH_BACKENDS = {"default": {**WAGTAILSEARCH_BACKENDS["default"], "AUTO_UPDATE": False}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits count in the cache above, which each test starts empty; the Redis path
# has its own tests against a real server (chorus/core/tests/test_ratelimit_antibot.py).
REDIS_URL = ""
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Application files go to a temporary folder of this test process (the grants tests that
# look at the files on disk give each test its own, chorus/grants/tests/conftest.py).
CHORUS_GRANTS_FILES_DIR = Path(tempfile.mkdtemp(prefix="chorus-test-grant-files-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    GRANTS_FILES_STORAGE: {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(CHORUS_GRANTS_FILES_DIR), "base_url": None},
    },
}
MEDIA_ROOT = VAR_DIR / "test-media"
# WhiteNoise reads STATIC_ROOT at start-up; tests serve static files through finders.
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
# Each test client builds its own middleware; without this WhiteNoise would list and stat
# every static file each time (a tenth of the time of tests that sign in). With it, a static
# file is looked up when asked for, as in development; tests rarely ask for one.
WHITENOISE_AUTOREFRESH = True
# Each test gets its own seal log (conftest.py); this is only the fallback outside pytest.
CHORUS_AUDIT_SEAL_LOG = VAR_DIR / "test-audit-seals.log"

# Webhooks to a receiver on this machine (http://127.0.0.1:…); never in production.
CHORUS_API_WEBHOOKS_ALLOW_INSECURE = True

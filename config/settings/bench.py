"""Settings for bench/pages.py: production settings on 127.0.0.1, plus a bare "ok" view.

Production settings (DEBUG off, PostgreSQL, Redis cache, WhiteNoise, the full middleware
stack) so the figures mean something; dummy keys; plain HTTP because the benchmark talks
to the web server directly, without a TLS proxy. The only extra is the bare view in
config.bench_urls, which the real site never serves.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-" + "0" * 60)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SITE_URL", "https://chorus.bench.invalid")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chorus_bench_pages")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("EMAIL_HOST", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("CHORUS_ENCRYPTION_KEYS", "bench1:YmVuY2gtb25seS1rZXktMDAwMDAwMDAwMDAwMDAwMDA")
os.environ.setdefault("CHORUS_BLIND_INDEX_KEY", "bench-only-blind-index-key-0000000000000000")
os.environ.setdefault("CHORUS_IP_HASH_KEY", "bench-only-ip-hash-key-111111111111111111111")
os.environ.setdefault("CHORUS_AUDIT_SEAL_KEY", "bench-only-audit-seal-key-22222222222222222222")

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"
# The benchmark measures the application, not a log file.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

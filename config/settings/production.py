"""Production: PostgreSQL, Redis, SMTP. Refuses to start with unsafe or missing settings."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import (
    ALLOWED_HOSTS,
    CHORUS_API_WEBHOOKS_ALLOW_INSECURE,
    CHORUS_AUDIT_SEAL_KEY,
    DATABASES,
    DEBUG,
    REDIS_URL,
    SECRET_KEY,
    SITE_URL,
)

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be false in production.")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-only", "test-only")):
    raise ImproperlyConfigured("SECRET_KEY must be a long random value of at least 50 characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required in production (cache and rate limits).")
if CHORUS_API_WEBHOOKS_ALLOW_INSECURE:
    raise ImproperlyConfigured("CHORUS_API_WEBHOOKS_ALLOW_INSECURE is for development and tests only.")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be an https:// address in production.")
# Required like the other keys (base.py); the test suite's seal key is public, so seals made
# with it would prove nothing.
if CHORUS_AUDIT_SEAL_KEY.startswith(("dev-only", "test-only")):
    raise ImproperlyConfigured("CHORUS_AUDIT_SEAL_KEY must be a random value kept outside the database.")

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST"),
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": env_int("EMAIL_TIMEOUT", 20),
        },
    }
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list is the operator's choice for their domain.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

"""Settings shared by every environment. Read from the environment via config.env."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CHORUS_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
# Earlier secret keys, comma-separated, newest first: while the key is rotated, links already
# sent (bulletin unsubscribe and preferences, confirmations) keep working. Drop an old key
# once the links signed with it no longer matter (docs/deployment.md, "Rotating keys").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "chorus.core",
    "chorus.accounts",
    "chorus.people",
    "chorus.pages",
    "chorus.news",
    "chorus.campaigns",
    "chorus.support",
    "chorus.bulletin",
    "chorus.tracker",
    "chorus.grants",
    "chorus.api",
    "chorus.representatives",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "chorus.accounts.apps.StaffUsersAppConfig",  # wagtail.users with Chorus's user screens
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so cached pages carry it too (chorus/core/permissions_policy.py).
    "chorus.core.permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The public API only (/api/v1/): 304 Not Modified, outside the page cache so that cached
    # answers get it too, and JSON errors from the middleware below (chorus/api/public/http.py).
    "chorus.api.public.http.PublicApiMiddleware",
    # The integration API (/api/osdi/v1/): its errors in OSDI's JSON shape, 405 included.
    "chorus.api.osdi.http.OsdiErrorShapeMiddleware",
    "chorus.core.middleware.RefuseNulCharactersMiddleware",
    "chorus.core.middleware.PublicPageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "chorus.core.middleware.StaffAdminPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chorus" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "chorus.core.context_processors.site_chrome",
                # The organisation, "Need help now?" and accessibility settings (chorus.pages).
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
    # Plain-text email (subjects and text bodies, chorus.core.mail.render_plain_text): the
    # same templates, never HTML-escaped, so "Beds & wards" is not sent as "Beds &amp; wards".
    {
        "NAME": "plain_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chorus" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chorus.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read and write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Django's own backend, as Django configures it: with CONN_HEALTH_CHECKS (above) a kept
    # connection is checked before its first query in each request, so one the database
    # dropped (a restart, a firewall's idle timeout) is replaced instead of failing the request.
    # A database that cannot be reached fails a request (and /healthz/) in seconds, not
    # after the operating system's minutes-long connection timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    # PostgreSQL full-text search for Wagtail's database search backend.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
# Redis only speeds Chorus up, so a call to it gives up after this long (connecting, and
# waiting for a reply); the page is then served without it.
CHORUS_REDIS_TIMEOUT_SECONDS = env_int("REDIS_TIMEOUT_MS", 250) / 1000
if not 0 < CHORUS_REDIS_TIMEOUT_SECONDS <= 0.25:
    raise ImproperlyConfigured("REDIS_TIMEOUT_MS must be between 1 and 250.")
# After a failed call, Redis is left alone for this long before one call tries it again.
CHORUS_REDIS_BREAKER_SECONDS = env_int("REDIS_BREAKER_SECONDS", 5)
if not 1 <= CHORUS_REDIS_BREAKER_SECONDS <= 300:
    raise ImproperlyConfigured("REDIS_BREAKER_SECONDS must be between 1 and 300.")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis's cache (one client per server, ADR 0038) with short timeouts and a
            # circuit breaker (docs/decisions/0015).
            "BACKEND": "chorus.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chorus",
        }
    }
else:
    # The embedded default runs the web server, task worker and scheduler as separate
    # processes, and they coordinate through the cache (rate limits, the signer-email
    # run flag, retiring cached pages): files under var/ are shared, process memory is not.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Staff sessions end after an hour without activity ...
SESSION_COOKIE_AGE = env_int("STAFF_SESSION_IDLE_SECONDS", 60 * 60)
# ... and this long after signing in, however active (a page that polls renews the idle timeout).
STAFF_SESSION_MAX_SECONDS = env_int("STAFF_SESSION_MAX_SECONDS", 12 * 60 * 60)
if STAFF_SESSION_MAX_SECONDS < 60:
    raise ImproperlyConfigured("STAFF_SESSION_MAX_SECONDS must be at least 60.")
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lock out repeated failed sign-ins (chorus.accounts.lockout). Failures count for the pair
# (username, client address): a stranger's guesses never lock a member of staff out from
# anywhere else, and guesses at made-up usernames never lock out a real one. The client
# address is the rate limits' own (X-Real-IP only behind a trusted proxy).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "chorus.accounts.lockout.sign_in_client_address"
# Failed sign-ins for one username from one address before that pair is locked out ...
CHORUS_SIGN_IN_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# ... and failed sign-ins from one address, whatever the usernames, before every sign-in
# from that address is refused, within the same hour.
CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT", 50)
if not 1 <= CHORUS_SIGN_IN_FAILURE_LIMIT < CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT must be at least 1 and below CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT.")
AXES_FAILURE_LIMIT = "chorus.accounts.lockout.sign_in_failure_limit"
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/sign_in_locked.html"
# Requests to reset a staff password per hour, from one client address and for one email address.
CHORUS_PASSWORD_RESET_ADDRESS_LIMIT = env_int("CHORUS_PASSWORD_RESET_ADDRESS_LIMIT", 10)
CHORUS_PASSWORD_RESET_EMAIL_LIMIT = env_int("CHORUS_PASSWORD_RESET_EMAIL_LIMIT", 3)
# Successful sign-ins are not logged: the audit log records what staff do with personal
# data, and an access log would keep every staff address and browser for ever.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Failed sign-in attempts (username typed, address, browser) are deleted after this many days.
CHORUS_RETENTION_SIGN_IN_ATTEMPT_DAYS = env_int("CHORUS_RETENTION_SIGN_IN_ATTEMPT_DAYS", 2)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "chorus" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Recordings and documents sent with funding applications: encrypted, and kept outside the
# media and static folders so no web server can ever hand them out; staff read them only
# through a permission-checked, audited view (chorus.grants.file_views).
CHORUS_GRANTS_FILES_DIR = Path(env_str("CHORUS_GRANTS_FILES_DIR", str(VAR_DIR / "private" / "grants")))
for public_root in (MEDIA_ROOT, STATIC_ROOT):
    if CHORUS_GRANTS_FILES_DIR.resolve().is_relative_to(public_root.resolve()):
        raise ImproperlyConfigured("CHORUS_GRANTS_FILES_DIR must not be inside MEDIA_ROOT or STATIC_ROOT.")
# Postcode and MP data files staff upload, kept only until the worker has imported them
# (chorus.representatives.services.uploads); never served.
CHORUS_REPRESENTATIVES_UPLOADS_DIR = Path(
    env_str("CHORUS_REPRESENTATIVES_UPLOADS_DIR", str(VAR_DIR / "private" / "representatives"))
)
for public_root in (MEDIA_ROOT, STATIC_ROOT):
    if CHORUS_REPRESENTATIVES_UPLOADS_DIR.resolve().is_relative_to(public_root.resolve()):
        raise ImproperlyConfigured("CHORUS_REPRESENTATIVES_UPLOADS_DIR must not be inside MEDIA_ROOT or STATIC_ROOT.")
GRANTS_FILES_STORAGE = "grants_private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    GRANTS_FILES_STORAGE: {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: these files have no public address.
        "OPTIONS": {
            "location": str(CHORUS_GRANTS_FILES_DIR),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
# Form fields other than files: a long written answer is well under this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
# An uploaded file larger than this is spooled to a temporary file instead of held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest recording (audio or video) and document a group can send as an answer, in MB;
# the form says these limits in words. A step sending more than the request limit in all is
# refused before any of it is read.
CHORUS_GRANTS_RECORDING_MAX_MB = env_int("CHORUS_GRANTS_RECORDING_MAX_MB", 100)
CHORUS_GRANTS_DOCUMENT_MAX_MB = env_int("CHORUS_GRANTS_DOCUMENT_MAX_MB", 10)
CHORUS_GRANTS_UPLOAD_REQUEST_MAX_MB = env_int("CHORUS_GRANTS_UPLOAD_REQUEST_MAX_MB", 250)
_largest_grant_file_mb = max(CHORUS_GRANTS_RECORDING_MAX_MB, CHORUS_GRANTS_DOCUMENT_MAX_MB)
if min(CHORUS_GRANTS_RECORDING_MAX_MB, CHORUS_GRANTS_DOCUMENT_MAX_MB) < 1 or (
    _largest_grant_file_mb > CHORUS_GRANTS_UPLOAD_REQUEST_MAX_MB
):
    raise ImproperlyConfigured(
        "CHORUS_GRANTS_RECORDING_MAX_MB and CHORUS_GRANTS_DOCUMENT_MAX_MB must be 1 or more, and "
        "CHORUS_GRANTS_UPLOAD_REQUEST_MAX_MB at least the larger of them."
    )

# Mail: Django 6.1 mailers. Production sets SMTP through EMAIL_* variables; elsewhere each
# message is written as one .eml file under var/mail/ (chorus.core.mail_files).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Chorus <no-reply@chorus.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {
    "default": {
        "BACKEND": "chorus.core.mail_files.EmlFileBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}

# Public address used in emails and feeds, e.g. https://chorus.example.org
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Content-Security-Policy: nothing leaves the site, no inline script.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

WAGTAIL_SITE_NAME = "Chorus"
WAGTAILADMIN_BASE_URL = SITE_URL
# English stemming everywhere, so "camera" finds "cameras": PostgreSQL by its "english"
# configuration; the embedded SQLite by FTS5's porter tokenizer (core migration 0006), as
# its backend takes no configuration.
WAGTAILSEARCH_BACKENDS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "english"}
}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_USAGE_COUNT_ENABLED = False
WAGTAILADMIN_COMMENTS_ENABLED = False
WAGTAILEMBEDS_FINDERS: list[dict[str, object]] = []  # no third-party embeds
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party avatar requests from the admin
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# SVG for the organisation's logo (uploaded by staff only; shown through <img>, where scripts never run).
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
# Documents editors may upload: office formats only. HTML, SVG, XML and scripts are refused,
# because a browser would run what they contain on the site's own address.
WAGTAILDOCS_EXTENSIONS = [
    "pdf", "doc", "docx", "odt", "rtf", "txt", "csv", "xls", "xlsx", "ods", "ppt", "pptx", "odp", "epub",
]  # fmt: skip

# /healthz/ reports the task queue as "backlog" (degraded) once a due task has waited this long.
CHORUS_HEALTH_TASK_WAIT_SECONDS = env_int("HEALTH_TASK_WAIT_SECONDS", 300)

# Public pages may be cached by browsers and shared caches for this long.
CHORUS_PAGE_CACHE_SECONDS = env_int("CHORUS_PAGE_CACHE_SECONDS", 60)

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # One line per task run (counts refresh every few seconds) drowns everything else.
        "quiet_task_runs": {
            "()": "chorus.core.logfilters.BelowLevelFrom",
            "loggers": ["django.tasks", "django_tasks_db"],
            "level": env_str("TASKS_LOG_LEVEL", "WARNING"),
        },
        # The token of a private link never reaches a log (chorus.core.logfilters).
        "mask_private_links": {"()": "chorus.core.logfilters.MaskPrivateLinks"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["quiet_task_runs"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console handler here would print every "django.*" line a second
        # time, through the root's.
        "django": {"level": LOG_LEVEL},
        "django.request": {"level": LOG_LEVEL, "filters": ["mask_private_links"]},
        "django.server": {"level": LOG_LEVEL, "filters": ["mask_private_links"]},
        "axes": {"level": "WARNING"},
        "wagtail": {"level": env_str("WAGTAIL_LOG_LEVEL", "WARNING")},
        # One line per sealing run, whatever LOG_LEVEL says: operators ship these off the machine.
        "chorus.audit.seals": {"level": "INFO"},
    },
}

# --- keys for personal data, client addresses and form checks (chorus.core) ---
# Encryption keys for personal data: "id:base64key,id:base64key", newest first.
CHORUS_ENCRYPTION_KEYS = env_str("CHORUS_ENCRYPTION_KEYS")
# Separate keys for blind indexes (email lookups) and for hashing client addresses.
CHORUS_BLIND_INDEX_KEY = env_str("CHORUS_BLIND_INDEX_KEY")
CHORUS_IP_HASH_KEY = env_str("CHORUS_IP_HASH_KEY")
# Key for the keyed chain (HMAC-SHA256) that seals the audit log (docs/decisions/0014). Kept
# outside the database, so someone who can write to the database cannot re-seal what they changed.
CHORUS_AUDIT_SEAL_KEY = env_str("CHORUS_AUDIT_SEAL_KEY")
# Earlier seal keys, comma-separated: entries they sealed are still checked with them.
CHORUS_AUDIT_SEAL_KEY_FALLBACKS = env_list("CHORUS_AUDIT_SEAL_KEY_FALLBACKS", [])
_keys = {
    "CHORUS_BLIND_INDEX_KEY": CHORUS_BLIND_INDEX_KEY,
    "CHORUS_IP_HASH_KEY": CHORUS_IP_HASH_KEY,
    "CHORUS_AUDIT_SEAL_KEY": CHORUS_AUDIT_SEAL_KEY,
}
_fallbacks = [("CHORUS_AUDIT_SEAL_KEY_FALLBACKS", value) for value in CHORUS_AUDIT_SEAL_KEY_FALLBACKS]
for _name, _value in [*_keys.items(), *_fallbacks]:
    if len(_value) < 32 or _value.lower() in {"changeme", "change-me", "secret", "default"}:
        raise ImproperlyConfigured(f"{_name} must be a random value of at least 32 characters.")
if len(set(_keys.values())) < len(_keys):
    raise ImproperlyConfigured(f"{', '.join(_keys)} must differ.")
# One key doing two jobs means one leak breaks both: the seal key must not be any other secret.
_other_secrets = {SECRET_KEY, *(part.partition(":")[2].strip() for part in CHORUS_ENCRYPTION_KEYS.split(","))}
if CHORUS_AUDIT_SEAL_KEY in _other_secrets:
    raise ImproperlyConfigured("CHORUS_AUDIT_SEAL_KEY must differ from SECRET_KEY and CHORUS_ENCRYPTION_KEYS.")
# Each sealing run appends its newest head (sequence number, digest, time) here as a line of
# JSON, and logs it on the "chorus.audit.seals" logger: ship either off the machine (docs/deployment.md).
CHORUS_AUDIT_SEAL_LOG = Path(env_str("CHORUS_AUDIT_SEAL_LOG", str(VAR_DIR / "audit-seals.log")))
# Trust X-Real-IP only behind a proxy that overwrites it (docs/deployment.md).
CHORUS_TRUST_X_REAL_IP = env_bool("CHORUS_TRUST_X_REAL_IP", False)
# Forms sent back faster than this many seconds are treated as probably from a bot.
CHORUS_MIN_FORM_FILL_SECONDS = env_int("CHORUS_MIN_FORM_FILL_SECONDS", 3)

# --- background tasks: finished runs kept, lost runs queued again (chorus.core) ---
# Periodic jobs are declared in code, beside their tasks (chorus.core.periodic).
# Finished task runs (their arguments, and a failed run's error) are deleted after this many days.
CHORUS_RETENTION_TASK_RESULTS_DAYS = env_int("CHORUS_RETENTION_TASK_RESULTS_DAYS", 7)
# A task run still marked running after this many seconds is taken to have lost its worker
# and is queued again. A task that legitimately runs longer declares its own lease
# (chorus.core.leases).
CHORUS_TASK_LEASE_SECONDS = env_int("CHORUS_TASK_LEASE_SECONDS", 15 * 60)
if CHORUS_TASK_LEASE_SECONDS < 60:
    # Ordinary runs take seconds to a minute: a shorter lease would start live runs twice.
    raise ImproperlyConfigured("CHORUS_TASK_LEASE_SECONDS must be 60 or more.")
# Sent and skipped emails leave the outbox after this many days; failed ones after the second figure.
CHORUS_RETENTION_OUTBOX_DAYS = env_int("CHORUS_RETENTION_OUTBOX_DAYS", 7)
# Integration API webhooks go only to public https:// addresses. Development and tests may
# allow http:// and local addresses (a receiver on this machine); production refuses it.
CHORUS_API_WEBHOOKS_ALLOW_INSECURE = False
CHORUS_RETENTION_OUTBOX_FAILED_DAYS = env_int("CHORUS_RETENTION_OUTBOX_FAILED_DAYS", 30)
# A form's one-time key (chorus.core.idempotency) is kept this many hours after its first
# use; a repeat within that time is answered with the first result instead of acting again.
CHORUS_RETENTION_SUBMISSION_KEYS_HOURS = env_int("CHORUS_RETENTION_SUBMISSION_KEYS_HOURS", 24)

# --- people: retention, privacy links, staff second factor ---
# Retention, in days (docs/data-protection.md). A person with no agreement left and
# nothing else held about them is anonymised this long after their last purpose ended.
CHORUS_RETENTION_PERSON_DAYS = env_int("CHORUS_RETENTION_PERSON_DAYS", 30)
# Used or expired privacy links and access grants are deleted after this long.
CHORUS_RETENTION_PRIVACY_LINK_DAYS = env_int("CHORUS_RETENTION_PRIVACY_LINK_DAYS", 7)
# The emailed privacy link works once, for this long; the access it opens lasts this long.
CHORUS_PRIVACY_LINK_MINUTES = env_int("CHORUS_PRIVACY_LINK_MINUTES", 60)
CHORUS_PRIVACY_GRANT_MINUTES = env_int("CHORUS_PRIVACY_GRANT_MINUTES", 30)
# A staff session ends this long after sign-in however active it is (chorus.accounts.sessions),
# and every member of staff passes a second factor (passkey, authenticator app or backup
# code) before any admin page.
MIDDLEWARE += [
    "chorus.accounts.middleware.StaffSessionLifetimeMiddleware",
    "chorus.accounts.middleware.RequireTwoFactorMiddleware",
]
OTP_TOTP_ISSUER = "Chorus"
# Passkeys (django-otp-webauthn) as a second factor only: never instead of the password.
# A passkey is bound to the site's host name, so SITE_URL gives the Relying Party ID and
# the one origin allowed. Browsers refuse an IP address as that ID: with the embedded
# default (SITE_URL http://127.0.0.1:8000) passkeys work on the same server opened as
# http://localhost:8000, and the staff pages say so.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "Chorus"
_site = urlsplit(SITE_URL)
if _site.hostname in {"127.0.0.1", "::1"}:
    OTP_WEBAUTHN_RP_ID = "localhost"
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{_site.scheme}://localhost" + (f":{_site.port}" if _site.port else "")]
else:
    OTP_WEBAUTHN_RP_ID = _site.hostname or ""
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]


# --- campaigns: open letters and petitions ---
# Signing limits per hashed client address; the surge benchmark raises them.
CHORUS_CAMPAIGNS_SIGN_BURST = env_int("CHORUS_CAMPAIGNS_SIGN_BURST", 10)  # per minute
CHORUS_CAMPAIGNS_SIGN_SUSTAINED = env_int("CHORUS_CAMPAIGNS_SIGN_SUSTAINED", 60)  # per day
# A confirmation link works for this many days; unconfirmed signatures go after the retention period.
CHORUS_CAMPAIGNS_CONFIRM_DAYS = env_int("CHORUS_CAMPAIGNS_CONFIRM_DAYS", 7)
# Signers' personal data is anonymised this many days after an action closes.
CHORUS_CAMPAIGNS_RETENTION_DAYS = env_int("CHORUS_CAMPAIGNS_RETENTION_DAYS", 180)
# An action without a closing date closes by itself after this many days open, so its
# signers' retention period starts (a campaigner can reopen it with a date).
CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS = env_int("CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS", 365)
# At most this many signing emails a day to one address (confirmations and "already signed"
# notes), however many times, or from however many machines, it is typed into the form.
CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY = env_int("CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY", 3)
# Hashed client addresses on signatures are cleared after this many days.
CHORUS_CAMPAIGNS_IP_HASH_DAYS = env_int("CHORUS_CAMPAIGNS_IP_HASH_DAYS", 7)
# A blocked address hash is unblocked and deleted after this many days, unless staff choose a date.
CHORUS_CAMPAIGNS_IP_BLOCK_DAYS = env_int("CHORUS_CAMPAIGNS_IP_BLOCK_DAYS", 14)
# The hourly trend check alerts campaigners when one address or domain signs one action more
# than this in an hour (a floor: fewer never alert) ...
CHORUS_CAMPAIGNS_TREND_THRESHOLD = env_int("CHORUS_CAMPAIGNS_TREND_THRESHOLD", 50)
# ... and more than this many times what its usual share of the past week's signing predicts,
# so a popular email provider in a busy hour does not alert.
CHORUS_CAMPAIGNS_TREND_FACTOR = env_int("CHORUS_CAMPAIGNS_TREND_FACTOR", 3)
# How long browsers and shared caches may keep campaign pages and count.json.
CHORUS_CAMPAIGNS_CACHE_SECONDS = env_int("CHORUS_CAMPAIGNS_CACHE_SECONDS", 5)
# A built delivery pack (a PDF naming signers, kept encrypted) is deleted this many hours after it is ready.
CHORUS_CAMPAIGNS_PACK_KEEP_HOURS = env_int("CHORUS_CAMPAIGNS_PACK_KEEP_HOURS", 24)
# A delivery pack not built this many minutes after it was asked for is marked failed, so staff
# can ask again; a worker that finds a build started longer ago than this takes it over.
CHORUS_CAMPAIGNS_PACK_BUILD_MINUTES = env_int("CHORUS_CAMPAIGNS_PACK_BUILD_MINUTES", 120)
if CHORUS_CAMPAIGNS_PACK_KEEP_HOURS < 1 or CHORUS_CAMPAIGNS_PACK_BUILD_MINUTES < 1:
    raise ImproperlyConfigured(
        "CHORUS_CAMPAIGNS_PACK_KEEP_HOURS and CHORUS_CAMPAIGNS_PACK_BUILD_MINUTES must be 1 or more."
    )
# A letter to an MP loses its writer's name, address, postcode, words and any pasted reply this
# many days after it was delivered (or refused); its counts and reply answer stay.
CHORUS_CAMPAIGNS_LETTER_RETENTION_DAYS = env_int("CHORUS_CAMPAIGNS_LETTER_RETENTION_DAYS", 90)

# --- support desk: members' policy alerts and requests for support ---
# Working-day targets for the triage desk's clocks ("waiting on member" pauses them).
CHORUS_SUPPORT_FIRST_RESPONSE_DAYS = env_int("CHORUS_SUPPORT_FIRST_RESPONSE_DAYS", 2)
CHORUS_SUPPORT_RESOLUTION_DAYS = env_int("CHORUS_SUPPORT_RESOLUTION_DAYS", 20)
# A member's reply within this many days of closing reopens the request; later ones are refused.
CHORUS_SUPPORT_REOPEN_DAYS = env_int("CHORUS_SUPPORT_REOPEN_DAYS", 30)
# The content of closed requests is anonymised this many days after closing (counts survive).
CHORUS_SUPPORT_RETENTION_DAYS = env_int("CHORUS_SUPPORT_RETENTION_DAYS", 365)
# Funding applications: a draft never sent is deleted this many days after its round closes.
CHORUS_GRANTS_DRAFT_RETENTION_DAYS = env_int("CHORUS_GRANTS_DRAFT_RETENTION_DAYS", 30)
# A sent application not funded (or withdrawn) has its personal data, group name, answers and
# files erased this many days after the decision (or the withdrawal): a year, long enough to
# answer the group's questions or a complaint about the decision.
CHORUS_GRANTS_DECLINED_RETENTION_DAYS = env_int("CHORUS_GRANTS_DECLINED_RETENTION_DAYS", 365)
# A grant keeps its group and amounts (they are published); its contact details, answers and
# files are erased this many days after the funded work was planned to end (else after the award):
# two years leaves time for the report, questions about how the money was spent, and a next round.
CHORUS_GRANTS_AWARDED_RETENTION_DAYS = env_int("CHORUS_GRANTS_AWARDED_RETENTION_DAYS", 730)
if min(CHORUS_GRANTS_DECLINED_RETENTION_DAYS, CHORUS_GRANTS_AWARDED_RETENTION_DAYS) < 1:
    # Zero would erase an application on the day it is decided, before the group can read why.
    raise ImproperlyConfigured(
        "CHORUS_GRANTS_DECLINED_RETENTION_DAYS and CHORUS_GRANTS_AWARDED_RETENTION_DAYS must be 1 or more."
    )
# That retention starts only when a request closes, so a job also closes open requests
# nobody has touched. "Activity" is a message, internal note or status change. A request
# waiting for the member closes after this many days without any (a reply reopens it):
CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS = env_int("CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS", 60)
# Any other open request closes after this many, so a forgotten one cannot keep its content for ever.
CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS = env_int("CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS", 365)
if min(CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS, CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS) < 1:
    # Zero would close every open request on the job's next run.
    raise ImproperlyConfigured(
        "CHORUS_SUPPORT_CLOSE_UNANSWERED_DAYS and CHORUS_SUPPORT_CLOSE_INACTIVE_DAYS must be 1 or more."
    )
# An address given on a request is forgotten, and its emailed link ended, if its owner has
# not confirmed the request is theirs within this many days.
CHORUS_SUPPORT_EMAIL_CONFIRM_DAYS = env_int("CHORUS_SUPPORT_EMAIL_CONFIRM_DAYS", 14)

# --- members' bulletin: weekly draft, sending, bounces ---
# What feeds the weekly draft is registered by each app (chorus.core.sections.BULLETIN_DRAFT).
# Sending: rows claimed per batch, batches in flight at once per issue, and an overall rate.
BULLETIN_BATCH_SIZE = env_int("BULLETIN_BATCH_SIZE", 100)
BULLETIN_CONCURRENCY = env_int("BULLETIN_CONCURRENCY", 4)
BULLETIN_MESSAGES_PER_SECOND = env_int("BULLETIN_MESSAGES_PER_SECOND", 600)
# A claim older than this (no heartbeat) means its worker died: its batch goes to reconciliation.
BULLETIN_CLAIM_TIMEOUT_SECONDS = env_int("BULLETIN_CLAIM_TIMEOUT_SECONDS", 300)
# Pause a send by itself when this share (percent) of at least BULLETIN_ERROR_MIN_ATTEMPTS fails.
BULLETIN_ERROR_THRESHOLD_PERCENT = env_int("BULLETIN_ERROR_THRESHOLD_PERCENT", 10)
BULLETIN_ERROR_MIN_ATTEMPTS = env_int("BULLETIN_ERROR_MIN_ATTEMPTS", 50)
# Suspend an address after this many hard (or soft) bounces in a row.
BULLETIN_HARD_BOUNCE_LIMIT = env_int("BULLETIN_HARD_BOUNCE_LIMIT", 2)
BULLETIN_SOFT_BOUNCE_LIMIT = env_int("BULLETIN_SOFT_BOUNCE_LIMIT", 5)
# Which MAILERS alias sends bulletins (a separate SMTP relay may be configured as "bulletin").
BULLETIN_MAILER = env_str("BULLETIN_MAILER", "default")
# Subscriptions that ended (unsubscribed, or suspended after bounces) are deleted this many
# days after they ended, with their bounces; the person then falls to people's retention.
BULLETIN_RETENTION_ENDED_DAYS = env_int("BULLETIN_RETENTION_ENDED_DAYS", 30)

# --- policy tracker: importers and response reminders ---
# Importers filter upstream data by these search terms (comma-separated).
TRACKER_SEARCH_TERMS = env_list("TRACKER_SEARCH_TERMS", ["mental health", "Mental Health Act", "data sharing"])
TRACKER_BILLS_API_URL = env_str("TRACKER_BILLS_API_URL", "https://bills-api.parliament.uk")
TRACKER_COMMITTEES_API_URL = env_str("TRACKER_COMMITTEES_API_URL", "https://committees-api.parliament.uk")
TRACKER_GOVUK_API_URL = env_str("TRACKER_GOVUK_API_URL", "https://www.gov.uk")
TRACKER_IMPORT_TIMEOUT_SECONDS = env_int("TRACKER_IMPORT_TIMEOUT_SECONDS", 20)
# Response owners are reminded this many working days (England and Wales) before a window closes.
TRACKER_REMINDER_WORKING_DAYS = env_int("TRACKER_REMINDER_WORKING_DAYS", 5)

"""Samskab's one settings module.

Every setting is read from the environment with a declared type and default (style rule 9).
Nothing here reads other settings at import time of application code.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent
# The working directory's var/ holds the embedded database, uploads and the generated secret.
VAR_DIR = Path(os.environ.get("SAMSKAB_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key() -> str:
    """SAMSKAB_SECRET_KEY, else a key generated once into var/secret_key (never in the repo).

    The generated key serves the demo, the tests and management commands; `samskab serve` and
    the WSGI application refuse to start with it when DEBUG is off (see SAMSKAB_SECRET_KEY_SET
    and samskab.core.checks)."""
    key = os.environ.get("SAMSKAB_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    from django.core.management.utils import get_random_secret_key

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("SAMSKAB_DEBUG", False)
SECRET_KEY = _secret_key()
# Whether the secret key came from the environment (production) or was generated into var/.
SAMSKAB_SECRET_KEY_SET = bool(os.environ.get("SAMSKAB_SECRET_KEY"))
ALLOWED_HOSTS = env_list("SAMSKAB_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SAMSKAB_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SAMSKAB_SITE_URL", "http://127.0.0.1:8000")
# Open data: the licence of published data (an SPDX id such as CC0-1.0 or CC-BY-4.0, or a
# licence URI) and the publisher named in the DCAT-AP catalogue.
SAMSKAB_DATA_LICENCE = os.environ.get("SAMSKAB_DATA_LICENCE", "CC0-1.0")
# The read API (/api/v1/read/): requests per client (IP) per minute; 429 with Retry-After above.
SAMSKAB_API_READ_RATE = int(os.environ.get("SAMSKAB_API_READ_RATE", "300"))
SAMSKAB_API_TRUST_FORWARDED = os.environ.get("SAMSKAB_API_TRUST_FORWARDED", "") == "1"
SAMSKAB_PUBLISHER_NAME = os.environ.get("SAMSKAB_PUBLISHER_NAME", "Digitaliseringsstyrelsen")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "ninja",
    # Staff sign-in: two-factor (TOTP) and throttled, locked sign-in (issue 10).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "samskab.core",
    "samskab.consultations",
    "samskab.api",
    "samskab.web",
    "samskab.publishing",
    "samskab.insights",
    "samskab.plans",
    "samskab.workspace",
    "samskab.tracking",
    "samskab.demo",
]

MIDDLEWARE = [
    "samskab.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "samskab.core.uploads.RequestSizeLimitMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samskab.web.middleware.DanishFirstLocaleMiddleware",
    "samskab.web.middleware.DatabaseBusyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samskab.core.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out client is refused before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "samskab.urls"
WSGI_APPLICATION = "samskab.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "samskab.web.context_processors.site",
            ],
        },
    },
]

# Embedded SQLite in var/ unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'samskab.sqlite3'}")
# How long a write waits for another writer's lock before the request is answered 503 with
# Retry-After (web.middleware.DatabaseBusyMiddleware) instead of waiting on: SQLite's
# busy_timeout, PostgreSQL's lock_timeout. Writes are short (chunks of at most a few hundred
# rows), so a wait this long means the database is truly saturated.
SAMSKAB_DB_LOCK_TIMEOUT_MS = env_int("SAMSKAB_DB_LOCK_TIMEOUT_MS", 5000)
# A write transaction that held SQLite's write lock longer than this while other writers
# waited is logged as a warning (logger samskab.db.writes, with the code that held it; 0: never).
SAMSKAB_DB_LONG_WRITE_MS = env_int("SAMSKAB_DB_LONG_WRITE_MS", 250)
# Seconds a worker keeps its database connection (0: one per request).
SAMSKAB_DB_CONN_MAX_AGE = env_int("SAMSKAB_DB_CONN_MAX_AGE", 300)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=SAMSKAB_DB_CONN_MAX_AGE,
                                     conn_health_checks=True),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at BEGIN
    # (transactions that write are certain to), so no transaction fails on a lock upgrade
    # mid-way; the busy timeout makes a writer wait its turn instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={SAMSKAB_DB_LOCK_TIMEOUT_MS}; PRAGMA cache_size=-32000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # the same backend, whose write transactions say while they wait for the lock, so that
    # a long run of writes (a full analysis storing, an API batch) lets them go first
    DATABASES["default"]["ENGINE"] = "samskab.core.sqlite"
    # tests in memory, as Django does for its own SQLite engine's name (pytest-django would
    # otherwise make a file name of the database's path for each xdist process)
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A writer that cannot get its row lock in time gives up (503) rather than pile up.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={SAMSKAB_DB_LOCK_TIMEOUT_MS}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "consultations:list"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
# English pages show dates day-first with the 24-hour clock (samskab/web/formats/en).
FORMAT_MODULE_PATH = ["samskab.web.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("SAMSKAB_TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SAMSKAB_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("SAMSKAB_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Attachments are private (personal data): they are never served from MEDIA_URL directly.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Mail: console in the demo, SMTP in production (SAMSKAB_EMAIL_BACKEND=smtp).
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = os.environ.get("SAMSKAB_EMAIL_BACKEND", "console")
MAILERS = {"default": {"BACKEND": _EMAIL_BACKENDS.get(_email_backend, _email_backend)}}
if _email_backend == "smtp":
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("SAMSKAB_EMAIL_HOST", "localhost"),
        "port": env_int("SAMSKAB_EMAIL_PORT", 25),
        "username": os.environ.get("SAMSKAB_EMAIL_USER", ""),
        "password": os.environ.get("SAMSKAB_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("SAMSKAB_EMAIL_TLS", False),
        "use_ssl": env_bool("SAMSKAB_EMAIL_SSL", False),
        "timeout": env_int("SAMSKAB_EMAIL_TIMEOUT", 30),
    }
DEFAULT_FROM_EMAIL = os.environ.get("SAMSKAB_FROM_EMAIL", "samskab@localhost")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SAMSKAB_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# A mailbox the worker polls for responses (imaps://user:pass@host:993/INBOX); empty: none.
SAMSKAB_IMAP_URL = os.environ.get("SAMSKAB_IMAP_URL", "")
SAMSKAB_IMAP_POLL_SECONDS = env_int("SAMSKAB_IMAP_POLL_SECONDS", 60)
# Follow-up work (text extraction, receipts) a crash left behind is queued again by the worker
# when it is older than this (minutes); the sweep runs every SAMSKAB_FOLLOWUP_SWEEP_SECONDS.
SAMSKAB_FOLLOWUP_GRACE_MINUTES = env_int("SAMSKAB_FOLLOWUP_GRACE_MINUTES", 10)
SAMSKAB_FOLLOWUP_SWEEP_SECONDS = env_int("SAMSKAB_FOLLOWUP_SWEEP_SECONDS", 300)
# How often the worker analyses new responses of open consultations.
SAMSKAB_ANALYSIS_POLL_SECONDS = env_int("SAMSKAB_ANALYSIS_POLL_SECONDS", 60)
# Worker processes a full analysis of a large consultation may start (1: none).
SAMSKAB_ANALYSIS_WORKERS = env_int("SAMSKAB_ANALYSIS_WORKERS", 1)
# Days before a milestone's due date that its agency gets a reminder (one more after it).
SAMSKAB_REMINDER_DAYS_BEFORE = env_int("SAMSKAB_REMINDER_DAYS_BEFORE", 14)

# Batch API calls that run at the same time on one machine (the others wait for a slot without
# using CPU, up to SAMSKAB_API_BATCH_WAIT_SECONDS, then 503 with Retry-After), so batches never
# take every core from the response form at a deadline. 0: no limit. Default: half the cores.
SAMSKAB_API_BATCH_SLOTS = env_int("SAMSKAB_API_BATCH_SLOTS", max(1, (os.cpu_count() or 2) // 2))
SAMSKAB_API_BATCH_WAIT_SECONDS = env_int("SAMSKAB_API_BATCH_WAIT_SECONDS", 30)
# How many batch calls may wait for a slot (each holds a web worker meanwhile); beyond them a
# call is answered 503 with Retry-After at once. Default: as many as there are slots.
SAMSKAB_API_BATCH_WAITING = env_int("SAMSKAB_API_BATCH_WAITING", SAMSKAB_API_BATCH_SLOTS)

# bench/intake.py only: mount the minimal form-and-insert yardstick at /bench/minimal/.
# Never true in production.
SAMSKAB_BENCH_VIEWS = env_bool("SAMSKAB_BENCH_VIEWS", False)

# Limits on what respondents send.
SAMSKAB_MAX_RESPONSE_CHARS = env_int("SAMSKAB_MAX_RESPONSE_CHARS", 100_000)
SAMSKAB_MAX_ATTACHMENT_BYTES = env_int("SAMSKAB_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)
SAMSKAB_MAX_ATTACHMENTS = env_int("SAMSKAB_MAX_ATTACHMENTS", 5)
SAMSKAB_ALLOWED_ATTACHMENT_TYPES = env_list(
    "SAMSKAB_ALLOWED_ATTACHMENT_TYPES",
    [".pdf", ".docx", ".odt", ".rtf", ".txt", ".html", ".htm", ".png", ".jpg", ".jpeg",
     ".tif", ".tiff"],
)
# The whole request body (samskab.core.uploads refuses a larger one before reading it), the
# non-file part of it held in memory (form fields, an API JSON body), and the file size above
# which an upload is spooled to disk rather than kept in memory.
SAMSKAB_MAX_REQUEST_BYTES = env_int("SAMSKAB_MAX_REQUEST_BYTES", 110 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SAMSKAB_MAX_DATA_BYTES", SAMSKAB_MAX_REQUEST_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "samskab.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# ---- Production security, staff sign-in and logs (issue 10) ----------------------------------
# Secure by default: with DEBUG off, HTTPS is assumed (HSTS, redirect, secure cookies, the
# proxy's X-Forwarded-Proto trusted). SAMSKAB_INSECURE_HTTP=true turns all of it off for a
# plain-HTTP setup (the demo on http://127.0.0.1:8000 sets it); each can also be set alone.
SAMSKAB_INSECURE_HTTP = env_bool("SAMSKAB_INSECURE_HTTP", False)
_HTTPS = not DEBUG and not SAMSKAB_INSECURE_HTTP
SECURE_SSL_REDIRECT = env_bool("SAMSKAB_SSL_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = env_int("SAMSKAB_HSTS_SECONDS", 31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SAMSKAB_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SAMSKAB_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SAMSKAB_PROXY_SSL_HEADER", _HTTPS) else None
)
# Proxies in front of the server that append to X-Forwarded-For (0: use the peer address); the
# sign-in lockout counts attempts per client address.
SAMSKAB_PROXY_COUNT = env_int("SAMSKAB_PROXY_COUNT", 1 if _HTTPS else 0)
SESSION_COOKIE_SECURE = env_bool("SAMSKAB_SECURE_COOKIES", _HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "samskab.web.views.csrf_failure"

# Content Security Policy (Django's own middleware): scripts only from this site, never inline.
# Inline styles stay allowed: templates use style attributes for white-space, and the tracking
# charts are inline SVG with their own <style> (pygal); styles run no code. To drop it, serve
# the charts as SVG files or give their <style> the request's CSP nonce.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Static files hashed and compressed in production (tests use plain storage, tests/conftest.py).
# SAMSKAB_STATIC_MANIFEST=false serves them unhashed from the apps' folders, for a server started
# without `collectstatic` (the crash test, the intake and upload benchmarks).
if env_bool("SAMSKAB_STATIC_MANIFEST", True):
    STORAGES["staticfiles"] = {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
# Source maps are read only by a developer's browser tools: served as they are, not compressed
# (Brotli over the API docs' 5 MB of maps was half of every `collectstatic`).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# Staff sessions end after inactivity; StaffSessionMiddleware slides the window.
SAMSKAB_STAFF_IDLE_MINUTES = env_int("SAMSKAB_STAFF_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SAMSKAB_STAFF_IDLE_MINUTES * 60
# Sign-in: a client address is locked out after this many failed attempts, for this long,
# before any password is hashed again (django-axes).
AXES_FAILURE_LIMIT = env_int("SAMSKAB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("SAMSKAB_LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "samskab.core.accounts.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = os.environ.get("SAMSKAB_OTP_ISSUER", "Samskab")
PASSWORD_RESET_TIMEOUT = env_int("SAMSKAB_PASSWORD_RESET_MINUTES", 60) * 60

# Who answers for the site (contact page, privacy page, accessibility statement).
SAMSKAB_AUTHORITY_NAME = os.environ.get("SAMSKAB_AUTHORITY_NAME", "Digitaliseringsstyrelsen")
# The header's identity (DKFDS portal header): the authority's logo (a static file path such as
# "samskab/authority-logo.svg", or an absolute URL; empty: the name in text) and its website.
SAMSKAB_AUTHORITY_LOGO = os.environ.get("SAMSKAB_AUTHORITY_LOGO", "")
SAMSKAB_AUTHORITY_URL = os.environ.get("SAMSKAB_AUTHORITY_URL", "")
if SAMSKAB_AUTHORITY_LOGO.startswith("https://"):  # a logo on another site: let images load
    SECURE_CSP["img-src"].append("https://" + SAMSKAB_AUTHORITY_LOGO.split("/")[2])
SAMSKAB_CONTACT_EMAIL = os.environ.get("SAMSKAB_CONTACT_EMAIL", "kontakt@samskab.example")
SAMSKAB_DPO_EMAIL = os.environ.get("SAMSKAB_DPO_EMAIL", "dpo@samskab.example")
# How long responses that were never published are kept after a consultation closes.
SAMSKAB_RETENTION_YEARS = env_int("SAMSKAB_RETENTION_YEARS", 5)

# Logs: time, level, request id (RequestIdMiddleware) and logger on every line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "samskab.core.logs.RequestIdFilter"}},
    "formatters": {
        "samskab": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "samskab",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SAMSKAB_LOG_LEVEL", "WARNING")},
}

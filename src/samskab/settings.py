"""Samskab's one settings module.

Every setting is read from the environment with a declared type and default (style rule 9).
Nothing here reads other settings at import time of application code.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

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
    """SAMSKAB_SECRET_KEY, else a key generated once into var/secret_key (never in the repo)."""
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
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "samskab.core",
    "samskab.consultations",
    "samskab.api",
    "samskab.web",
    "samskab.publishing",
    "samskab.insights",
    "samskab.plans",
    "samskab.workspace",
    "samskab.tracking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samskab.web.middleware.DanishFirstLocaleMiddleware",
    "samskab.web.middleware.DatabaseBusyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

AUTHENTICATION_BACKENDS = [
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

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
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
# How often the worker analyses new responses of open consultations.
SAMSKAB_ANALYSIS_POLL_SECONDS = env_int("SAMSKAB_ANALYSIS_POLL_SECONDS", 60)
# Worker processes a full analysis of a large consultation may start (1: none).
SAMSKAB_ANALYSIS_WORKERS = env_int("SAMSKAB_ANALYSIS_WORKERS", 1)
# Days before a milestone's due date that its agency gets a reminder (one more after it).
SAMSKAB_REMINDER_DAYS_BEFORE = env_int("SAMSKAB_REMINDER_DAYS_BEFORE", 14)

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
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SAMSKAB_MAX_REQUEST_BYTES", 110 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_SECURE = env_bool("SAMSKAB_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAMSKAB_LOG_LEVEL", "WARNING")},
}

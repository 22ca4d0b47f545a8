"""Django settings for shopdesk, read from the environment.

Development defaults work with no configuration (SQLite file in ./var, a generated secret key);
production sets SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS and SHOPDESK_HTTPS=1.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("SHOPDESK_DATA_DIR", Path.cwd() / "var")).resolve()
TESTING = "pytest" in sys.modules or os.environ.get("SHOPDESK_TESTING") == "1"

DEBUG = env_bool("SHOPDESK_DEBUG", False)
HTTPS = env_bool("SHOPDESK_HTTPS", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data directory.

    A fixed fallback key would be shared by every installation that forgot to set one.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    if TESTING:
        return "test-only-" + "x" * 50
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",  # background and scheduled jobs (Django's Tasks API; django.tasks from Django 6)
    "django_tasks_db",  # their database backend: `shopdesk db_worker` runs them
    "ninja",  # the API docs page then serves Swagger UI from the package's static files, not a CDN
    "shopdesk.core",
    "shopdesk.policy",
    "shopdesk.catalog",
    "shopdesk.orders",
    "shopdesk.shipping",
    "shopdesk.payments",
    "shopdesk.loyalty",
    "shopdesk.promotions",
    "shopdesk.access",
    "shopdesk.notifications",
    "shopdesk.webhooks",
    "shopdesk.returns",
    "shopdesk.selfservice",
    "shopdesk.orderview",
    "shopdesk.helpcenter",
    "shopdesk.assistant",
    "shopdesk.api",
    "shopdesk.web",
    "shopdesk.desk",
    "shopdesk.demo",
]

MIDDLEWARE = [
    "shopdesk.web.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside CommonMiddleware, so its redirects and the bad-Host 400 carry the headers too.
    "shopdesk.web.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shopdesk.web.middleware.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "shopdesk.urls"
WSGI_APPLICATION = "shopdesk.wsgi.application"
ASGI_APPLICATION = "shopdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shopdesk.web.context_processors.store",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'shopdesk.sqlite3'}"
# Persistent connections: opening SQLite (and PostgreSQL even more) per request costs more than a page.
# Safe with gunicorn's one-thread workers; Django closes a connection that errored or aged out.
_database = dj_database_url.parse(
    DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")), conn_health_checks=True
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with writers that wait for the write lock without oversleeping (shopdesk.core.sqlite).
    _database["ENGINE"] = "shopdesk.core.sqlite"
    if not os.environ.get("DATABASE_URL"):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # read-modify-write transactions queue instead of failing with "database is locked" midway.
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a real file, one per process (xdist workers and parallel runs never share it).
    _database["TEST"] = {
        "NAME": os.environ.get("SHOPDESK_TEST_DB_NAME")
        or str(Path(tempfile.gettempdir()) / f"shopdesk-test-{os.getpid()}.sqlite3")
    }
elif test_name := os.environ.get("SHOPDESK_TEST_DB_NAME"):
    _database["TEST"] = {"NAME": test_name}
DATABASES = {"default": _database}

# Background and scheduled jobs (points, deadlines…) go through Django's Tasks API; the database backend
# needs no other service. A bigger store swaps the backend here (e.g. RQ on Redis), not the code.
TASKS = {"default": {"BACKEND": os.environ.get("SHOPDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (rate limits, sessions of the assistant) --------------------------------------------
if redis_url := os.environ.get("REDIS_URL"):
    # Keys carry a prefix and clear() removes only those, so one Redis database can be shared (by
    # several installations, or by parallel test processes: each has its own prefix).
    _prefix = os.environ.get("SHOPDESK_CACHE_PREFIX", "shopdesk")
    CACHES = {
        "default": {
            "BACKEND": "shopdesk.core.cache.PrefixedRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"{_prefix}-test-{os.getpid()}" if TESTING else _prefix,
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Shared by every gunicorn worker on the machine, so rate limits hold across workers.
    CACHES = {
        "default": {
            "BACKEND": "shopdesk.core.cache.FileCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# Sessions read from the cache, written through to the database: one query less per page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root at start-up
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders, so `shopdesk serve` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- email -------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "KWOKING Customer Care <care@kwoking.example>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 20
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox-mail")

# --- security ----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "shopdesk.web.errors.csrf_failure"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- logging: never the request bodies, tokens or passwords ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "shopdesk.core.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "shopdesk.access": {"level": "INFO", "filters": ["redact"]},
    },
}

# --- shopdesk ----------------------------------------------------------------------------------
SHOPDESK_POLICY = os.environ.get("SHOPDESK_POLICY", "")
SHOPDESK_BASE_URL = os.environ.get("SHOPDESK_BASE_URL", "http://127.0.0.1:8000")
# How long a worker holds an outbox message it is sending; above the SMTP timeout (EMAIL_TIMEOUT, 20 s).
SHOPDESK_OUTBOX_LEASE_SECONDS = float(os.environ.get("SHOPDESK_OUTBOX_LEASE_SECONDS", "120"))
# Reverse proxies whose X-Forwarded-For is believed (CIDRs); empty: the peer's address is the client's.
SHOPDESK_TRUSTED_PROXIES = env_list("SHOPDESK_TRUSTED_PROXIES", "")
# Desk attachments: stored through Django's storage under random names, served only to agents.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or str(DATA_DIR / "media")
# The bearer token a mail provider sends with POST /api/v1/inbound/email (empty: the endpoint is off).
SHOPDESK_INBOUND_TOKEN = os.environ.get("SHOPDESK_INBOUND_TOKEN", "")

# The demo payment provider answers refunds itself after this many seconds (a scheduled job): refunds
# go pending → processing → succeeded, or failed for the demo's declining card. Off unless asked: a
# store's refunds move through its provider's events.
SHOPDESK_DEMO_REFUNDS = env_bool("SHOPDESK_DEMO_REFUNDS", False)
SHOPDESK_DEMO_REFUND_SECONDS = float(os.environ.get("SHOPDESK_DEMO_REFUND_SECONDS", "30"))
# A refund the provider refuses is sent again this many times in all, then goes to an agent as a case.
SHOPDESK_REFUND_ATTEMPTS = int(os.environ.get("SHOPDESK_REFUND_ATTEMPTS", "3"))
# Store platform connectors: the secret each platform signs its webhooks with (empty: the connector is off).
SHOPDESK_SHOPIFY_WEBHOOK_SECRET = os.environ.get("SHOPDESK_SHOPIFY_WEBHOOK_SECRET", "")
SHOPDESK_WOOCOMMERCE_WEBHOOK_SECRET = os.environ.get("SHOPDESK_WOOCOMMERCE_WEBHOOK_SECRET", "")

"""Kyodo settings: the only settings module. Every difference between development,
test and production is an environment variable (see README.md)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Production must set SECRET_KEY; the development default is refused by `check --deploy`.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-kyodo-development-only-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    # Kyodo apps, in dependency order (each depends only on those above it).
    "kyodo.core",
    "kyodo.guideline",
    "kyodo.accounts",
    "kyodo.notifications",
    "kyodo.organizations",
    "kyodo.challenges",
    "kyodo.news",
    "kyodo.projects",
    "kyodo.calls",
    "kyodo.events",
    "kyodo.districts",
    "kyodo.promotion",
    "kyodo.search",
    "kyodo.api",
    "kyodo.reports",
    "kyodo.privacy",
]

MIDDLEWARE = [
    # First: refuses an oversized body before anything reads it (413).
    "kyodo.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kyodo.core.middleware.SecurityHeadersMiddleware",
    "kyodo.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kyodo.core.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "kyodo.api.middleware.JsonMethodNotAllowedMiddleware",
    # Last: serves anonymous visitors' pages from the cache (kyodo/core/pagecache.py).
    "kyodo.core.pagecache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # The site is rendered with Jinja2 (measured 10x faster than Django templates
        # for lists, see docs/decisions/0002-jinja2.md). Templates live in <app>/jinja2/.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "kyodo" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "autoescape": True,
            "auto_reload": DEBUG,
        },
    },
    {
        # Django templates only for the admin and Django's own forms.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

# --- Database -------------------------------------------------------------------------
# SQLite (WAL, synchronous=FULL, IMMEDIATE transactions, busy timeout) by default;
# PostgreSQL through DATABASE_URL=postgres://… (psycopg 3).
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "var" / "kyodo.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A pool of connections per process (psycopg_pool, Django 5.1+; docs/performance.md
    # "Connection pooling"): KYODO_DB_POOL=1, sizes KYODO_DB_POOL_MIN / KYODO_DB_POOL_MAX
    # (per process: a gunicorn worker uses at most one connection per thread), seconds a request
    # waits for a free connection KYODO_DB_POOL_TIMEOUT. Off by default (measured: no gain over
    # persistent connections with one thread per worker). A pool and persistent connections
    # exclude each other, so CONN_MAX_AGE is 0 with it.
    if env_bool("KYODO_DB_POOL"):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": int(os.environ.get("KYODO_DB_POOL_MIN", "1")),
            "max_size": int(os.environ.get("KYODO_DB_POOL_MAX", "4")),
            "timeout": float(os.environ.get("KYODO_DB_POOL_TIMEOUT", "10")),
        }
    # Server-side prepared statements (psycopg's prepare_threshold: a statement run this many
    # times on a connection is prepared). psycopg prepares only with server-side parameter
    # binding, which Django turns on with `server_side_binding`; both are set together.
    # Off by default (docs/performance.md "Prepared statements").
    if os.environ.get("KYODO_DB_PREPARE_THRESHOLD"):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = int(
            os.environ["KYODO_DB_PREPARE_THRESHOLD"]
        )
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite backend, write transactions taking turns through a lock file
            # (kyodo/core/db/sqlite3/base.py).
            "ENGINE": "kyodo.core.db.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-8192;"
                    "PRAGMA mmap_size=0;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # Kept open between requests (one per server thread): opening one and reading the
            # schema costs ≈ 2 ms per request otherwise.
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "600")),
        }
    }
# Parallel developers and CI runs get their own PostgreSQL test database (SQLite tests use
# an in-memory database per process).
if DATABASES["default"]["ENGINE"] != "kyodo.core.db.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": "test_kyodo" + os.environ.get("KYODO_TEST_DB_SUFFIX", ""),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
# "default": rate limits, report figures, home blocks. "pages": the anonymous page cache
# (kyodo/core/pagecache.py). With REDIS_URL both live in Redis, shared by every worker;
# otherwise each process has its own.
CACHES: dict[str, dict[str, Any]]
if os.environ.get("REDIS_URL"):
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "pages")
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kyodo",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kyodo-pages",
            # Pages are stored compressed (≈ 10 KB each): at most ≈ 10 MB per process.
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }
# Seconds an anonymous page may be served from the cache (0: off). Any committed change to a
# public model starts a new generation at once; see kyodo/core/pagecache.py.
# Off by default with DEBUG (a template being edited shows at once).
KYODO_PAGE_CACHE_SECONDS = int(os.environ.get("KYODO_PAGE_CACHE_SECONDS", "0" if DEBUG else "30"))
# A template that prints None: "" on the site; an error under test (tests/pytest_env.py), so
# a page never shows a literal "None" unnoticed.
KYODO_TEMPLATE_NONE_IS_ERROR = env_bool("KYODO_TEMPLATE_NONE_IS_ERROR", False)

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("KYODO_FAST_HASHER")
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
# One counter per (client address, account) pair: failures against one account from one client
# throttle that pair only, so an attacker elsewhere cannot lock the owner out, and failures for
# made-up accounts from one address do not lock everyone behind it (docs/accounts.md).
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
# The client address as kyodo.core.clientip reads it (the proxy's header only behind
# BEHIND_PROXY with KYODO_TRUSTED_PROXY_COUNT trusted proxies).
AXES_CLIENT_IP_CALLABLE = "kyodo.core.clientip.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = None
AXES_LOCKOUT_CALLABLE = "kyodo.core.views.lockout"
AXES_VERBOSE = False

# --- Sessions and cookies --------------------------------------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
KYODO_SESSION_IDLE_SECONDS = int(os.environ.get("KYODO_SESSION_IDLE_SECONDS", str(60 * 60 * 2)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
BEHIND_PROXY = env_bool("BEHIND_PROXY")
# How many reverse proxies append to X-Forwarded-For in front of the site (nginx alone: 1).
# 0 (the default) never reads the header: the socket's address is the client.
KYODO_TRUSTED_PROXY_COUNT = int(
    os.environ.get("KYODO_TRUSTED_PROXY_COUNT", "1" if BEHIND_PROXY else "0")
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "kyodo" / "locale"]

# --- Static and media ----------------------------------------------------------------------
# Map tiles (issue 29): any XYZ tile server. The default is 地理院タイル (GSI), whose terms ask
# for this attribution; the tile server's origin is added to the CSP's img-src.
KYODO_MAP_TILE_URL = os.environ.get(
    "KYODO_MAP_TILE_URL", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
)
KYODO_MAP_TILE_ATTRIBUTION = os.environ.get(
    "KYODO_MAP_TILE_ATTRIBUTION",
    '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>',
)
KYODO_MAP_TILE_MAX_ZOOM = int(os.environ.get("KYODO_MAP_TILE_MAX_ZOOM", "18"))

# Leaflet's JS, CSS and marker images come from the django-leaflet package's static folder
# (not INSTALLED_APPS: its admin module needs GeoDjango/GDAL, which Kyodo does not use).
_leaflet_spec = importlib.util.find_spec("leaflet")
STATICFILES_DIRS = (
    [Path(_leaflet_spec.origin).parent / "static"]
    if _leaflet_spec is not None and _leaflet_spec.origin
    else []
)

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("KYODO_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Production runs `collectstatic` and sets KYODO_MANIFEST_STATIC=1 (hashed, compressed,
# cached forever). Without it, whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not env_bool("KYODO_MANIFEST_STATIC", False)
# Uploaded files are never served directly: private ones go through a permission-checked
# view, public ones through a view that sets safe headers (see kyodo.core.uploads).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
KYODO_MAX_UPLOAD_BYTES = int(os.environ.get("KYODO_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# The largest request body accepted at all (one upload plus the form around it): larger ones get
# 413 from RequestBodyLimitMiddleware before they are read. The proxy's client_max_body_size
# should be the same (docs/security.md).
KYODO_MAX_REQUEST_BYTES = int(
    os.environ.get("KYODO_MAX_REQUEST_BYTES", str(KYODO_MAX_UPLOAD_BYTES + 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = KYODO_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kyodo@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (django-tasks) ---------------------------------------------------------
TASKS = {
    "default": {"BACKEND": os.environ.get("KYODO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}

# --- Kyodo ----------------------------------------------------------------------------------
# The municipality's guideline file (see kyodo/guideline/data/). Another city supplies its own.
KYODO_GUIDELINE_FILE = os.environ.get(
    "KYODO_GUIDELINE_FILE", str(BASE_DIR / "kyodo" / "guideline" / "data" / "kawagoe.toml")
)
# Retention periods per class of personal data, in days (個人情報保護法; see docs/security.md).
KYODO_RETENTION_DAYS = {
    "inactive_account": int(os.environ.get("KYODO_RETENTION_INACTIVE_ACCOUNT_DAYS", str(365 * 5))),
    "event_registration_personal": int(
        os.environ.get("KYODO_RETENTION_REGISTRATION_DAYS", str(365 * 2))
    ),
    "contact_request": int(os.environ.get("KYODO_RETENTION_CONTACT_DAYS", str(365))),
    "audit_private_view": int(os.environ.get("KYODO_RETENTION_AUDIT_VIEW_DAYS", str(365 * 3))),
}
KYODO_API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("KYODO_API_RATE_LIMIT_PER_MINUTE", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

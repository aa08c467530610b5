"""Settings for Catalog Portal: one module, every knob an environment variable.

Defaults run with nothing set: an embedded SQLite database under ``var/``, DEBUG on and a
development secret key kept in ``var/secret_key``. README.md lists every variable.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from catalog_portal.catalog.asset_sources import asset_sources_parse
from catalog_portal.lib.csp import csp_directives
from catalog_portal.lib.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_origins,
    env_path,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", True)
# Without SECRET_KEY (development only), the random key kept in this file: made when Django
# starts (lib/local_files.py), since importing the settings writes nothing.
SECRET_KEY_DEV_FILE = VAR_DIR / "secret_key"
SECRET_KEY = env_secret("SECRET_KEY", required=not DEBUG, dev_file=SECRET_KEY_DEV_FILE)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    # Otherwise every request would be refused with a 400 and nothing would say why.
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is required when DEBUG is off, e.g. portal.example.org"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Web apps on other origins that may read the STAC API, tiles and data (lib/asgi_cors.py):
# "*" any, without cookies (API tokens work); listed origins also with the portal's cookies.
CORS_ALLOWED_ORIGINS = env_origins("CORS_ALLOWED_ORIGINS", ["*"])

# Raster files of the catalogue (the demo's COGs among them). Asset hrefs of the form
# "/data/<path>" resolve to files below this folder.
DATA_ROOT = env_path("DATA_ROOT", VAR_DIR / "data")
# Where else asset files may be read (catalog/asset_sources.py): S3 buckets/prefixes and
# HTTP(S) prefixes, separated by spaces or commas, each with options as a query string. The
# data folder above is always a source; an href outside every source is never fetched.
ASSET_SOURCES = asset_sources_parse(
    "ASSET_SOURCES",
    env_str("ASSET_SOURCES", ""),
    secret=lambda name: env_secret(name, required=False, dev_file=None),
)
# How the data API answers for a remote file it serves (a restricted collection's file in an
# S3 source, data/remote.py): "proxy" streams the bytes (ranges and all) through the portal;
# "redirect" sends the caller to a presigned URL of the store, valid this many seconds, so the
# bytes go straight from the store (whose endpoint callers must then reach). HTTP(S) sources
# and unsigned buckets are always proxied: their plain URL is all a redirect could name.
DATA_REMOTE_MODE = env_choice("DATA_REMOTE_MODE", "proxy", ("proxy", "redirect"))
DATA_REMOTE_REDIRECT_SECONDS = env_int("DATA_REMOTE_REDIRECT_SECONDS", 60, minimum=1)
if DATA_REMOTE_REDIRECT_SECONDS > 3600:
    raise ImproperlyConfigured("DATA_REMOTE_REDIRECT_SECONDS must be at most 3600.")

# The maps' background: XYZ raster tiles and their attribution (OpenStreetMap by default). Set
# BASEMAP_TILES empty for none; vendored country outlines are drawn either way, so footprints
# keep their context when the tile server cannot be reached.
BASEMAP_TILES = env_str("BASEMAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
BASEMAP_ATTRIBUTION = env_str("BASEMAP_ATTRIBUTION", "© OpenStreetMap contributors")

# Tiles: seconds a tile request's catalogue lookup (item, access) is reused, and the
# max-age of tiles' Cache-Control.
TILES_LOOKUP_SECONDS = env_int("TILES_LOOKUP_SECONDS", 10, minimum=0)
TILES_CACHE_SECONDS = env_int("TILES_CACHE_SECONDS", 3600, minimum=0)
TILES_PNG_ZLEVEL = env_int("TILES_PNG_ZLEVEL", 1, minimum=1)

# Signed data URLs (GET /api/v1/sign): their lifetime when the caller names none, and the
# longest a caller may ask for (a long job can ask for more, or renew by signing again).
SIGNED_URL_SECONDS = env_int("SIGNED_URL_SECONDS", 3600, minimum=1)
SIGNED_URL_MAX_SECONDS = env_int("SIGNED_URL_MAX_SECONDS", 7 * 24 * 3600, minimum=1)
if SIGNED_URL_SECONDS > SIGNED_URL_MAX_SECONDS:
    raise ImproperlyConfigured("SIGNED_URL_SECONDS is above SIGNED_URL_MAX_SECONDS.")

# Searches may sort by a key no index serves (any property but eo:cloud_cover) only when the
# searched collections hold at most this many items: such a sort reads and sorts all of them
# for every page (catalog/search/sorting.py): 10,000 items took 40-80 ms on PostgreSQL,
# 50,000 items 0.4 s (bench copy, shared 2-core machine). A larger search is answered 400.
SEARCH_SORT_SCAN_MAX_ITEMS = env_int("SEARCH_SORT_SCAN_MAX_ITEMS", 10_000, minimum=0)

# Downloads of an explore search's results (GET /explore/download): at most this many items
# (a larger search is refused with 400 before any work, so that no file is silently cut
# short), read from the database in chunks of this many (one query each; at most 1,000, the
# search layer's page size).
DOWNLOAD_MAX_ITEMS = env_int("DOWNLOAD_MAX_ITEMS", 100_000, minimum=1)
DOWNLOAD_CHUNK_ITEMS = env_int("DOWNLOAD_CHUNK_ITEMS", 500, minimum=1)
if DOWNLOAD_CHUNK_ITEMS > 1_000:
    raise ImproperlyConfigured("DOWNLOAD_CHUNK_ITEMS must be at most 1000.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "mozilla_django_oidc",
    # Its Swagger UI files (/api/v1/docs) are then served from here, not from a CDN that
    # the Content-Security-Policy (and an offline machine) would refuse.
    "ninja",
    "catalog_portal.catalog",
    "catalog_portal.accounts",
    "catalog_portal.web",
    "catalog_portal.tiles",
    "catalog_portal.snippets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Turns a view's database outage or timeout into a 503 page (the API answers its own).
    "catalog_portal.web.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view: a too-long query string or a NUL byte in the URL is a 400.
    "catalog_portal.lib.request_limits.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Pages' forms are for sessions; the STAC API is exempt (its views are csrf_exempt), so
    # a program with a token needs no CSRF cookie there.
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, which also knows API tokens (accounts/middleware.py):
    # request.user and request.viewer for every view.
    "catalog_portal.accounts.middleware.RequestUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (lib/csp.py says what it allows and why).
    "csp.middleware.CSPMiddleware",
    # A bad parameter raised by any page becomes the 400 page naming it (web/error_pages.py).
    "catalog_portal.web.error_pages.InvalidParameterMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "catalog_portal.urls"
# A stale or foreign form is the site's 403 page, not Django's own.
CSRF_FAILURE_VIEW = "catalog_portal.web.error_pages.csrf_failure"
ASGI_APPLICATION = "catalog_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catalog_portal.web.context.portal",
            ],
        },
    },
]


# Seconds a statement of the portal may run (0: no limit) and the same for management
# commands that load or migrate a catalogue (lib/db_sessions.py); seconds a request waits
# for a database connection before it is answered 503.
DB_STATEMENT_TIMEOUT = env_float("DB_STATEMENT_TIMEOUT", 5, minimum=0)
DB_COMMAND_STATEMENT_TIMEOUT = env_float("DB_COMMAND_STATEMENT_TIMEOUT", 0, minimum=0)
DB_POOL_TIMEOUT = env_float("DB_POOL_TIMEOUT", 2, minimum=0.1)


def _database(url: str) -> dict:
    """Parse DATABASE_URL, accepting only the two databases the portal is built for."""
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    except Exception as error:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be parsed: {error}") from None
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        # The test database is a file too, so that a real HTTP server running in another
        # thread during tests sees the same data.
        name = config["NAME"]
        config["TEST"] = {"NAME": str(Path(name).with_suffix(".test.sqlite3"))}
        config.setdefault("OPTIONS", {})["timeout"] = 20
    elif engine.endswith("postgresql"):
        config["ENGINE"] = "django.db.backends.postgresql"
        # The portal's queries are short and LIMITed; starting parallel workers for them costs
        # more than it saves (intersects search at 1M items: 36 ms with 2 workers, 8 ms without)
        # and takes cores from concurrent requests.
        workers = env_int("DB_PARALLEL_WORKERS", 0, minimum=0)
        # The portal's time limit is part of every session from the start (management
        # commands change it for theirs: lib/db_sessions.py), so a runaway query is cancelled
        # by the server and answered 503 instead of holding a backend for minutes.
        statement_ms = round(DB_STATEMENT_TIMEOUT * 1000)
        # JIT compiles a plan whose cost estimate is high, which a LIMITed walk along an
        # index with a filter always has: at a million items it took 32 of an intersects
        # search's 58 ms and gave nothing back, since such a walk stops after a page of rows.
        config.setdefault("OPTIONS", {})["options"] = (
            f"-c max_parallel_workers_per_gather={workers} -c statement_timeout={statement_ms} "
            "-c jit=off"
        )
        # libpq counts whole seconds and takes less than 2 as 2.
        config["OPTIONS"]["connect_timeout"] = max(2, math.ceil(DB_POOL_TIMEOUT))
        if env_bool("DB_POOL", True):
            # Under ASGI each request runs in its own thread context, so only a pool (shared by
            # threads) reuses connections; DB_CONN_MAX_AGE would keep one per thread instead.
            if config.get("CONN_MAX_AGE"):
                raise ImproperlyConfigured("DB_POOL=true needs DB_CONN_MAX_AGE=0.")
            config.setdefault("OPTIONS", {})["pool"] = {
                "min_size": env_int("DB_POOL_MIN", 2, minimum=1),
                "max_size": env_int("DB_POOL_MAX", 10, minimum=1),
                # When the database is down, a request waits this long for a connection and
                # is answered 503, instead of psycopg_pool's 30 s.
                "timeout": DB_POOL_TIMEOUT,
            }
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r}: only sqlite:/// and postgres:// databases are supported."
        )
    return config


# An empty DATABASE_URL counts as unset, so `DATABASE_URL= make ...` means the default.
DATABASES = {
    "default": _database(env_str("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user or address is refused before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers only when OIDC_ENABLED (see accounts/oidc.py).
    "catalog_portal.accounts.oidc.PortalOIDCBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalog"
LOGOUT_REDIRECT_URL = "home"

# Brute-force protection (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords, logins are
# refused for LOGIN_LOCKOUT_MINUTES (0: until an administrator unlocks them in /admin/).
# LOGIN_LOCKOUT_BY: "user-and-ip" locks a username from one address only, so that nobody can
# lock another person out from elsewhere; "user", "ip" or "user-or-ip" lock more widely.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
_lockout_minutes = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=0)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_lockout_minutes) if _lockout_minutes else None
AXES_LOCKOUT_PARAMETERS = {
    "user-and-ip": [["username", "ip_address"]],
    "user": ["username"],
    "ip": ["ip_address"],
    "user-or-ip": ["username", "ip_address"],
}[env_choice("LOGIN_LOCKOUT_BY", "user-and-ip", ("user-and-ip", "user", "ip", "user-or-ip"))]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Single sign-on through OpenID Connect (mozilla-django-oidc), off unless OIDC_ENABLED.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_secret("OIDC_RP_CLIENT_SECRET", required=False, dev_file=None)
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_choice("OIDC_RP_SIGN_ALGO", "RS256", ("RS256", "ES256", "HS256"))
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
# A claim listing the user's groups; groups of those names that exist in the portal are
# given to the user at each login (and others taken away), so the provider decides access.
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "")
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if OIDC_ENABLED:
    _oidc_required = {
        "OIDC_RP_CLIENT_ID": OIDC_RP_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
        "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
    }
    if OIDC_RP_SIGN_ALGO != "HS256":
        _oidc_required["OIDC_OP_JWKS_ENDPOINT"] = OIDC_OP_JWKS_ENDPOINT
    _missing = [name for name, value in _oidc_required.items() if not value]
    if _missing:
        raise ImproperlyConfigured(f"OIDC_ENABLED=true needs {', '.join(_missing)}.")

# Mail (password reset): printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env_choice(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    (
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
    ),
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", required=False, dev_file=None)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Catalog Portal <noreply@localhost>")

# The interface language when the visitor has not chosen one (the header's menu; the choice is
# kept in a cookie) and the browser asks for none of LANGUAGES.
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "en", ("en", "de"))
LANGUAGES = [("en", "English"), ("de", "German")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "staticfiles")
# In development whitenoise serves files straight from static/ (no collectstatic needed); the
# test runner turns DEBUG off, so this is decided here from the environment, not at request time.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening, on whenever DEBUG is off (behind a TLS-terminating proxy).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# A load balancer's health check speaks plain HTTP to the app itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Pages load images only from the portal and the basemap's host, unless CSP_IMAGE_HOSTS names
# others (collection thumbnails or description images kept elsewhere).
try:
    CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": csp_directives(
            basemap_tiles=BASEMAP_TILES, image_hosts=env_list("CSP_IMAGE_HOSTS", [])
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # titiler logs every reader it opens at INFO (one line per tile); django-axes every login.
    "loggers": {"titiler": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}

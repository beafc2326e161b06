"""Settings for factcheck, read from the environment.

One file for every deployment, read as a list of settings. Each variable goes through a
typed reader of ``factcheck/env.py`` that refuses malformed values with the variable's
name in the message, so a typo fails at start-up instead of half-working. The README's
configuration table lists every variable.

Without ``DATABASE_URL`` and ``REDIS_URL`` the product runs on embedded defaults (a SQLite
file and a filesystem broker under ``var/``); with them, on PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from factcheck.env import (
    env_bool,
    env_choice,
    env_database,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_path,
    env_ports,
    env_rate,
    env_redis_url,
    env_str,
    env_timezone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent


# --- Core -----------------------------------------------------------------------------

# On for a developer's checkout (as in healthchecks' settings); every production path —
# the Docker image, docker-compose.yml — sets DEBUG=false, and `check --deploy` fails on it.
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY: must be set when DEBUG is off (set DEBUG=true for local development)"
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
TIME_ZONE = env_timezone("TIME_ZONE", "UTC")
USE_TZ = True
LANGUAGE_CODE = "en-gb"
USE_I18N = True

# Where the embedded defaults keep their files (SQLite database, filesystem broker, beat
# schedule). Ignored by PostgreSQL/Redis deployments except for the beat schedule.
VAR_DIR = env_path("VAR_DIR", BASE_DIR / "var")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_htmx",
    "axes",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "claims.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------

# SQLite for concurrent use (web server and Celery worker share the file): WAL lets readers
# and one writer work at once, IMMEDIATE transactions take the write lock up front so two
# writers queue on the busy timeout instead of failing with "database is locked" mid-way.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}

if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "factcheck.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        },
        sqlite_options=SQLITE_OPTIONS,
        # PostgreSQL: persistent connections, checked before reuse.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")  # full-text search on public pages

# --- Cache and Celery -------------------------------------------------------------------

REDIS_URL = env_redis_url("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "factcheck",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # kombu's filesystem transport: a broker that is just a folder, so `make run` needs no
    # server. Producer and worker must point at the same folder for both directions.
    BROKER_DIR = env_path("CELERY_BROKER_DIR", VAR_DIR / "celery")
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # A folder is polled for new messages: often enough that "Check now" feels live.
        "polling_interval": 0.1,
    }
    for _folder in ("queue", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)

# Triggers only: the database is the record of pending work, so results are not kept.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "factcheck")
# Long-running network tasks: a worker takes one message at a time so others can pick up
# the rest, and acknowledges only after the task finished (tasks are idempotent).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 150
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "record-worker-heartbeat": {
        "task": "claims.record_heartbeat",
        "schedule": 60.0,
    },
    # Hands out sources whose check is due (the database is the queue of record).
    "sweep-due-sources": {
        "task": "claims.sweep_due_sources",
        "schedule": env_int("LINKCHECK_SWEEP_SECONDS", 120, minimum=10),
    },
    # Archived copies whose verification was never queued or never finished.
    "sweep-archived-copies": {
        "task": "claims.sweep_archived_copies",
        "schedule": 600.0,
    },
}
# A web request that enqueues a trigger must not hang on a broker that is down: give up
# quickly (the sweep will hand the work out again).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {"socket_connect_timeout": 3, "socket_timeout": 10, "retry_on_timeout": True}
    )

# --- Auth, static, logging --------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Accounts exist only for the desk (readers need none): after login, the review dashboard.
LOGIN_REDIRECT_URL = "claims:review_dashboard"
LOGOUT_REDIRECT_URL = "claims:home"

# Brute-force protection for the login form (django-axes): after AXES_FAILURE_LIMIT
# failures for one username from one address, that pair waits AXES_COOLOFF_MINUTES. It
# cools off on its own; an administrator can also reset it (`manage.py axes_reset`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address behind reverse proxies: how many of them (nginx, a load balancer)
# stand in front of the app and append to X-Forwarded-For. Lockouts and the API's throttles
# read it through one function, claims/clientip.py. AXES_PROXY_COUNT is its old name.
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", env_int("AXES_PROXY_COUNT", 0, minimum=0), minimum=0
)
AXES_CLIENT_IP_CALLABLE = "claims.clientip.client_ip"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "var" / "static")
# Static files are served by whitenoise from STATIC_ROOT (hashed names, compressed) in
# production, and straight from the source folders while DEBUG is on.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security headers and cookies --------------------------------------------------------
# Production defaults are strict; DEBUG relaxes only what plain-HTTP development needs.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Orchestrator probes come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): our own scripts and styles only — no inline script,
# no inline style, nothing from another host. JSON-LD blocks are data, not script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOG_LEVEL = env_choice(
    "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), upper=True
)

# Logs go to stdout, one structured (JSON) line per record in production, plain text when
# developing. LOG_FORMAT=json|plain overrides.
LOG_FORMAT = env_choice("LOG_FORMAT", "plain" if DEBUG else "json", ("json", "plain"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- REST API (claims/api/) -------------------------------------------------------------


API_PAGE_SIZE = env_int("API_PAGE_SIZE", 20, minimum=1)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100, minimum=1)
# Requests per client (address for anonymous clients, account for signed-in ones), counted
# in the default cache — Redis when REDIS_URL is set, so every web process shares them.
API_THROTTLE_ANON = env_rate("API_THROTTLE_ANON", "60/minute")
API_THROTTLE_USER = env_rate("API_THROTTLE_USER", "600/minute")
# Deny by default: every endpoint needs a reviewer role unless its view opens it (the
# public reads do, for GET only). Token and session authentication only — never Basic,
# which would send passwords with every request. Sessions keep DRF's CSRF check.
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns "not signed in" into a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.permissions.IsReviewer"],
    # JSON only: the browsable API's inline scripts would not run under our CSP anyway;
    # /api/docs/ is the interactive documentation.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.JSONParser"],
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.Pagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_THROTTLE_CLASSES": [
        "claims.api.permissions.AnonThrottle",
        "claims.api.permissions.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "user": API_THROTTLE_USER},
    # The client address for anonymous throttling: X-Forwarded-For only behind trusted
    # proxies (else clients could pick their own). The throttles call
    # claims.clientip.client_ip, which reads this count as DRF does.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "claims.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# API keys (django-rest-knox): only a SHA-512 digest of each key is stored, so neither the
# database nor the admin can show one; a key is shown once, when it is created
# (/review/token/). Sent as "Authorization: Token <key>"; valid until revoked or replaced.
# The prefix makes a leaked key recognisable to secret scanners.
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": None,
    "TOKEN_PREFIX": "fck_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": (
        "Published fact-checks, their articles and the rating scale for anyone; the verdict "
        "workflow for reviewers and editors (token or session authentication). Every error "
        "has one shape: an `error` object with a machine-readable `code`."
    ),
    "VERSION": "1",
    # 3.1: JSON Schema proper, where "this object or null" has an exact spelling.
    "OAS_VERSION": "3.1.0",
    # The whole schema is public: it holds no data, and integrators read it before they
    # have a token. What each operation allows is enforced by the API, not by hiding it.
    "SERVE_PUBLIC": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH bodies are documented as their serializers say: `version` stays required.
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.tidy_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "claims.enums.Rating",
        "ClaimStatusEnum": "claims.enums.ClaimStatus",
        "SourceKindEnum": "claims.enums.SourceKind",
        "ProposalKindEnum": "claims.enums.ProposalKind",
        "ProposalStateEnum": "claims.enums.ProposalState",
        "ProposableKindEnum": "claims.enums.PROPOSABLE_KINDS",
    },
    # Swagger UI from drf-spectacular-sidecar's static files: nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Product ----------------------------------------------------------------------------

# Passwords for `seed_demo`'s demo accounts; generated (and kept under var/) when unset.
DEMO_PASSWORD = env_str("DEMO_PASSWORD")

# The public address of the site (scheme and host): every absolute URL — canonical links,
# feeds, the sitemap, ClaimReview, API links — is built from it, never from a request's
# Host header (claims/siteurl.py). Required in production: `check --deploy` fails without
# it. Unset in development: each request's own host, and the page cache keys on it.
SITE_URL = env_url("SITE_URL", origin_only=True)
# The fact-checking organisation: the author of every ClaimReview.
FACTCHECK_ORGANIZATION_NAME = env_str("FACTCHECK_ORGANIZATION_NAME", "factcheck")
FACTCHECK_ORGANIZATION_URL = env_str("FACTCHECK_ORGANIZATION_URL", SITE_URL or "")
# The organisation's own logo, replacing the built-in mark and name in the page header and
# on share images: a static file path (e.g. "brand/logo.svg"). A newsroom keeps its files
# in FACTCHECK_BRAND_DIR, served as static files under "brand/" (every asset stays local).
FACTCHECK_BRAND_DIR = env_str("FACTCHECK_BRAND_DIR")
if FACTCHECK_BRAND_DIR:
    if not Path(FACTCHECK_BRAND_DIR).is_dir():
        raise ImproperlyConfigured(f"FACTCHECK_BRAND_DIR: no such folder {FACTCHECK_BRAND_DIR!r}")
    STATICFILES_DIRS.append(("brand", FACTCHECK_BRAND_DIR))
FACTCHECK_LOGO = env_str("FACTCHECK_LOGO").lstrip("/")
if FACTCHECK_LOGO and "://" in FACTCHECK_LOGO:
    raise ImproperlyConfigured(
        f"FACTCHECK_LOGO: expected a static file path such as brand/logo.svg (assets are "
        f"served locally), got {FACTCHECK_LOGO!r}"
    )
# Public pages are cached this long (seconds); publishing, correcting or withdrawing a
# claim invalidates them at once.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 300, minimum=0)
PUBLIC_PAGE_SIZE = env_int("PUBLIC_PAGE_SIZE", 20, minimum=1)

# --- Readers' reports and email (claims/reports.py) -------------------------------------

# Reports per client address (counted in the shared cache), the least seconds between
# serving the form and sending it (a spam check), how long a served form stays valid, and
# the largest request body the report forms accept.
READER_REPORTS_RATE = env_rate("READER_REPORTS_RATE", "5/hour")
READER_REPORTS_MIN_SECONDS = env_int("READER_REPORTS_MIN_SECONDS", 3, minimum=0)
READER_REPORTS_FORM_MAX_AGE_HOURS = env_int("READER_REPORTS_FORM_MAX_AGE_HOURS", 24, minimum=1)
READER_REPORTS_MAX_BODY_BYTES = env_int("READER_REPORTS_MAX_BODY_BYTES", 32_768, minimum=4096)
# Who hears of new reports (a digest every READER_REPORTS_DIGEST_SECONDS; none if empty).
READER_REPORTS_NOTIFY_EMAILS = env_list("READER_REPORTS_NOTIFY_EMAILS")
CELERY_BEAT_SCHEDULE["email-reader-reports-digest"] = {
    "task": "claims.email_reader_reports_digest",
    "schedule": env_int("READER_REPORTS_DIGEST_SECONDS", 300, minimum=30),
}
# Email: SMTP when EMAIL_HOST is set, else printed to the console (development).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Link checker -----------------------------------------------------------------------

# claims/linkcheck.py reads these through FetchPolicy.from_settings(); every limit can also
# be passed per call. Sites see "factcheck-linkcheck/1.0 (+contact URL)" unless
# LINKCHECK_USER_AGENT replaces the whole string.
LINKCHECK_CONTACT_URL = env_str("LINKCHECK_CONTACT_URL") or env_str("SITE_URL")
LINKCHECK_USER_AGENT = env_str("LINKCHECK_USER_AGENT")
LINKCHECK_CONNECT_TIMEOUT = env_int("LINKCHECK_CONNECT_TIMEOUT", 5, minimum=1)
LINKCHECK_READ_TIMEOUT = env_int("LINKCHECK_READ_TIMEOUT", 10, minimum=1)
# Hard deadline for a whole check, redirects and body included (httpx's are per read).
LINKCHECK_TOTAL_TIMEOUT = env_int("LINKCHECK_TOTAL_TIMEOUT", 30, minimum=1)
LINKCHECK_MAX_BYTES = env_int("LINKCHECK_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
LINKCHECK_MAX_REDIRECTS = env_int("LINKCHECK_MAX_REDIRECTS", 10, minimum=0)
# One worker checks many sources at once; at most this many per site at a time.
LINKCHECK_MAX_CONCURRENCY = env_int("LINKCHECK_MAX_CONCURRENCY", 32, minimum=1)
# Politeness, shared by every worker process (Redis when REDIS_URL is set, else the
# database): requests in flight per site, and seconds between two request starts on it.
LINKCHECK_PER_HOST_CONCURRENCY = env_int("LINKCHECK_PER_HOST_CONCURRENCY", 2, minimum=1)
LINKCHECK_PER_HOST_INTERVAL = env_float("LINKCHECK_PER_HOST_INTERVAL", 1.0, minimum=0)
# Health rules (claims/linkhealth.py): dead after this many failed checks at least this
# many hours apart; how much of the page's text may change before it counts as changed.
LINKCHECK_DEAD_AFTER = env_int("LINKCHECK_DEAD_AFTER", 3, minimum=1)
LINKCHECK_FAILURE_SPACING_HOURS = env_int("LINKCHECK_FAILURE_SPACING_HOURS", 24, minimum=0)
# Scheduling: sources handed out per sweep, per task, and how long a hand-out lasts.
LINKCHECK_SWEEP_LIMIT = env_int("LINKCHECK_SWEEP_LIMIT", 1000, minimum=1)
LINKCHECK_BATCH_SIZE = env_int("LINKCHECK_BATCH_SIZE", 100, minimum=1)
LINKCHECK_LEASE_MINUTES = env_int("LINKCHECK_LEASE_MINUTES", 10, minimum=1)
# Transient failures are retried within a check, after base × 2^n seconds plus jitter.
LINKCHECK_RETRIES = env_int("LINKCHECK_RETRIES", 2, minimum=0)
LINKCHECK_RETRY_BASE_SECONDS = env_float("LINKCHECK_RETRY_BASE_SECONDS", 2.0, minimum=0)
LINKCHECK_ALLOWED_PORTS = env_ports("LINKCHECK_ALLOWED_PORTS", [80, 443])
# CIDRs let through the SSRF guard (which refuses every address that is not globally
# routable). Empty in production; the test suite opts in to loopback per test.
LINKCHECK_ALLOW_NETWORKS = env_networks("LINKCHECK_ALLOW_NETWORKS")
# httpx logs every request at INFO; a batch of checks would flood the log, and each
# check's result is recorded anyway.
LOGGING.setdefault("loggers", {}).setdefault("httpx", {"level": "WARNING"})

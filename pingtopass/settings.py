"""PingToPass settings: one module, every value read from the environment.

Defaults give the embedded shape (SQLite files for the data and the cache, tasks run in-process);
`.env.example` lists every variable. Production values make `manage.py check --deploy` clean.
"""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-change-me" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = "PingToPass"
# The domain emails name (django.contrib.sites, set by a migration and `seed`): the first allowed host.
SITE_DOMAIN = env("SITE_DOMAIN", default=next((h.lstrip(".") for h in ALLOWED_HOSTS if h != "*"), "localhost"))

INSTALLED_APPS = [
    "pingtopass.apps.AdminConfig",  # Django's admin on our site: pingtopass/admin.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django_htmx",
    "csp",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.headless",  # app sign-in for the JSON API (section "JSON API" below)
    "corsheaders",
    "ninja",  # the API's interactive docs, served from its static files
    "pingtopass",  # no models: its ready() installs the integer lookups (pingtopass/db/lookups.py)
    "accounts",
    "exams",
    "study",
    # Not last: accounts syncs role permissions on the last app's post_migrate, and an app without models sends none.
    "api",  # the JSON API at /api/v1/
    "growth",  # our own accounts on X: opportunities, drafts, the post queue, growth metrics (staff only)
    "ops",  # backups and restore, safe deploys, the staff analytics page
    "djstripe",
    "billing",
    "aigen",
]

MIDDLEWARE = [
    "pingtopass.middleware.RequestLogMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # above anything that answers on its own, so every API answer has its CORS headers
    # A view failing for the database: 503 with the truth; given a number too large for it: 400.
    "pingtopass.faults.FaultPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pingtopass.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.LastActiveMiddleware",
    "accounts.middleware.AppSignInPauseMiddleware",
]

ROOT_URLCONF = "pingtopass.urls"
WSGI_APPLICATION = "pingtopass.wsgi.application"
SITE_ID = 1

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
                "pingtopass.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Default: a SQLite file in WAL mode with a busy timeout, writes taken with BEGIN IMMEDIATE so
# concurrent writers wait instead of failing with "database is locked".
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
    "PRAGMA foreign_keys=ON;"
)
# Lower case: not a setting, so a token in the URL never shows on a debug page.
database_url = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if database_url.startswith("libsql:"):
    # libSQL (pingtopass/db/libsql): a local file, or an embedded replica of a Turso database.
    from pingtopass.db.libsql.config import database_from_url

    DATABASES = {
        "default": database_from_url(
            database_url,
            replica_path=env.str("LIBSQL_REPLICA_PATH", default=str(BASE_DIR / "libsql-replica.db")),
            sync_interval=env.str("LIBSQL_SYNC_INTERVAL", default="60"),
        )
    }
else:
    DATABASES = {"default": env.db_url_config(database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with a fair queue for writers (pingtopass/db/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "pingtopass.db.sqlite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": SQLITE_PRAGMAS, "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "pingtopass.db.libsql":
    # The same, except that "timeout" does the waiting: libSQL holds the GIL in its busy handler,
    # so the backend waits in Python. An embedded replica takes no PRAGMAs (libSQL forwards them
    # to the primary): its journal belongs to libSQL's sync.
    DATABASES["default"]["OPTIONS"].update({
        "init_command": ""
        if "sync_url" in DATABASES["default"]["OPTIONS"]
        else "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    })
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that hangs, or a query stuck behind a lock, must not hold a web worker until
    # gunicorn kills it at 60 s: connecting gives up after DATABASE_CONNECT_TIMEOUT, a statement
    # after DATABASE_STATEMENT_TIMEOUT seconds, and a host gone mid-query is noticed through TCP
    # keepalives within ~25 s. Options in DATABASE_URL win. DATABASE_STATEMENT_TIMEOUT=0 sends no
    # limit: for a long migration, or behind PgBouncer, which refuses the "options" parameter.
    database_options = DATABASES["default"].setdefault("OPTIONS", {})
    for name, value in {
        "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=5),
        "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
    }.items():
        database_options.setdefault(name, value)
    if statement_timeout_ms := int(env.float("DATABASE_STATEMENT_TIMEOUT", default=30) * 1000):
        database_options["options"] = f"-c statement_timeout={statement_timeout_ms} {database_options.get('options', '')}".strip()
# Keep connections between requests (a new SQLite connection costs ~2 ms of schema reading with
# this many tables; a PostgreSQL one more), checked before reuse. libSQL replicas open per request.
if DATABASES["default"]["ENGINE"] != "pingtopass.db.libsql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"]["NAME"] = env("TEST_DATABASE_NAME")
elif DATABASES["default"]["ENGINE"] == "pingtopass.db.sqlite":
    # Tests on SQLite run in memory, as with Django's own backend (pytest-django only knows
    # that one by name, and would otherwise derive a file name from NAME).
    DATABASES["default"]["TEST"]["NAME"] = ":memory:"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and tasks ------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Seconds to wait for Redis to accept a connection, and for an answer (cache, sessions, broker):
# far under gunicorn's 60 s request budget, so a Redis that hangs costs a request a second.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.5)
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
if REDIS_URL:
    # Fails soft (pingtopass/cache.py): while Redis is unreachable, pages are served without it
    # (sessions from the database) and each process tries it again every CACHE_COOL_DOWN seconds.
    CACHES = {
        "default": {
            "BACKEND": "pingtopass.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="ptp"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
                "COOL_DOWN": env.float("CACHE_COOL_DOWN", default=5.0),
            },
        }
    }
else:
    # A SQLite file of its own, shared by every process (gunicorn's workers): a cache per process
    # would count each rate limit once per worker and drop an invalidation on the others. Sessions
    # (cached_db) and rate-limit counters take about 1 KB each; past MAX_ENTRIES the soonest to
    # expire go (pingtopass/cache.py).
    CACHES = {"default": {"BACKEND": "pingtopass.cache.SQLiteCache",
                          "LOCATION": env.str("CACHE_PATH", default=str(BASE_DIR / "cache.sqlite3")),
                          "OPTIONS": {"MAX_ENTRIES": env.int("LOCAL_CACHE_ENTRIES", default=50_000)}}}

# Sessions are read on every request: keep them in the cache, written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Rendered Markdown kept per process (pingtopass/markdown.py): about 1 KB an entry.
MARKDOWN_CACHE_SIZE = env.int("MARKDOWN_CACHE_SIZE", default=100_000)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
# Without a broker, tasks run in-process, in the caller, so the embedded shape needs no worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it ends, not when it starts, so the message of one whose worker dies
# is handed out again: at once when a pool child is killed (the worker rejects it back to the
# queue), and after CELERY_VISIBILITY_TIMEOUT seconds unacknowledged when the whole worker is
# killed (Redis cannot tell a dead worker from a busy one; kombu's default is an hour). Both are
# safe because every task is safe to run twice: a generation job resumes from what it saved, and a
# copy handed out while its job still runs finds the job's lease held and returns. The timeout is
# longer than a job's lease (AI_JOB_LEASE_SECONDS) and the beat sweep that resumes a lost job, so
# with beat running the sweep resumes it first. One message at a time per worker process: a
# killed worker holds no others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300)}
# A broker that refuses or hangs costs whoever queues a task about CELERY_BROKER_TIMEOUT seconds
# (kombu's defaults wait forever on one that hangs), then the task is reported unqueued
# (pingtopass/queue.py) instead of a 500. Workers keep reconnecting on their own.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    socket_connect_timeout=CELERY_BROKER_CONNECTION_TIMEOUT, socket_timeout=CELERY_BROKER_CONNECTION_TIMEOUT
)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [  # Django's and allauth's, loading the signed-in user by a compiled query
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PingToPass] "
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env("GOOGLE_CLIENT_SECRET", default="")
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        **(
            {"APPS": [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}]}
            if GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET
            else {}
        ),
    }
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PingToPass <noreply@pingtopass.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- I18N / static --------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# English only: without the translation machinery every rendered number and date skips a
# per-thread language lookup (a tenth of the question card's CPU, bench/request_cost.py).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded files (question exhibits): "local" keeps them in MEDIA_ROOT and the app serves them
# (pingtopass/media.py); "s3" puts them in an S3-compatible object store that serves its own URLs.
# Its credentials are read by django-storages and boto3 from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or come from the machine's role.
MEDIA_STORAGE = env("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "local":
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            # Signed, expiring URLs for a private bucket; unused behind a custom domain.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=True),
            "signature_version": "s3v4",  # what every region and S3-compatible store accepts
            # A second upload of diagram.png gets a new name: the bytes behind a cached URL never change.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (production defaults follow DEBUG) --------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: scripts and styles only from our own origin, no inline script or style.
# form-action lists the third parties a form may redirect to (Google sign-in, Stripe Checkout).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https://accounts.google.com", "https://checkout.stripe.com", "https://billing.stripe.com"],
    }
}

# --- Logging: JSON lines, each with the id of the request or task it was written for --------
SLOW_REQUEST_MS = env.int("SLOW_REQUEST_MS", default=500)
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pingtopass.logging.JsonFormatter"}},
    "filters": {"request_id": {"()": "pingtopass.logging.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "pingtopass": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
# The worker logs through LOGGING too (Celery's own lines included, at its --loglevel), instead
# of replacing the root handler with its plain format, so its lines carry request_id as well.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- AI question generation (aigen) --------------------------------------------------------
AI_BASE_URL = env("AI_BASE_URL", default="https://openrouter.ai/api/v1")
AI_API_KEY = env("AI_API_KEY", default="")
AI_MODEL = env("AI_MODEL", default="qwen/qwen-2.5-72b-instruct")
# A batch of 10 questions is ~7,000 completion tokens: a large model needs minutes, not seconds.
AI_TIMEOUT_SECONDS = env.float("AI_TIMEOUT_SECONDS", default=180)
AI_MAX_RETRIES = env.int("AI_MAX_RETRIES", default=3)
AI_REQUESTS_PER_MINUTE = env.int("AI_REQUESTS_PER_MINUTE", default=20)
AI_MONTHLY_BUDGET_USD = env.float("AI_MONTHLY_BUDGET_USD", default=50.0)
AI_SITE_URL = env("AI_SITE_URL", default="https://pingtopass.com")
# Backoff before retry n (1, 2, ...) on 429/5xx/timeouts: AI_RETRY_BASE_SECONDS * 2**(n-1), capped.
AI_RETRY_BASE_SECONDS = env.float("AI_RETRY_BASE_SECONDS", default=1.0)
AI_RETRY_MAX_SECONDS = env.float("AI_RETRY_MAX_SECONDS", default=30.0)
AI_MAX_TOKENS = env.int("AI_MAX_TOKENS", default=8000)  # completion tokens per call
AI_BATCH_SIZE = min(env.int("AI_BATCH_SIZE", default=10), 10)  # questions asked for per call, at most 10
AI_FAILURE_BUDGET = env.int("AI_FAILURE_BUDGET", default=3)  # failed calls after which a job stops
# A running job whose worker has not renewed its lease for this long is stalled: its worker was
# lost, and the sweep below queues it again. A thread renews it while a request is in flight
# (aigen/lease.py), so it may be shorter than AI_TIMEOUT_SECONDS.
AI_JOB_LEASE_SECONDS = env.int("AI_JOB_LEASE_SECONDS", default=120)
AI_MAX_JOB_QUESTIONS = env.int("AI_MAX_JOB_QUESTIONS", default=200)
AI_PREGENERATE_PER_OBJECTIVE = env.int("AI_PREGENERATE_PER_OBJECTIVE", default=50)
# A generated stem whose normalised words (lowercase, no punctuation) match an existing question
# of the exam with a difflib ratio at or above this is a near-duplicate and is rejected.
AI_DUPLICATE_THRESHOLD = env.float("AI_DUPLICATE_THRESHOLD", default=0.85)
# USD per 1M tokens; "default" prices any model not listed. Override with AI_PRICES='{...}' (JSON).
AI_PRICES = env.json(
    "AI_PRICES",
    default={
        "qwen/qwen-2.5-72b-instruct": {"prompt": 0.12, "completion": 0.39},
        "default": {"prompt": 1.00, "completion": 3.00},
    },
)
# Tokens one generated question costs, for the budget estimate made before a job starts.
AI_ESTIMATED_TOKENS_PER_QUESTION = {"prompt": 400, "completion": 700}

# --- Stripe (billing) ----------------------------------------------------------------------
STRIPE_LIVE_MODE = env.bool("STRIPE_LIVE_MODE", default=False)
STRIPE_PUBLIC_KEY = env("STRIPE_PUBLIC_KEY", default="")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_PRICE_PRO_MONTHLY = env("STRIPE_PRICE_PRO_MONTHLY", default="")
STRIPE_PRICE_PRO_YEARLY = env("STRIPE_PRICE_PRO_YEARLY", default="")
STRIPE_TRIAL_DAYS = env.int("STRIPE_TRIAL_DAYS", default=7)  # first subscription only; 0 turns trials off
# dj-stripe: webhooks arrive at /stripe/webhook/<uuid>/ of a WebhookEndpoint row holding the
# signing secret (`manage.py billing_webhook_endpoint` creates it from STRIPE_WEBHOOK_SECRET).
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
# dj-stripe's migrations take over a minute on a fresh database. The test suite swaps them for one
# that creates its tables from its models (our own apps' migrations, with their triggers, still
# run); tests/billing/test_djstripe_migrations.py checks the real ones against the models.
if env.bool("DJSTRIPE_SKIP_MIGRATIONS", default=False):
    MIGRATION_MODULES = {"djstripe": "tests.djstripe_tables"}

# --- Billing: plans and entitlements (billing/entitlements.py decides) ----------------------
FREE_DAILY_QUESTIONS = env.int("FREE_DAILY_QUESTIONS", default=20)  # practice answers per local day
FREE_SIMULATIONS_PER_EXAM = env.int("FREE_SIMULATIONS_PER_EXAM", default=1)
BILLING_GRACE_DAYS = env.int("BILLING_GRACE_DAYS", default=3)  # past_due keeps Pro this long
# The plan of anyone without a subscription: "free", or "pro" to unlock everything for everyone
# (a self-hosted team site; the test suite, where billing is not what a test is about).
BILLING_DEFAULT_PLAN = env("BILLING_DEFAULT_PLAN", default="free")
# Amounts (in cents) the pricing page shows until dj-stripe has synced the Prices from Stripe.
BILLING_PRO_MONTHLY_CENTS = env.int("BILLING_PRO_MONTHLY_CENTS", default=1200)
BILLING_PRO_YEARLY_CENTS = env.int("BILLING_PRO_YEARLY_CENTS", default=9900)
BILLING_CURRENCY = env("BILLING_CURRENCY", default="usd")

# --- Seed ------------------------------------------------------------------------------------
SEED_DEMO_PASSWORD = env("SEED_DEMO_PASSWORD", default="pingtopass-demo")

CELERY_BEAT_SCHEDULE = {
    "expire-due-sessions": {"task": "study.sessions_expire_due", "schedule": 60.0},
    "fold-pending-progress": {"task": "study.progress_catch_up_stale", "schedule": 300.0},
    # A stalled generation job is queued again at most a minute after its lease lapses.
    "resume-lost-generation-jobs": {"task": "aigen.generation_jobs_resume", "schedule": 60.0},
}

# --- Rate limits (count/seconds), per signed-in user or per IP -------------------------------
RATE_LIMITS = {
    "answer": env("RATE_LIMIT_ANSWER", default="120/60"),
    "lab_line": env("RATE_LIMIT_LAB_LINE", default="240/60"),  # lines typed in CLI labs
    "feedback": env("RATE_LIMIT_FEEDBACK", default="10/3600"),
    "generation": env("RATE_LIMIT_GENERATION", default="20/3600"),
    # Deleting an account asks for the password: a stolen session must not be a password oracle.
    "account_delete": env("RATE_LIMIT_ACCOUNT_DELETE", default="5/3600"),
}
ACCOUNT_RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "reset_password": env("RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,5/m/key"),
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Behind proxies that append to X-Forwarded-For (a load balancer, a CDN), how many there are: the
# client is the entry that many from the right (entries further left are the client's own word).
# 0: the connection's address. allauth's sign-in limits count by the same address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- JSON API (api/): django-ninja at /api/v1/, apps signing in through allauth's headless mode --
# The HTML site stays: the links in the emails an app's sign-up and password reset send open its pages.
HEADLESS_ONLY = False
# Apps sign in at /_allauth/app/v1/ and hold a JWT access token and a refresh token; a browser signs
# in on the site and calls the API with its session cookie and CSRF token.
HEADLESS_CLIENTS = ("app",)
HEADLESS_TOKEN_STRATEGY = "allauth.headless.tokens.strategies.jwt.JWTTokenStrategy"  # noqa: S105 -- a class, not a secret
HEADLESS_JWT_ALGORITHM = "RS256"
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = env.int("API_ACCESS_TOKEN_SECONDS", default=300)
HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN = env.int("API_REFRESH_TOKEN_SECONDS", default=86400)
# Each request reads the token's session (from the cache): an access token stops working the moment
# its learner signs out, is deactivated or deletes the account, not minutes later.
HEADLESS_JWT_STATEFUL_VALIDATION_ENABLED = True
# The RSA key (PEM) that signs access tokens: every process must hold the same one, so production
# refuses to start without it (api/checks.py). Development and the test suite make one at start-up,
# and hand it to the processes they start (runserver's reloader, the suite's servers and workers).
HEADLESS_JWT_PRIVATE_KEY = env.str("HEADLESS_JWT_PRIVATE_KEY", multiline=True, default="")
if not HEADLESS_JWT_PRIVATE_KEY and (DEBUG or "pytest" in sys.modules):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    HEADLESS_JWT_PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    os.environ["HEADLESS_JWT_PRIVATE_KEY"] = HEADLESS_JWT_PRIVATE_KEY
# Browser origins other than the site's own that may call the API (an app's web build), e.g.
# CORS_ALLOWED_ORIGINS=https://app.pingtopass.com; none by default.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|_allauth)/"
CORS_ALLOW_HEADERS = ("accept", "authorization", "content-type", "x-csrftoken", "x-session-token")
CORS_EXPOSE_HEADERS = ("Retry-After",)
RATE_LIMITS["api_batch"] = env("RATE_LIMIT_API_BATCH", default="60/60")  # question batches per learner

# --- Growth on X (growth/): settings of the growth app only, below this line ---
# The X API v2 through xdk (X's SDK). The base URL is a setting so tests point it at a local server.
GROWTH_X_API_BASE_URL = env("GROWTH_X_API_BASE_URL", default="https://api.x.com")
GROWTH_X_AUTHORIZE_BASE_URL = env("GROWTH_X_AUTHORIZE_BASE_URL", default="https://x.com/i")
# The X app (developer portal: OAuth 2.0, type "Web App", callback https://<site>/growth/oauth/callback/).
GROWTH_X_CLIENT_ID = env("GROWTH_X_CLIENT_ID", default="")
GROWTH_X_CLIENT_SECRET = env("GROWTH_X_CLIENT_SECRET", default="")
# The X app's own bearer token (app-only), for GET /2/usage/tweets: the project's post usage
# against its cap, shown on the metrics page; empty: not read.
GROWTH_X_APP_BEARER_TOKEN = env("GROWTH_X_APP_BEARER_TOKEN", default="")
GROWTH_X_SCOPES = ["tweet.read", "tweet.write", "users.read", "offline.access"]
GROWTH_X_TIMEOUT_SECONDS = env.float("GROWTH_X_TIMEOUT_SECONDS", default=15)
# A network error is retried this many times, GROWTH_X_RETRY_BASE_SECONDS * 2**(n-1) apart.
GROWTH_X_NETWORK_RETRIES = env.int("GROWTH_X_NETWORK_RETRIES", default=3)
GROWTH_X_RETRY_BASE_SECONDS = env.float("GROWTH_X_RETRY_BASE_SECONDS", default=30)
# Access and refresh tokens are stored encrypted (Fernet) with the first of these keys; the others
# still decrypt, for rotation. Unset: a key derived from SECRET_KEY. Make one with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
GROWTH_TOKEN_KEYS = env.list("GROWTH_TOKEN_KEYS", default=[])
# Pay-per-use prices of the X API (USD). A resource read twice in one UTC day is charged once.
GROWTH_X_PRICES = env.json("GROWTH_X_PRICES", default={
    "post_read": "0.005", "user_read": "0.010", "post_create": "0.015", "post_create_with_url": "0.20",
})
# Spending limits for a calendar month (UTC): all accounts together; each account has its own cap too.
GROWTH_X_MONTHLY_CAP_USD = env.float("GROWTH_X_MONTHLY_CAP_USD", default=100.0)
# Reads per request: each post read costs, so searches ask for few and keep only the first page.
GROWTH_SEARCH_MAX_RESULTS = env.int("GROWTH_SEARCH_MAX_RESULTS", default=10)
GROWTH_OPPORTUNITY_HOURS = env.int("GROWTH_OPPORTUNITY_HOURS", default=24)  # an opportunity expires after
# What an opportunity's score is made of (0-100 in all): weights of its parts, each part 0..1.
GROWTH_SCORE_WEIGHTS = {"relevance": 35, "reach": 15, "velocity": 15, "recency": 15, "summoned": 20}
GROWTH_EVERGREEN_COOLDOWN_DAYS = env.int("GROWTH_EVERGREEN_COOLDOWN_DAYS", default=30)
GROWTH_EVERGREEN_MAX_REPOSTS = env.int("GROWTH_EVERGREEN_MAX_REPOSTS", default=3)
GROWTH_MONTHLY_FOLLOWER_TARGET = env.int("GROWTH_MONTHLY_FOLLOWER_TARGET", default=500)
# Where links in our posts point, with UTM tags (utm_source=x, utm_medium=social).
GROWTH_SITE_URL = env("GROWTH_SITE_URL", default=AI_SITE_URL)
# Tokens a draft is expected to take, for the AI budget check made before the model is called.
GROWTH_DRAFT_ESTIMATED_COMPLETION_TOKENS = 200
CELERY_BEAT_SCHEDULE.update({
    "growth-ingest": {"task": "growth.ingest_due", "schedule": env.float("GROWTH_INGEST_SECONDS", default=900.0)},
    "growth-publish-due-posts": {"task": "growth.posts_publish_due", "schedule": 60.0},
    "growth-expire-opportunities": {"task": "growth.opportunities_expire", "schedule": 1800.0},
    "growth-refresh-tokens": {"task": "growth.tokens_refresh_due", "schedule": 900.0},
    "growth-collect-metrics": {"task": "growth.metrics_collect", "schedule": env.float("GROWTH_METRICS_SECONDS", default=21600.0)},
    "growth-recycle-evergreen": {"task": "growth.evergreen_recycle", "schedule": 86400.0},
    "growth-purge-deleted-posts": {"task": "growth.posts_purge", "schedule": 3600.0},
})


# --- Operations (ops/): backups, deploys, staff analytics; settings of the ops app only, below this line ---
# After ops, whose dbrestore (ops/management/commands) takes the place of its own; not last: accounts
# syncs role permissions on the last app's post_migrate, and dbbackup has no models to send one.
INSTALLED_APPS.insert(INSTALLED_APPS.index("ops") + 1, "dbbackup")
APP_VERSION = env("APP_VERSION", default="")  # what a backup's manifest records; else `git describe`
# Backups (django-dbbackup): `manage.py dbbackup -z`, `manage.py dbrestore`, `manage.py mediabackup -z`.
# Where they go: a folder by default (BACKUP_DIR); any Django storage backend in production, e.g.
# BACKUP_STORAGE_BACKEND=storages.backends.s3.S3Storage and
# BACKUP_STORAGE_OPTIONS='{"bucket_name": "ptp-backups", "location": "db"}' (credentials as for media).
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
if "pytest" in sys.modules and not env("BACKUP_DIR", default=""):
    import tempfile

    # Never a developer's own backups; made only when a test writes a backup there.
    BACKUP_DIR = Path(tempfile.gettempdir()) / f"pingtopass-test-backups-{os.getpid()}"
STORAGES["dbbackup"] = {
    "BACKEND": env("BACKUP_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
    "OPTIONS": env.json("BACKUP_STORAGE_OPTIONS", default={})
    or {"location": str(BACKUP_DIR), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
}
# django-dbbackup picks a connector by ENGINE; ours are custom backends (ops/connectors.py).
DBBACKUP_CONNECTOR_MAPPING = {
    "pingtopass.db.sqlite": "ops.connectors.SQLiteConnector",
    "pingtopass.db.libsql": "ops.connectors.LibSQLConnector",
    "django.db.backends.postgresql": "ops.connectors.PostgreSQLConnector",
}
DBBACKUP_BACKUP_METADATA_SETTER = "ops.manifest.backup_metadata"  # the manifest: time, version, row counts
# In file names instead of the host's name, which changes with every container.
DBBACKUP_HOSTNAME = env("BACKUP_SERVER_NAME", default="pingtopass")
DBBACKUP_SEND_EMAIL = False  # a failed backup is logged and shown in /health/
BACKUP_MEDIA = env.bool("BACKUP_MEDIA", default=True)  # the daily backup takes uploaded files too
# Kept: the newest backup of each of the last BACKUP_KEEP_DAILY days and BACKUP_KEEP_WEEKLY weeks,
# and the last BACKUP_KEEP_PREDEPLOY taken by `manage.py deploy`.
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
BACKUP_KEEP_PREDEPLOY = env.int("BACKUP_KEEP_PREDEPLOY", default=3)
# /health/ reports the backup "stale" when the last good one is older than this (0: never).
BACKUP_MAX_AGE_HOURS = env.float("BACKUP_MAX_AGE_HOURS", default=26)
BACKUP_STATUS_FILE = "backup-status.json"  # in the backup storage: the last attempt, for /health/
BACKUP_HOUR_UTC = env.int("BACKUP_HOUR_UTC", default=3)
from celery.schedules import crontab  # noqa: E402 -- the ops block keeps to itself

# The daily backup, then the pruning of old ones; a failure is logged and shown in /health/.
CELERY_BEAT_SCHEDULE["backup-daily"] = {"task": "ops.backup_take_daily", "schedule": crontab(hour=BACKUP_HOUR_UTC, minute=17)}
# The staff analytics page (/ops/analytics/) is computed at most this often.
OPS_ANALYTICS_CACHE_SECONDS = env.int("OPS_ANALYTICS_CACHE_SECONDS", default=300)
# Prometheus metrics at /metrics (ops/metrics.py): for these addresses (the scraper's, as the
# server sees it), or any address sending "Authorization: Bearer <METRICS_TOKEN>".
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")

"""Settings shared by every environment. Values come from the environment (django-environ), with safe embedded
defaults for development: SQLite and Celery's filesystem broker under var/."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("RECKONER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    NEWSWATCH_ALLOW_PRIVATE_ADDRESSES=(bool, False),
)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "predictions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "predictions.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "predictions.middleware.AuditFallbackMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers go on while one writer writes, and IMMEDIATE
    # transactions take the write lock up front instead of failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Request bodies: the article import takes up to 1 MB of text; anything larger is refused with 400.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=1_048_576)
# The article import joins the rules' predictions with the sentences a small learned model (shipped with the code,
# run on the CPU: predictions/extraction/learned.py) takes for predictions; off: the rules alone.
EXTRACTION_LEARNED_READER = env.bool("EXTRACTION_LEARNED_READER", default=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES + 65_536

# Cache: Redis where REDIS_URL is set (shared locks across workers), else local memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # The cache only speeds pages up and counts the throttle's requests: when Redis is down, reads and writes of
    # the cache fail fast and are ignored (logged by django_redis), so readers still get answers; /healthz says 503.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=1.0),
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Readers' answers (search, tag and pundit index pages, the API's lists and their counts) are cached under the version
# of the public record, which every write moves; this long at most, for writes it does not see (raw SQL, queryset
# updates; predictions.readcache). 0: not cached.
READER_CACHE_SECONDS = env.int("READER_CACHE_SECONDS", default=600)

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "predictions.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["predictions.api.permissions.ReadOnlyOrEditor"],
    "DEFAULT_PAGINATION_CLASS": "predictions.api.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "predictions.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "predictions.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["predictions.api.throttling.RoleRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="120/min"),
        "consumer": env("THROTTLE_CONSUMER", default="600/min"),
        "editor": env("THROTTLE_EDITOR", default="1200/min"),
        "export": env("THROTTLE_EXPORT", default="20/hour"),  # GET /api/v1/export/, per client
    },
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Proxies in front of the app that append to X-Forwarded-For: 0 means the header is not trusted (the throttle
    # counts REMOTE_ADDR); behind one reverse proxy set NUM_PROXIES=1.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Reckoner API",
    "DESCRIPTION": "Predictions by pundits, their evidence and resolutions, and track records scored with proper "
    "scoring rules (Brier, log score, calibration).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from this server (drf-spectacular-sidecar), not a CDN: the CSP allows 'self' only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several serializers have a "status" field with different choices; name each enum.
    "ENUM_NAME_OVERRIDES": {
        "PredictionStatusEnum": "predictions.models.Status",
        "CreateStatusEnum": [("draft", "Draft"), ("published", "Published")],
        "CandidateStatusEnum": "predictions.models.CandidateStatus",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the API's one error shape (predictions.api.exceptions).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "predictions.api.exceptions.add_error_responses",
    ],
}

# --- Celery ---
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://localhost/")


def filesystem_broker_options(var_dir: Path) -> dict:
    """Celery's filesystem transport, in folders under var/: the embedded broker (no Redis needed)."""
    folder = var_dir / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(VAR_DIR)
else:
    # acks_late tasks come back after this long if their worker vanished.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # Sending a message does not retry the connection (kombu would wait 0 + 2 + 4 s): a write whose broker is
        # down must stay fast; the web process then recomputes in-process and the reconciliation beat catches up.
        # (The worker's consumer reconnects under its own settings, CELERY_BROKER_CONNECTION_*.)
        "max_retries": env.int("CELERY_PUBLISH_MAX_RETRIES", default=0),
        "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Polling, matching and scoring each have a queue, so each grows by adding workers that consume it.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "predictions.tasks.feed_poll_task": {"queue": "polling"},
    "predictions.tasks.poll_due_feeds_task": {"queue": "polling"},
    "predictions.tasks.match_items_task": {"queue": "matching"},
    "predictions.tasks.scores_update_task": {"queue": "scoring"},
    "predictions.tasks.skill_update_task": {"queue": "scoring"},
    "predictions.tasks.scores_reconcile_task": {"queue": "scoring"},
}
# Scores stale for longer than the grace (their message lost: a killed worker, a broker that was down) are
# recomputed by a beat task every SCORES_RECONCILE_SECONDS: repaired within grace + interval.
SCORES_RECONCILE_SECONDS = env.float("SCORES_RECONCILE_SECONDS", default=60.0)
SCORES_RECONCILE_GRACE_SECONDS = env.float("SCORES_RECONCILE_GRACE_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "reconcile-stale-scores": {
        "task": "predictions.tasks.scores_reconcile_task",
        "schedule": SCORES_RECONCILE_SECONDS,
        "options": {"expires": max(SCORES_RECONCILE_SECONDS - 5, 5)},
    },
    "mark-due-predictions": {
        "task": "predictions.tasks.mark_due_task",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
    # Each feed keeps its own interval (Feed.next_poll_at): this only dispatches the feeds that are due.
    "poll-due-feeds": {
        "task": "predictions.tasks.poll_due_feeds_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "newswatch-digest": {
        "task": "predictions.tasks.digest_task",
        "schedule": 86400.0,
        "options": {"expires": 3600},
    },
}

# --- News watch ---
NEWSWATCH_ALLOW_PRIVATE_ADDRESSES = env("NEWSWATCH_ALLOW_PRIVATE_ADDRESSES")
NEWSWATCH_MAX_BYTES = env.int("NEWSWATCH_MAX_BYTES", default=5 * 1024 * 1024)
NEWSWATCH_FETCH_TIMEOUT = env.float("NEWSWATCH_FETCH_TIMEOUT", default=30.0)  # seconds for a whole fetch
# A poll holds its feed this long at most; a poll whose worker died is taken over after it.
NEWSWATCH_POLL_LEASE_SECONDS = env.int("NEWSWATCH_POLL_LEASE_SECONDS", default=300)
NEWSWATCH_MAX_BACKOFF_SECONDS = env.int("NEWSWATCH_MAX_BACKOFF_SECONDS", default=86400)
NEWSWATCH_STORE_BATCH_SIZE = env.int("NEWSWATCH_STORE_BATCH_SIZE", default=500)  # items per committed batch
NEWSWATCH_MAX_CANDIDATES_PER_ITEM = env.int("NEWSWATCH_MAX_CANDIDATES_PER_ITEM", default=50)
# A match becomes a candidate from this score up: the highest threshold keeping recall >= 0.85 on the tuning part of
# the labelled set (bench/news_relevance.py prints the curve and both parts' figures).
NEWSWATCH_MIN_SCORE = env.float("NEWSWATCH_MIN_SCORE", default=0.2)
# At most this many new candidates per prediction per matching run (one poll's items), best first. 12: the seed's
# editorial lists 12 headlines of one day that all belong in the queue; a burst of 100
# (tests/fixtures/news_eval) does not.
NEWSWATCH_MAX_NEW_CANDIDATES_PER_PREDICTION = env.int("NEWSWATCH_MAX_NEW_CANDIDATES_PER_PREDICTION", default=12)
NEWSWATCH_CYCLE_THREADS = env.int("NEWSWATCH_CYCLE_THREADS", default=8)  # downloads at once in poll_feeds
# Fault-injection tests only: a pause after each committed batch, so that a worker can be killed mid-poll.
NEWSWATCH_BATCH_PAUSE_SECONDS = env.float("NEWSWATCH_BATCH_PAUSE_SECONDS", default=0.0)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="reckoner@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Security headers (every environment; HSTS, HTTPS redirect and secure cookies are in production.py) ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only; no plugins, no
# framing, forms post here only. The one hash is the small inline <style> of drf-spectacular's Swagger UI page
# (tests/test_hardening.py recomputes it). Pages that need an inline script use the request's csp_nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Integrity ---
# The hindsight guard (predictions.hindsight): logged more than this many days after it was made is "late".
LATE_LOGGING_DAYS = env.int("LATE_LOGGING_DAYS", default=7)

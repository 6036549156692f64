"""Settings for the KI social media registry.

Every setting is read from the environment (django-environ). The defaults run the portal on one
machine with no servers: SQLite, Celery on kombu's filesystem broker, console e-mail, files under
``var/``. Production points the same variables at PostgreSQL, Redis, SMTP and object storage.
Every variable is documented in docs/configuration.md.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kipolicy import settings_sso
from kipolicy.envvars import _bool, _int, _secret, env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def _database(url: str) -> dict:
    """Parse DATABASE_URL, refusing anything that is not a database we know."""
    scheme = urlsplit(url).scheme
    if scheme not in environ.Env.DB_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL has an unknown scheme {scheme!r}; use e.g. "
            "sqlite:///var/db.sqlite3 or postgres://user@host:5432/name"
        )
    config = environ.Env.db_url_config(url)
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database")
    if config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("CONN_MAX_AGE", _int("CONN_MAX_AGE", 60))
        config["CONN_HEALTH_CHECKS"] = True
    return config


# Off unless asked for: `make run` (scripts/run.sh) sets DEBUG=true for development.
DEBUG = _bool("DEBUG", False)

SECRET_KEY = _secret("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not DEBUG:
    # A production start without its key or host names stops here, with one line naming what is missing.
    _missing = [
        name
        for name, value in [("SECRET_KEY (or SECRET_KEY_FILE)", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)]
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"{' and '.join(_missing)} must be set when DEBUG is off; "
            "see docs/configuration.md (for development, set DEBUG=true)"
        )
if not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-only-for-debug"
if not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The portal's own address, used for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "core",
    "audit",
    "org",
    "notifications",
    "accounts",
    "approvals",
    "monitoring",
    "records",
    "watching",
    "reports",
    "demo",
    "health_check",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kipolicy.logs.UserIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "core.middleware.ServiceErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kipolicy.urls"
WSGI_APPLICATION = "kipolicy.wsgi.application"

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
                "django.template.context_processors.i18n",
                "org.context_processors.user_roles",
                "accounts.context_processors.account_permissions",
                "records.context_processors.records_permissions",
                "accounts.context_processors.register_queues",
            ],
        },
    },
]

DATABASES = {"default": _database(env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:inventory"
LOGOUT_REDIRECT_URL = "login"
# Passwords (issue 11): checked wherever a password is set through a form (the admin, Django's
# createsuperuser/changepassword); the demo seed sets its published password directly.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "org.passwords.PortalPasswordValidator"},
]
# Local accounts (issue 13): how long a password-reset link works, in seconds (Django's default is
# three days; the few local accounts are break-glass administrators, so two hours).
PASSWORD_RESET_TIMEOUT = _int("PASSWORD_RESET_TIMEOUT", 2 * 60 * 60)

# Swedish first, English second; times shown in Europe/Stockholm.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: console by default; EMAIL_URL=smtp://user:pass@host:587 (or smtp+tls://) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sociala medier KI <socialmedia@ki.se>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The communications department's shared mailbox (COMMS-1).
COMMS_EMAIL = env.str("COMMS_EMAIL", default="socialmedia@ki.se")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = _int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Celery: kombu's filesystem broker and a file result backend by default (no server needed);
# CELERY_BROKER_URL=redis://127.0.0.1:6379/0 in production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=f"file://{VAR_DIR / 'celery' / 'results'}")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "broker"),
        "data_folder_out": str(VAR_DIR / "celery" / "broker"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem://")
    else {"visibility_timeout": _int("CELERY_VISIBILITY_TIMEOUT", 3600)}
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in CELERY_BROKER_TRANSPORT_OPTIONS.values():
        if isinstance(folder, str):
            Path(folder).mkdir(parents=True, exist_ok=True)
if CELERY_RESULT_BACKEND.startswith("file://"):
    Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = _int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = _int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_RESULT_EXPIRES = 24 * 3600
# Also ask a worker to deliver new e-mails the moment their transaction commits. Off by default:
# then a web request never talks to the broker, and the 15-second job delivers.
NOTIFICATIONS_KICK_WORKER = _bool("NOTIFICATIONS_KICK_WORKER", False)
# An outbox row claimed longer ago than this is retried (its worker is taken to have died).
NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = _int("NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS", 600)
# A web request never waits for the broker: a failed publish is logged and the beat job delivers.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# Slow outbound work has its own queues, so that it never holds up e-mail and the sweep: run a
# worker with `-Q collect` (issue 17).
# Watching public profiles (issue 17) has queues of its own: `collect` (the collectors) and
# `capture` (headless Chromium, on workers that have it).
CELERY_TASK_ROUTES = {
    "watching.tasks.collect_profiles_task": {"queue": "collect"},
    "watching.capture_tasks.*": {"queue": "capture"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# Every periodic job is declared here, with when it fires (Europe/Stockholm).
CELERY_BEAT_SCHEDULE = {
    # every 15 seconds: deliver queued e-mails from the outbox (one indexed query when there are none)
    "send-notifications": {"task": "notifications.tasks.notifications_send_task", "schedule": 15.0},
    # every hour at :05: evaluate the compliance rules
    "sweep-compliance": {"task": "monitoring.tasks.compliance_sweep_task", "schedule": crontab(minute=5)},
    # every day at 08:00: reminders to owners and deputies
    "daily-reminders": {"task": "monitoring.tasks.reminders_send_task", "schedule": crontab(hour=8, minute=0)},
    # 09:00 Monday to Friday (the task itself skips public holidays): escalations to managers
    "escalations": {
        "task": "monitoring.tasks.escalations_send_task",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon-fri"),
    },
    # Monday 07:00: the communications department's weekly digest
    "weekly-digest": {
        "task": "monitoring.tasks.weekly_digest_task",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # every 15 minutes: the collectors look at the public profiles due (issue 17), each run for at
    # most WATCHING_RUN_SECONDS, on their own queue `collect` (CELERY_TASK_ROUTES)
    "collect-profiles": {"task": "watching.tasks.collect_profiles_task", "schedule": crontab(minute="*/15")},
    # every day at 08:30, after the 08:00 reminders: one e-mail to each person who chose the daily digest
    "daily-digest": {"task": "notifications.tasks.digest_send_task", "schedule": crontab(hour=8, minute=30)},
    # every hour at :35: delete report files whose download time has passed
    "purge-exports": {"task": "reports.tasks.exports_purge_task", "schedule": crontab(minute=35)},
    # 1 January and 1 July at 06:15: the half-year compliance reports, made and e-mailed (issue 16)
    "deliver-half-year-reports": {
        "task": "reports.tasks.half_year_reports_deliver_task",
        "schedule": crontab(minute=15, hour=6, day_of_month=1, month_of_year="1,7"),
    },
    # every day at 02:40: the compliance figures of the kept half years, for the report on screen
    "keep-report-figures": {"task": "reports.tasks.report_figures_keep_task", "schedule": crontab(hour=2, minute=40)},
    # every 2 minutes: run export jobs whose start message was lost (the broker was down)
    "run-pending-exports": {"task": "reports.tasks.export_jobs_run_pending_task", "schedule": 120.0},
    # every day at 06:40: queue captures of start pages due within 14 days (issue 17, REC-5)
    "schedule-captures": {
        "task": "watching.capture_tasks.captures_schedule_task",
        "schedule": crontab(hour=6, minute=40),
    },
}

# --- Webhooks (issue 14, docs/webhooks.md) ---
# every 30 seconds: send due webhook deliveries (one indexed query when there are none)
CELERY_BEAT_SCHEDULE["deliver-webhooks"] = {"task": "notifications.tasks.webhooks_deliver_task", "schedule": 30.0}
# Failed attempts in a row after which an endpoint is disabled and comms told.
WEBHOOKS_DISABLE_AFTER_FAILURES = _int("WEBHOOKS_DISABLE_AFTER_FAILURES", 20)
# Seconds to wait for an endpoint's answer.
WEBHOOKS_TIMEOUT_SECONDS = _int("WEBHOOKS_TIMEOUT_SECONDS", 10)
# host:port pairs an endpoint may use although they are http:// or resolve to an address that is not
# public (SSRF, core.outbound): the test suite's receiver or a developer's; empty in production.
WEBHOOKS_TRUSTED_ADDRESSES = env.list("WEBHOOKS_TRUSTED_ADDRESSES", default=[])

# Compliance windows and grace periods (days).
MONITORING_COVERAGE_LOOKAHEAD_DAYS = _int("MONITORING_COVERAGE_LOOKAHEAD_DAYS", 30)
MONITORING_SNAPSHOT_INTERVAL_DAYS = _int("MONITORING_SNAPSHOT_INTERVAL_DAYS", 182)
# REC-2: accounts on platforms that do not keep their content retrievable (the platform catalogue).
MONITORING_SNAPSHOT_SHORT_INTERVAL_DAYS = _int("MONITORING_SNAPSHOT_SHORT_INTERVAL_DAYS", 30)
MONITORING_SNAPSHOT_NOTICE_DAYS = _int("MONITORING_SNAPSHOT_NOTICE_DAYS", 14)
MONITORING_FOLLOW_UP_INTERVAL_DAYS = _int("MONITORING_FOLLOW_UP_INTERVAL_DAYS", 365)
MONITORING_SENDER_INTERVAL_DAYS = _int("MONITORING_SENDER_INTERVAL_DAYS", 365)
# START-1 (issue 15): the owner confirms who has access at least this often (13 months).
MONITORING_ACCESS_REVIEW_INTERVAL_DAYS = _int("MONITORING_ACCESS_REVIEW_INTERVAL_DAYS", 395)
MONITORING_INACTIVITY_DAYS = _int("MONITORING_INACTIVITY_DAYS", 182)
MONITORING_ESCALATION_GRACE_DAYS = _int("MONITORING_ESCALATION_GRACE_DAYS", 3)

# Reports and exports: a report over more accounts than this is made by a Celery job, and its
# file is kept for download for REPORTS_FILE_HOURS.
REPORTS_INLINE_MAX_ACCOUNTS = _int("REPORTS_INLINE_MAX_ACCOUNTS", 2000)
REPORTS_FILE_HOURS = _int("REPORTS_FILE_HOURS", 72)
# Half years whose compliance figures the nightly job keeps (reports.kept): the current one and
# those before it. A half year's report is read from them when its previous half year is kept too.
REPORTS_KEPT_HALF_YEARS = _int("REPORTS_KEPT_HALF_YEARS", 3)
# The compliance report's verdicts (reports.verdict): an area is met when its lowest figure reaches
# the first share, partly met from the second (environment: whole percent).
REPORT_VERDICT_MET = _int("REPORT_VERDICT_MET_PERCENT", 95) / 100
REPORT_VERDICT_PARTLY = _int("REPORT_VERDICT_PARTLY_PERCENT", 80) / 100
# Watching public profiles and start-page capture (issue 17): kipolicy/settings_watching.py.
from kipolicy.settings_watching import *  # noqa: E402, F403

# The half-year reports made and e-mailed on 1 January and 1 July (reports.delivery), in this language.
REPORTS_DELIVERY_LANGUAGE = os.environ.get("REPORTS_DELIVERY_LANGUAGE", "sv")

# Long lists (the inventory, the directory, a unit's accounts, registers, search) count at most
# this many rows past the page asked for and then say "more than N" (core.pagination, issue 12).
PAGINATION_COUNT_LIMIT = _int("PAGINATION_COUNT_LIMIT", 1000)
# A search (the inventory's, the directory's) counts its matches up to this many, and when they are
# no more than this its page sorts them instead of walking the whole list in order (issue 12).
PAGINATION_SEARCH_COUNT_LIMIT = _int("PAGINATION_SEARCH_COUNT_LIMIT", 10000)

# The REST API (DRF): personal tokens or the browser session; a token sees what its user sees.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "org.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "kipolicy.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KI social media registry API",
    "DESCRIPTION": "Accounts, units, findings and compliance figures; check-ins and screenshots.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: Swagger UI then draws each operation's path as text, not as a link inside
    # the operation's button (axe: nested-interactive, WCAG 4.1.2; issue 15).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "org.choices.UnitKind",
        "SnapshotKindEnum": "accounts.choices.SnapshotKind",
        "VerdictEnum": "reports.verdict.VERDICT_CHOICES",
        "RecordCategoryEnum": "records.choices.Category",
    },
}

# Demo data may only be written to a debug installation unless forced.
DEMO_PASSWORD = "kipolicy-demo"

# --- Operations: health checks, logs, error reporting (issue 11; docs/configuration.md) ---------
# /health/ (kipolicy/health.py): the last compliance sweep must have finished less than this many
# minutes ago, or the installation is unhealthy (beat or the workers have stopped).
HEALTH_SWEEP_MAX_AGE_MINUTES = _int("HEALTH_SWEEP_MAX_AGE_MINUTES", 120)
# Logs: one JSON object per line (time, level, logger, message, request_id, user_id) unless DEBUG
# is on or LOG_FORMAT=text; the Celery worker logs through the same handlers.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
from kipolicy.logs import logging_config  # noqa: E402

LOGGING = logging_config(json=LOG_FORMAT == "json", level=env.str("LOG_LEVEL", default="INFO").upper())
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Sentry: off unless SENTRY_DSN is set (kipolicy/sentry.py).
SENTRY_DSN = _secret("SENTRY_DSN", default="")
if SENTRY_DSN:
    from kipolicy.sentry import init as _sentry_init  # noqa: E402

    _sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=None),
    )

# --- Brute-force protection and rate limits (issue 11) ---
# The cache is where the rate limits count requests: it must be shared by every web process.
# Default: files under VAR_DIR/cache (shared by the gunicorn workers of one machine);
# CACHE_URL=redis://127.0.0.1:6379/2 in production (docs/configuration.md).
_cache_url = env.str("CACHE_URL", default="")
if _cache_url:
    try:
        CACHES = {"default": environ.Env.cache_url_config(_cache_url)}
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(f"CACHE_URL: {exc}; use e.g. redis://127.0.0.1:6379/2") from None
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }

# How many reverse proxies in front of the web process append to X-Forwarded-For (0: none, the
# client is REMOTE_ADDR). One client address for django-axes, the API throttles and the public
# rate limits (core.throttles.client_ip).
TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)


def _rate(name: str, default: str) -> str:
    """A rate such as 60/min: requests per second, minute, hour or day (DRF's format)."""
    raw = env.str(name, default=default).strip()
    count, _slash, period = raw.partition("/")
    if not count.isdigit() or int(count) < 1 or period[:1] not in {"s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"{name} must be requests per s, min, hour or day, e.g. 60/min, not {raw!r}")
    return raw


# Requests per client: "user" per API user (token or session), "anon" per IP for API requests
# without valid credentials, "people-search" per logged-in user (the person and account pickers),
# "search" per logged-in user (the search across everything, /search/),
# "password-reset" per IP on the password-reset form's posts (org.views_password), the others per IP
# on the public pages (core.throttles).
THROTTLE_RATES = {
    "user": _rate("RATE_LIMIT_API_USER", "600/min"),
    "anon": _rate("RATE_LIMIT_API_ANON", "60/min"),
    "directory": _rate("RATE_LIMIT_DIRECTORY", "60/min"),
    "directory-check": _rate("RATE_LIMIT_DIRECTORY_CHECK", "60/min"),
    "ping": _rate("RATE_LIMIT_PING", "30/min"),
    "people-search": _rate("RATE_LIMIT_PEOPLE_SEARCH", "120/min"),
    "search": _rate("RATE_LIMIT_SEARCH", "60/min"),
    "password-reset": _rate("RATE_LIMIT_PASSWORD_RESET", "5/hour"),
    "impostor-report": _rate("RATE_LIMIT_IMPOSTOR_REPORT", "10/hour"),
    "accessibility-report": _rate("RATE_LIMIT_ACCESSIBILITY_REPORT", "10/hour"),
}
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["core.throttles.UserRateThrottle", "core.throttles.AnonRateThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = THROTTLE_RATES
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "core.throttles.schema_add_throttled_response",
]

# django-axes: 5 failed logins for one username from one IP lock that pair out for 15 minutes
# (counted from the failure that locked it; attempts during the lockout do not extend it).
# axes' backend comes first so that it refuses before the password is checked; the API's token
# and session authentication do not go through these backends.
# The password backend is Django's ModelBackend refusing whom LOCAL_LOGIN excludes (org/logins_local.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "org.logins_local.LocalPasswordBackend"]
AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.throttles.client_ip"
AXES_LOCKOUT_CALLABLE = "org.logins.lockout_response"
AXES_VERBOSE = False
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}  # failures and lockouts, not every clean-up
# The collectors' requests (issue 17) are counted per run, not logged one by one.
LOGGING["loggers"]["httpx"] = {"level": "WARNING"}

# --- Single sign-on (issue 13): OIDC, SAML through SWAMID, who may use a password -----------------
# kipolicy/settings_sso.py reads the SSO_*, OIDC_*, SAML_* and LOCAL_LOGIN variables.
settings_sso.configure(globals())

# --- Audit trail (issue 11, defect 7): the daily verification of the hash chain -------------
# every day at 03:30: recompute the audit trail's hash chain; a break is mailed to comms once
CELERY_BEAT_SCHEDULE["verify-audit-chain"] = {
    "task": "monitoring.tasks.audit_chain_verify_task",
    "schedule": crontab(hour=3, minute=30),
}

# --- Security: Content-Security-Policy, HTTPS and cookies --------------------------------------------
# docs/deployment.md ("Production security settings") lists the values for which
# `manage.py check --deploy` reports no warning; .ci/run checks them.

# Content-Security-Policy on every response (django-csp): scripts and styles come only from the
# portal's own static files, never inline (no 'unsafe-inline', no 'unsafe-eval'); no plugins, no
# <base>, no framing, and forms post only to the portal. Images may also be data: URIs (Bootstrap's
# and Swagger UI's stylesheets draw their icons with them). A response that sets its own, stricter
# policy (uploaded evidence: "default-src 'none'; sandbox") keeps it: the middleware never replaces
# a header that is already there.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# HTTPS: off by default (a trial on http://localhost), on in production.
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # health probes of a load balancer or kubelet speak plain HTTP
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", False)
if _bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# With DEBUG off the session and CSRF cookies are Secure, and then carry the __Host- prefix: the
# browser accepts them only over HTTPS, for this host alone (no Domain), on path /.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

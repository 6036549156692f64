"""Settings for the KI social media registry.

Every setting is read from the environment (django-environ). The defaults run the portal on one
machine with no servers: SQLite, Celery on kombu's filesystem broker, console e-mail, files under
``var/``. Production points the same variables at PostgreSQL, Redis, SMTP and object storage.
Every variable is documented in docs/configuration.md.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = environ.Env()


def _secret(name: str, default=None):
    """Read NAME, or the file named by NAME_FILE (secrets mounted as files)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from exc
    return env.str(name, default=default)


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


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
    "csp",
    "core",
    "audit",
    "org",
    "notifications",
    "accounts",
    "approvals",
    "monitoring",
    "records",
    "reports",
    "demo",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "core.middleware.ServiceErrorMiddleware",
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
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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
    # every hour at :35: delete report files whose download time has passed
    "purge-exports": {"task": "reports.tasks.exports_purge_task", "schedule": crontab(minute=35)},
    # every 2 minutes: run export jobs whose start message was lost (the broker was down)
    "run-pending-exports": {"task": "reports.tasks.export_jobs_run_pending_task", "schedule": 120.0},
}

# Compliance windows and grace periods (days).
MONITORING_COVERAGE_LOOKAHEAD_DAYS = _int("MONITORING_COVERAGE_LOOKAHEAD_DAYS", 30)
MONITORING_SNAPSHOT_INTERVAL_DAYS = _int("MONITORING_SNAPSHOT_INTERVAL_DAYS", 182)
MONITORING_SNAPSHOT_NOTICE_DAYS = _int("MONITORING_SNAPSHOT_NOTICE_DAYS", 14)
MONITORING_FOLLOW_UP_INTERVAL_DAYS = _int("MONITORING_FOLLOW_UP_INTERVAL_DAYS", 365)
MONITORING_SENDER_INTERVAL_DAYS = _int("MONITORING_SENDER_INTERVAL_DAYS", 365)
MONITORING_INACTIVITY_DAYS = _int("MONITORING_INACTIVITY_DAYS", 182)
MONITORING_ESCALATION_GRACE_DAYS = _int("MONITORING_ESCALATION_GRACE_DAYS", 3)

# Reports and exports: a report over more accounts than this is made by a Celery job, and its
# file is kept for download for REPORTS_FILE_HOURS.
REPORTS_INLINE_MAX_ACCOUNTS = _int("REPORTS_INLINE_MAX_ACCOUNTS", 2000)
REPORTS_FILE_HOURS = _int("REPORTS_FILE_HOURS", 72)

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
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "org.choices.UnitKind",
        "SnapshotKindEnum": "accounts.choices.SnapshotKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Demo data may only be written to a debug installation unless forced.
DEMO_PASSWORD = "kipolicy-demo"


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

"""Logging: one JSON object per line (python-json-logger), with the request id and the user id.

- ``ContextFilter`` adds ``request_id`` (audit.context, set by audit's RequestIdMiddleware), ``user_id``
  (set below) and, in a Celery worker, ``task_id`` and ``task`` to every record.
- ``UserIdMiddleware`` sits after AuthenticationMiddleware and puts the signed-in user's id in a
  context variable for the rest of the request. (API requests with a token are authenticated later,
  by DRF in the view; their lines carry the request id but no user id.)
- ``logging_config`` builds the LOGGING dict: JSON by default, readable text when DEBUG is on or
  ``LOG_FORMAT=text``.
"""

import logging
from contextvars import ContextVar

from audit.context import request_id

user_id: ContextVar[int | None] = ContextVar("user_id", default=None)


class UserIdMiddleware:
    """Remember who is signed in (their id, never their name) for the log lines of this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = user_id.set(user.pk if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            user_id.reset(token)


class ContextFilter(logging.Filter):
    """Add request_id, user_id and (in a Celery task) task_id and task to each record."""

    def filter(self, record):
        record.request_id = request_id.get() or None
        record.user_id = user_id.get()
        try:
            from celery import current_task
        except ImportError:  # pragma: no cover - celery is a requirement
            current_task = None
        task = current_task if current_task and getattr(current_task, "request", None) else None
        record.task_id = getattr(task.request, "id", None) if task else None
        record.task = task.name if task is not None and record.task_id else None
        return True


# The JSON keys, in order; python-json-logger takes them from these record attributes.
JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(task_id)s %(task)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s u=%(user_id)s] %(message)s"


def logging_config(*, json: bool, level: str) -> dict:
    """The LOGGING setting: everything to standard error (the container log), one line per record."""
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        }
        if json
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "kipolicy.logs.ContextFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "default", "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # WeasyPrint logs every layout step at INFO; only its warnings matter.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }

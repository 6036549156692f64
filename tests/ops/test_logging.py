"""Logs: one JSON object per line with time, level, logger, message, request id and user id
(kipolicy/logs.py, python-json-logger); readable text when DEBUG is on or LOG_FORMAT=text."""

import datetime
import io
import json
import logging
import logging.config
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from kipolicy.celery import app as celery_app
from kipolicy.logs import logging_config
from tests import factories

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_logs():
    """The production logging configuration; its console handler writes to a buffer instead of stderr."""
    logging.config.dictConfig(logging_config(json=True, level="INFO"))
    buffer = io.StringIO()
    (console,) = logging.getLogger().handlers
    console.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.ops.urls")
def test_a_request_logs_a_json_line_with_its_request_id_and_user_id(client, json_logs):
    user = factories.UserFactory()
    client.force_login(user)

    response = client.get("/logs/", headers={"X-Request-ID": "req-abc-123"})

    assert response.status_code == 200
    (line,) = [line for line in json_logs() if line["logger"] == "kipolicy.test"]
    assert line["level"] == "INFO"
    assert line["message"] == "hello from a view"
    assert line["request_id"] == "req-abc-123"
    assert line["user_id"] == user.pk
    assert datetime.datetime.fromisoformat(line["time"]).tzinfo is not None


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.ops.urls")
def test_an_anonymous_request_has_a_request_id_and_no_user(client, json_logs):
    response = client.get("/logs/")

    (line,) = [line for line in json_logs() if line["logger"] == "kipolicy.test"]
    assert line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"]  # made by RequestIdMiddleware


def test_a_celery_task_logs_its_task_id(json_logs):
    @celery_app.task(name="tests.ops.log_something")
    def log_something():
        logging.getLogger("kipolicy.test").info("inside a task")

    result = log_something.apply()

    line = [line for line in json_logs() if line["logger"] == "kipolicy.test"][-1]
    assert line["message"] == "inside a task"
    assert line["task_id"] == result.id
    assert line["task"] == "tests.ops.log_something"


def formatter_of(tmp_path, **variables) -> subprocess.CompletedProcess:
    """The formatter the settings choose, in a fresh interpreter with the given variables."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT", "LOG_LEVEL", "SENTRY_DSN"}}
    env.update(DJANGO_SETTINGS_MODULE="kipolicy.settings", VAR_DIR=str(tmp_path), SECRET_KEY="x" * 50)
    env.update(ALLOWED_HOSTS="example.org", **variables)
    code = "from django.conf import settings as s; f = s.LOGGING['formatters']['default']; print(f.get('()', 'text'))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"DEBUG": "false"}, "pythonjsonlogger.json.JsonFormatter"),
        ({"DEBUG": "false", "LOG_FORMAT": "text"}, "text"),
        ({"DEBUG": "true"}, "text"),
    ],
)
def test_json_unless_debug_or_asked_for_text(tmp_path, variables, expected):
    result = formatter_of(tmp_path, **variables)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_an_unknown_log_format_is_refused(tmp_path):
    result = formatter_of(tmp_path, DEBUG="false", LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr

"""/health/ (kipolicy/health.py, monitoring/health.py): database, broker, storage and the compliance
sweep's freshness; JSON, 200 or 503, no login, no secrets."""

import asyncio
import datetime
import os
import threading

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.choices import RunStatus
from monitoring.health import SWEEP_JOB
from monitoring.models import CheckRun
from monitoring.services import compliance_sweep


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    """A writable MEDIA_ROOT of the test's own (the storage check writes and deletes a file)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def swept(hours_ago: float) -> CheckRun:
    finished = timezone.now() - datetime.timedelta(hours=hours_ago)
    return CheckRun.objects.create(
        job=SWEEP_JOB, started_at=finished - datetime.timedelta(seconds=5), finished_at=finished, status=RunStatus.OK
    )


@pytest.mark.django_db
def test_healthy_after_a_fresh_sweep(client):
    """No login is needed; every check is named and passes."""
    compliance_sweep()

    response = client.get("/health/")

    assert response.status_code == 200, response.json()
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "healthy"
    assert set(body["checks"]) == {"database", "broker", "storage", "sweep"}
    assert all(check == {"status": "ok", "message": "OK"} for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_sweep_three_hours_old_is_unhealthy_and_named(client):
    """Beat stopping is not silent (MON-1): 503 names the sweep; the other checks still pass."""
    swept(hours_ago=3)

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["sweep"]["status"] == "unavailable"
    assert "compliance sweep" in body["checks"]["sweep"]["message"]
    assert "180 minutes ago" in body["checks"]["sweep"]["message"]
    assert body["checks"]["database"]["status"] == "ok"
    # Readiness and liveness do not depend on beat: the pages still work.
    assert client.get("/health/ready/").status_code == 200
    assert client.get("/health/live/").status_code == 200


@pytest.mark.django_db
def test_the_threshold_is_a_setting(client, settings):
    swept(hours_ago=3)
    settings.HEALTH_SWEEP_MAX_AGE_MINUTES = 240

    assert client.get("/health/").status_code == 200


@pytest.mark.django_db
def test_a_failed_sweep_does_not_count_and_none_at_all_is_unhealthy(client):
    CheckRun.objects.create(job=SWEEP_JOB, started_at=timezone.now(), finished_at=timezone.now(), status="failed")

    body = client.get("/health/").json()

    assert body["checks"]["sweep"]["status"] == "unavailable"
    assert "none has finished" in body["checks"]["sweep"]["message"]


def _read_only_directory(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        pytest.skip("this user (root) may write into a read-only directory; the other case covers it")
    return folder


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["read-only directory", "path under a file"])
def test_storage_that_cannot_be_written_is_unhealthy(client, settings, tmp_path, where):
    compliance_sweep()
    if where == "read-only directory":
        settings.MEDIA_ROOT = _read_only_directory(tmp_path)
    else:  # nobody, root included, can create a directory inside a regular file
        (tmp_path / "a-file").write_text("x")
        settings.MEDIA_ROOT = tmp_path / "a-file" / "media"

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["status"] == "unavailable"
    assert client.get("/health/ready/").status_code == 503


@pytest.mark.django_db
def test_the_database_check_really_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/health/ready/")

    assert response.status_code == 200
    assert any(q["sql"].strip().upper() == "SELECT 1" for q in queries.captured_queries), queries.captured_queries


@pytest.mark.django_db
def test_no_secrets_in_the_answer(client):
    swept(hours_ago=3)

    text = client.get("/health/").content.decode()

    assert settings.SECRET_KEY not in text
    assert str(settings.MEDIA_ROOT) not in text
    assert settings.DATABASES["default"]["NAME"] not in text
    if settings.DATABASES["default"].get("PASSWORD"):
        assert settings.DATABASES["default"]["PASSWORD"] not in text


@pytest.mark.django_db
def test_a_missing_filesystem_broker_folder_is_unhealthy(client, settings, tmp_path):
    compliance_sweep()
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone"), "store_processed": False}

    body = client.get("/health/").json()

    assert body["checks"]["broker"] == {
        "status": "unavailable",
        "message": "Unavailable: filesystem broker: data_folder_in is missing or not writable",
    }


@pytest.mark.django_db
def test_an_unreachable_redis_broker_is_unhealthy(client, settings):
    compliance_sweep()
    settings.CELERY_BROKER_URL = "redis://:not-shown@127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "unavailable"
    assert "not-shown" not in response.content.decode()


@pytest.mark.django_db
def test_a_running_redis_broker_is_healthy(client, settings):
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    compliance_sweep()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"

    assert client.get("/health/").json()["checks"]["broker"]["status"] == "ok"


def _health_check_exit_code(*args) -> int | None:
    """Run `manage.py health_check …` on a thread of its own and return its exit status. The command
    calls asyncio.run(), which refuses a thread whose event loop is running, as the main thread's is
    once the browser tests' Playwright has started in the same session."""
    outcome = {}

    def run():
        try:
            call_command("health_check", *args)
        except SystemExit as exit_:
            outcome["code"] = exit_.code
        finally:  # close the check's connections, or PostgreSQL cannot drop the test database
            asyncio.run(sync_to_async(connections.close_all)())
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return outcome.get("code")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the migrations' rows back for later tests
def test_beats_healthcheck_command_exits_by_the_sweeps_age():
    """docker-compose's beat healthcheck: `manage.py health_check health-sweep --no-http`. Committed
    rows: the command runs its check on a thread of its own, with its own connection."""
    swept(hours_ago=0.5)
    fresh = _health_check_exit_code("health-sweep", "--no-http")
    CheckRun.objects.all().delete()
    swept(hours_ago=3)
    stale = _health_check_exit_code("health-sweep", "--no-http")

    assert fresh == 0
    assert stale == 1

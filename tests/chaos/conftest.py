"""Fixtures of the chaos tests (docs/reliability.md): servers of their own, stopped and started by
the scenario, and processes that are killed as a group however the test ends.

Every test here needs PostgreSQL (the worker, a second process, must reach the test database) and
redis-server; R4 also needs PostgreSQL's server binaries. Without them the tests skip and say why.
"""

import shutil

import pytest
from django.conf import settings

from tests.chaos.servers import PostgresCluster, Processes, RedisServer, SmtpSink, database_url, postgres_bin_dir


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/chaos/" in str(item.fspath):
            item.add_marker(pytest.mark.chaos)
            if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
                item.add_marker(
                    pytest.mark.skip(
                        reason="chaos tests need PostgreSQL (a worker in another process reaches the test "
                        "database); run with DATABASE_URL=postgres://…"
                    )
                )


@pytest.fixture
def redis_server():
    """A redis-server of the test's own on a free port; stopped and removed at the end."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (Debian package redis-server)")
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def pg_cluster():
    """A PostgreSQL cluster of the test's own (initdb in a temporary directory, a free port)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("needs PostgreSQL's server binaries (/usr/lib/postgresql/<version>/bin/initdb, pg_ctl)")
    cluster = PostgresCluster(bin_dir)
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.cleanup()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    try:
        yield sink
    finally:
        sink.close()


@pytest.fixture
def processes(tmp_path, redis_server, smtp_sink):
    """Subprocesses on the test database, the test's Redis and the SMTP sink."""
    pool = Processes(
        tmp_path,
        {
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis_server.url,
            "CELERY_RESULT_BACKEND": redis_server.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        },
    )
    try:
        yield pool
    finally:
        pool.cleanup()

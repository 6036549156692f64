"""R4: PostgreSQL is restarted in the middle of a compliance sweep (docs/reliability.md).

The test database (accounts with and without owners, monitored and not, and findings that have
drifted from the rules: some resolved that still hold, some open that no longer do) is copied into
a PostgreSQL cluster of the test's own, twice: "disturbed" and "undisturbed". On "disturbed" a
sweep runs in a separate process while the test holds a lock on the table the tenth rule reads,
so that the first nine rules have committed their findings when the cluster is restarted (a fast
shutdown cuts every session). That sweep fails; the next one, on the restarted cluster, must leave
exactly the open findings that one sweep on "undisturbed" leaves.
"""

import datetime
import subprocess
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from monitoring.models import Finding
from monitoring.services import compliance_sweep
from tests import factories
from tests.chaos.servers import Processes, wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OPEN_FINDINGS = "SELECT account_id || ':' || rule FROM monitoring_finding WHERE resolved_at IS NULL ORDER BY 1"
BLOCKED_TABLE = "records_inquiry"  # read by inquiry-overdue, the first rule after monitoring's nine


def _drifted_registry() -> None:
    """Accounts in several states, swept once, then findings made to disagree with the rules."""
    days_ago = timezone.now() - datetime.timedelta(days=5)
    for i in range(8):
        factories.SocialAccountFactory(name=f"KI Utan ägare {i}")
    for i in range(8):
        factories.staffed_account(name=f"KI Obevakad {i}", activated_at=days_ago)
    watched = []
    for i in range(8):
        account = factories.staffed_account(name=f"KI Bevakad {i}", activated_at=days_ago)
        factories.CheckInFactory(account=account, day=timezone.localdate())
        watched.append(account)
    compliance_sweep()
    # Drift: half the open findings resolved although they still hold, and open findings that
    # no longer hold (monitored accounts reported as unmonitored).
    open_ids = list(Finding.objects.filter(resolved_at__isnull=True).values_list("pk", flat=True))
    Finding.objects.filter(pk__in=open_ids[::2]).update(resolved_at=timezone.now())
    for account in watched:
        Finding.objects.get_or_create(
            account=account,
            rule="missed-monitoring",
            resolved_at=None,
            defaults={"opened_at": days_ago, "last_seen_at": days_ago},
        )


def _copy_test_database(pg_cluster, name: str) -> None:
    db = connection.settings_dict
    dump = subprocess.run(
        [
            str(pg_cluster.bin / "pg_dump"),
            "-Fc",
            "--no-owner",
            "--no-acl",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            db["NAME"],
        ],
        capture_output=True,
        timeout=120,
        check=True,
        env={"PGPASSWORD": db["PASSWORD"] or ""},
    )
    pg_cluster.psql("postgres", f"CREATE DATABASE {name}")
    subprocess.run(
        [str(pg_cluster.bin / "pg_restore"), "--no-owner", "--no-acl", "-h", "127.0.0.1", "-p", str(pg_cluster.port)]
        + ["-U", "postgres", "-d", name],
        input=dump.stdout,
        capture_output=True,
        timeout=120,
        check=True,
    )


def test_r4_a_sweep_cut_by_a_postgres_restart_converges_on_the_next_sweep(pg_cluster, tmp_path, capsys):
    _drifted_registry()
    _copy_test_database(pg_cluster, "disturbed")
    pg_cluster.psql("postgres", "CREATE DATABASE undisturbed TEMPLATE disturbed")
    before = pg_cluster.psql("disturbed", OPEN_FINDINGS).splitlines()

    processes = Processes(tmp_path, {})
    try:
        # 1. Hold the tenth rule's table, start a sweep on "disturbed" and wait until it is blocked.
        dsn = f"host=127.0.0.1 port={pg_cluster.port} user=postgres dbname=disturbed"
        locker = psycopg.connect(dsn)
        watcher = psycopg.connect(dsn, autocommit=True)  # pg_stat_activity is a snapshot inside a transaction
        locker.execute(f"LOCK TABLE {BLOCKED_TABLE} IN ACCESS EXCLUSIVE MODE")
        sweep = processes.start(
            "sweep-disturbed",
            "manage.py",
            "sweep_compliance",
            env={"DATABASE_URL": pg_cluster.url("disturbed")},
        )
        blocked = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'disturbed' AND wait_event_type = 'Lock' "
            f"AND query LIKE '%{BLOCKED_TABLE}%'"
        )
        wait_until(
            lambda: watcher.execute(blocked).fetchone()[0] == 1 or sweep.poll() is not None,
            "the sweep to reach the locked table",
            timeout=90,
            on_timeout=processes.log_tail,
        )
        assert sweep.poll() is None, processes.log_tail()
        halfway = pg_cluster.psql("undisturbed", "SELECT 1")  # the cluster answers
        partial = pg_cluster.psql("disturbed", OPEN_FINDINGS).splitlines()

        # 2. Restart the cluster under it (fast shutdown: every session is cut).
        restart_started = time.monotonic()
        pg_cluster.restart()
        restart = time.monotonic() - restart_started
        locker.close()
        watcher.close()
        sweep_status = sweep.wait(timeout=60)
        cut_run = pg_cluster.psql(
            "disturbed",
            "SELECT status || ',' || (finished_at IS NULL) FROM monitoring_checkrun ORDER BY id DESC LIMIT 1",
        )

        # 3. The next sweep on the restarted cluster, and one sweep on the undisturbed copy.
        recovery_started = time.monotonic()
        again = processes.manage("sweep-again", "sweep_compliance", env={"DATABASE_URL": pg_cluster.url("disturbed")})
        recovery = time.monotonic() - recovery_started
        control = processes.manage(
            "sweep-undisturbed", "sweep_compliance", env={"DATABASE_URL": pg_cluster.url("undisturbed")}
        )
    finally:
        processes.cleanup()

    converged = pg_cluster.psql("disturbed", OPEN_FINDINGS).splitlines()
    expected = pg_cluster.psql("undisturbed", OPEN_FINDINGS).splitlines()
    with capsys.disabled():
        print(
            f"\nR4: restart took {restart:.1f} s; the cut sweep exited {sweep_status} (its CheckRun: {cut_run}); "
            f"open findings {len(before)} before, {len(partial)} when cut, {len(converged)} after the next sweep "
            f"({recovery:.1f} s), {len(expected)} on the undisturbed copy"
        )
    assert halfway == "1"
    assert partial != before, "the first rules had committed when the restart came"
    assert sweep_status != 0, "the cut sweep failed"
    assert (again, control) == (0, 0), processes.log_tail()
    assert converged == expected
    assert converged != before

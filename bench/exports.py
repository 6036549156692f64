#!/usr/bin/env python
"""Benchmark the exports at 10 000 and 100 000 accounts: time and peak memory per format, on PostgreSQL.

    python bench/exports.py [--sizes 10000 100000] [--formats csv xlsx] [--database-url URL] [--keep]

For each size:

1. (Re)creates a dedicated benchmark database (default
   postgres://postgres@127.0.0.1:5432/kipolicy_bench_exports; its name must contain "bench"),
   migrates it and seeds it set-based with bulk_create: 200 units in a three-level tree (every
   third with a responsible manager), N/20 people, N active accounts (every 25th a student
   ambassador account), a current owner and deputy for each.
2. Measures each format in a **fresh subprocess** (so that one measurement's heap and caches
   cannot flatter the next): the process sets Django up and makes a small warm-up export, resets
   the kernel's peak-RSS counter (writes 5 to /proc/self/clear_refs), reads its resident set
   size (VmRSS), runs the export, and reads its peak RSS since the reset (VmHWM).
   "Peak growth" is peak minus the RSS before the export: the memory the export itself needed.
   RSS is what the operating system gives the worker, so it counts openpyxl's and psycopg's
   C-level buffers that tracemalloc would miss.
   - csv: the inventory page's export view (reports.views_exports.InventoryExportView), its
     streamed response written to a file, as a web server would send it;
   - xlsx: an export job (reports.jobs.export_job_start + export_job_run), which is how XLSX is
     made above REPORTS_INLINE_MAX_ACCOUNTS (2 000): openpyxl write-only, temporary file, storage.
3. Prints a table, and checks the target: peak growth at 100 000 at most 1.5x that at 10 000.

The compliance report (reports.compliance) is measured the same way, over all of KI for the
last 30 complete days: the seed adds, in SQL, a check-in on 6 of every 7 account-days (about
26 per account: 2.6 M rows at 100 000) and an open finding on every tenth account. Both the CSV
(the account table) and the XLSX (cover, accounts, units, findings by rule, weekly coverage) are
made by an export job, which is how a report over REPORTS_INLINE_MAX_ACCOUNTS is made.
"""

import argparse
import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kipolicy_bench_exports"
TARGET_RATIO = 1.5
N_UNITS = 200

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sweep import bench_url_ok, configure_django, drop_database, load, recreate_database  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="accounts to seed, per run")
    p.add_argument("--formats", nargs="+", default=["csv", "xlsx"], choices=["csv", "csv-semicolon", "xlsx"])
    p.add_argument(
        "--compliance",
        nargs="*",
        default=["csv", "xlsx"],
        choices=["csv", "xlsx"],
        help="compliance report formats to measure (none: skip the report)",
    )
    p.add_argument("--database-url", default=DEFAULT_URL, help=f"benchmark database (default {DEFAULT_URL})")
    p.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    p.add_argument("--measure", help=argparse.SUPPRESS)  # internal: run one measurement in this process
    p.add_argument("--var-dir", help=argparse.SUPPRESS)
    return p.parse_args(argv)


# --------------------------------------------------------------------------- memory


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])  # KiB
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_kib() -> int:
    """The current resident set size of this process, in KiB."""
    return _status("VmRSS")


def reset_peak_rss() -> bool:
    """Reset the kernel's peak RSS (VmHWM) to the current RSS (Linux >= 4.0), so that the peak
    read afterwards is the export's and not Django's start-up's. False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def peak_rss_kib() -> int:
    """The peak RSS since the last reset_peak_rss() (VmHWM), in KiB."""
    try:
        return _status("VmHWM")
    except (OSError, RuntimeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # since start: an upper bound


# --------------------------------------------------------------------------- seeding (bulk_create)


def seed(n: int) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.choices import AccountStatus, Classification, Origin, Role
    from accounts.models import Assignment, Platform, SocialAccount
    from org import roles
    from org.models import PATH_SEPARATOR, Unit, User

    counts = {}
    batch = 5000
    now = datetime.datetime.now(datetime.UTC)
    platform_ids = list(Platform.objects.values_list("pk", flat=True))
    n_users = max(60, n // 20)
    with transaction.atomic():
        users = [
            User(
                id=u,
                username=f"bench{u:06d}",
                first_name="Bench",
                last_name=f"Person {u}",
                email=f"bench{u}@ki.invalid",
                password="!",
            )
            for u in range(1, n_users + 1)
        ]
        User.objects.bulk_create(users, batch_size=batch)
        counts["people"] = n_users
        comms = User.objects.create(
            id=n_users + 1, username="bench-comms", first_name="Bench", last_name="Comms", password="!"
        )
        comms.groups.add(Group.objects.get_or_create(name=roles.COMMS)[0])

        units, paths = [], {}
        for pk in range(1, N_UNITS + 1):
            parent = None if pk == 1 else (1 if pk <= 11 else 2 + (pk % 10))
            path = (paths[parent] if parent else "") + f"{pk:08d}{PATH_SEPARATOR}"
            paths[pk] = path
            units.append(
                Unit(
                    id=pk,
                    name=f"Bench unit {pk}",
                    kind="department",
                    parent_id=parent,
                    manager_id=(pk % n_users) + 1 if pk % 3 == 0 else None,
                    path=path,
                    depth=path.count(PATH_SEPARATOR),
                )
            )
        Unit.objects.bulk_create(units)
        counts["units"] = N_UNITS

        def accounts():
            for a in range(1, n + 1):
                yield SocialAccount(
                    id=a,
                    name=f"KI bench account {a}",
                    platform_id=platform_ids[a % len(platform_ids)],
                    handle=f"bench{a}",
                    url=f"https://example.org/bench{a}",
                    unit_id=(a % N_UNITS) + 1,
                    classification=Classification.OFFICIAL if a % 25 else Classification.STUDENT_AMBASSADOR,
                    purpose="Benchmark account",
                    status=AccountStatus.ACTIVE,
                    origin=Origin.IMPORT,
                    activated_at=now - datetime.timedelta(days=a % 700),
                )

        counts["accounts"] = _bulk(SocialAccount, accounts(), batch)

        def assignments():
            for a in range(1, n + 1):
                owner = (a % n_users) + 1
                deputy = ((a + 7) % n_users) + 1
                yield Assignment(account_id=a, person_id=owner, role=Role.OWNER, started_at=now)
                yield Assignment(account_id=a, person_id=deputy, role=Role.DEPUTY, started_at=now)

        counts["assignments"] = _bulk(Assignment, assignments(), batch)
    with connection.cursor() as cursor:
        for model in (User, Unit, SocialAccount):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("VACUUM (ANALYZE)")
    return counts


COMPLIANCE_DAYS = 30


def seed_monitoring(n: int) -> dict:
    """Check-ins on 6 of every 7 account-days of the last COMPLIANCE_DAYS days and an open finding
    on every tenth account, written by PostgreSQL itself (generate_series)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO monitoring_checkin (created_at, updated_at, account_id, day, person_repr, source, note)
            SELECT now(), now(), a, d::date, 'bench', 'web', ''
            FROM generate_series(1, %s) AS a,
                 generate_series(current_date - %s, current_date - 1, interval '1 day') AS d
            WHERE (a + extract(day FROM d)::int) %% 7 <> 0
            """,
            [n, COMPLIANCE_DAYS],
        )
        checkins = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO monitoring_finding (created_at, updated_at, account_id, rule, opened_at, last_seen_at)
            SELECT now(), now(), a, 'missed-monitoring', now() - interval '3 days', now()
            FROM generate_series(10, %s, 10) AS a
            """,
            [n],
        )
        findings = cursor.rowcount
        cursor.execute("VACUUM (ANALYZE) monitoring_checkin, monitoring_finding")
    return {"checkins": checkins, "findings": findings}


def _bulk(model, objects, batch: int) -> int:
    n, chunk = 0, []
    for obj in objects:
        chunk.append(obj)
        if len(chunk) == batch:
            model.objects.bulk_create(chunk)
            n += len(chunk)
            chunk = []
    if chunk:
        model.objects.bulk_create(chunk)
        n += len(chunk)
    return n


# --------------------------------------------------------------------------- one measurement (subprocess)


def _comms_user():
    from org.models import User

    return User.objects.get(username="bench-comms")


def export_csv(var_dir: str, fmt: str, filters: dict) -> tuple[int, int]:
    """The inventory page's CSV export, its streamed body written to a file. (rows, bytes)"""
    from django.test import RequestFactory

    from reports.choices import ExportFormat
    from reports.views_exports import InventoryExportView

    query = dict(filters)
    if fmt == "csv-semicolon":
        query["sep"] = "semicolon"
    request = RequestFactory().get("/reports/exports/inventory.csv", query)
    request.user = _comms_user()
    response = InventoryExportView.as_view(fmt=ExportFormat.CSV)(request)
    lines = size = 0
    with open(Path(var_dir) / "export.csv", "wb") as out:
        for chunk in response.streaming_content:
            out.write(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    return lines - 1, size


def export_xlsx_job(filters: dict) -> tuple[int, int]:
    """An XLSX export job, started and run as a worker runs it. (rows, bytes)"""
    from unittest import mock

    from reports import jobs

    with mock.patch.object(jobs, "_publish"):  # run here, not on a broker
        job = jobs.export_job_start(actor=_comms_user(), kind="inventory", params={"filters": filters}, fmt="xlsx")
    job = jobs.export_job_run(job.pk)
    if job.status != "done":
        raise RuntimeError(f"export job failed: {job.error}")
    return job.progress_total, job.size


def compliance_job(fmt: str, unit: int | None) -> tuple[int, int]:
    """The compliance report for the last COMPLIANCE_DAYS complete days as an export job. (rows, bytes)"""
    from unittest import mock

    from org.calendar import local_day
    from reports import jobs

    today = local_day(datetime.datetime.now(datetime.UTC))
    params = {
        "unit": unit,
        "start": (today - datetime.timedelta(days=COMPLIANCE_DAYS)).isoformat(),
        "end": (today - datetime.timedelta(days=1)).isoformat(),
        "table": "accounts",
    }
    with mock.patch.object(jobs, "_publish"):
        job = jobs.export_job_start(actor=_comms_user(), kind="compliance", params=params, fmt=fmt)
    job = jobs.export_job_run(job.pk)
    if job.status != "done":
        raise RuntimeError(f"compliance job failed: {job.error}")
    return job.progress_total or 0, job.size


def measure(args) -> int:
    os.environ["MEDIA_ROOT"] = str(Path(args.var_dir) / "media")
    configure_django(args.database_url, args.var_dir)
    fmt = args.measure

    def run(filters):
        if fmt.startswith("compliance-"):
            # warm-up: one unit (about 1/200 of the accounts); the measurement: all of KI
            return compliance_job(fmt.removeprefix("compliance-"), 150 if filters else None)
        return export_xlsx_job(filters) if fmt == "xlsx" else export_csv(args.var_dir, fmt, filters)

    run({"q": "KI bench account 1000"})  # warm-up: imports, translations, content types, connection
    if not reset_peak_rss():
        print("cannot reset the peak RSS: the figure includes start-up", file=sys.stderr)
    before = rss_kib()
    start = time.perf_counter()
    rows, size = run({})
    seconds = time.perf_counter() - start
    peak = peak_rss_kib()
    print(
        json.dumps(
            {"rows": rows, "bytes": size, "seconds": seconds, "rss_before_kib": before, "peak_kib": peak},
        )
    )
    return 0


def measure_in_subprocess(url: str, var_dir: str, fmt: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--measure", fmt, "--database-url", url, "--var-dir", var_dir],
        capture_output=True,
        text=True,
        check=False,
        cwd=BASE_DIR,
    )
    if result.returncode:
        print(result.stdout, result.stderr, file=sys.stderr)
        raise RuntimeError(f"measurement of {fmt} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_compliance(url: str, var_dir: str, n: int, formats) -> list[tuple[str, dict]]:
    """The compliance report over all of KI, one fresh subprocess per format."""
    return [(fmt, measure_in_subprocess(url, var_dir, f"compliance-{fmt}")) for fmt in formats]


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.measure:
        return measure(args)
    url = args.database_url
    if not bench_url_ok(url):
        return 2
    var_dir = tempfile.mkdtemp(prefix="kipolicy-bench-exports-")
    configure_django(url, var_dir)
    from django.core.management import call_command
    from django.db import connection, connections

    results = []
    try:
        for n in args.sizes:
            connections.close_all()
            recreate_database(url)
            start = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            counts = seed(n)
            if args.compliance:
                counts.update(seed_monitoring(n))
            with connection.cursor() as cursor:
                cursor.execute("SELECT version()")
                pg = cursor.fetchone()[0].split(" on ")[0]
            print(f"\n{n:,} accounts seeded in {time.perf_counter() - start:.1f} s: {counts}; {pg}; {load()}")
            connections.close_all()
            for fmt in args.formats:
                m = measure_in_subprocess(url, var_dir, fmt)
                m.update(n=n, fmt=fmt, growth_kib=max(0, m["peak_kib"] - m["rss_before_kib"]))
                results.append(m)
                print(
                    f"  inventory {fmt:<13} {m['rows']:>8,} rows {m['seconds']:7.2f} s  "
                    f"peak growth {m['growth_kib'] / 1024:7.1f} MiB  peak RSS {m['peak_kib'] / 1024:7.1f} MiB  "
                    f"file {m['bytes'] / 1e6:6.1f} MB",
                    flush=True,
                )
            for fmt, m in bench_compliance(url, var_dir, n, args.compliance):
                m.update(n=n, fmt=f"compliance {fmt}", growth_kib=max(0, m["peak_kib"] - m["rss_before_kib"]))
                results.append(m)
                print(
                    f"  compliance {fmt:<12} {n:>8,} rows {m['seconds']:7.2f} s  "
                    f"peak growth {m['growth_kib'] / 1024:7.1f} MiB  peak RSS {m['peak_kib'] / 1024:7.1f} MiB  "
                    f"file {m['bytes'] / 1e6:6.1f} MB",
                    flush=True,
                )
    finally:
        connections.close_all()
        if args.keep:
            print(f"\nkept the database: {url}")
        else:
            drop_database(url)
        shutil.rmtree(var_dir, ignore_errors=True)

    print(f"\n{os.cpu_count()} CPUs; {load()}")
    print("| export | accounts | time | peak RSS growth | peak RSS | file |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for m in results:
        label = m["fmt"] if m["fmt"].startswith("compliance") else f"inventory {m['fmt']}"
        print(
            f"| {label} | {m['n']:,} | {m['seconds']:.2f} s | {m['growth_kib'] / 1024:.1f} MiB "
            f"| {m['peak_kib'] / 1024:.1f} MiB | {m['bytes'] / 1e6:.1f} MB |"
        )
    ok = True
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        for fmt in [*args.formats, *(f"compliance {f}" for f in args.compliance)]:
            a = next(m for m in results if m["n"] == small and m["fmt"] == fmt)
            b = next(m for m in results if m["n"] == large and m["fmt"] == fmt)
            ratio = b["growth_kib"] / max(a["growth_kib"], 1)
            verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
            ok &= ratio <= TARGET_RATIO
            print(f"{fmt}: peak growth at {large:,} / at {small:,} = {ratio:.2f} (target <= {TARGET_RATIO}) {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

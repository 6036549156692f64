#!/usr/bin/env python
"""CPU time of a page, in process, with the bench settings (DEBUG=false), and where it goes.

    python bench/profile_pages.py --database-url URL --picks FILE [--only TEXT] [--repeat 30] [--profile]

The database is one bench/seeding.py seeded (``--json FILE`` wrote the picks: logins and ids).
Each page of bench/http_pages.py's list (``--only`` filters on the label) is requested through
Django's test client, logged in with ``force_login`` as the page's client, --warmup times and then
--repeat times; it prints the median CPU time of the process per request (``time.process_time``:
the machine's other load does not count, unlike wall time; on a busy machine the minimum is
the steadier figure, so it is printed too), the median wall time (which includes the database's
time, not the process's), the time spent waiting for the database's answers (median and minimum
of the requests' sums) and the query count. With --profile,
cProfile's 25 costliest functions (cumulative and own time) of the timed requests of each page.
With --explain, each SELECT of the page under EXPLAIN (ANALYZE, BUFFERS): its execution time and
shared blocks (with --sql, its whole plan), in a transaction rolled back.
"""

import argparse
import cProfile
import io
import json
import pstats
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def explain(connection, sql: str, params) -> list[str]:
    """The plan of one query, run with EXPLAIN (ANALYZE, BUFFERS) in a transaction rolled back."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return plan


def summary(plan: list[str]) -> str:
    """The execution time and the shared blocks (hit + read) of the plan's top node."""
    blocks = 0
    for line in plan:
        if "Buffers: shared" in line:
            blocks = sum(int(n) for n in re.findall(r"(?:hit|read)=(\d+)", line.split("Buffers:")[1].split(",")[0]))
            break
    ms = next((line.split(":")[1].strip() for line in plan if line.startswith("Execution Time")), "?")
    return f"{ms:>12}  {blocks:7d} blocks"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", required=True)
    p.add_argument("--picks", required=True, help="the JSON bench/seeding.py --json wrote")
    p.add_argument("--only", action="append", help="pages whose label contains this text (repeatable)")
    p.add_argument("--client", help="only this client (anonymous, comms, manager, owner, registrar, auditor)")
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--sql", action="store_true", help="print each query of the page with its time")
    p.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS) each SELECT of the page (in a transaction rolled back): "
        "its execution time and shared blocks, and with --sql its plan",
    )
    p.add_argument("--save", help="write each page's HTML to DIR (to compare two versions)")
    p.add_argument("--dump", help="write each page's cProfile stats to DIR/<client>-<n>.prof")
    args = p.parse_args(argv)

    from http_pages import django_in_process, pages

    django_in_process(args.database_url, "kipolicy-profile-")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from org.models import User

    warnings.filterwarnings("ignore", message="No directory at")
    # The production manifest storage needs collected files; the pages only need the names.
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    picks = json.loads(Path(args.picks).read_text())
    who = [k for k in ("comms", "manager", "owner", "registrar", "auditor") if k in picks]
    users = {k: User.objects.get(username=picks[k]) for k in who}
    clients = {"anonymous": Client()}
    for k, u in users.items():
        clients[k] = Client()
        clients[k].force_login(u, backend="org.logins_local.LocalPasswordBackend")
    print(f"DEBUG={settings.DEBUG}; loaders: {settings.TEMPLATES[0]['OPTIONS'].get('loaders', 'default')}")
    for client, label, path, kind in pages(picks):
        if args.only and not any(o in label for o in args.only) and kind != "trivial":
            continue
        if args.client and client != args.client:
            continue
        c = clients[client]
        for _ in range(args.warmup):
            r = c.get(path)
        assert r.status_code == 200, (client, path, r.status_code, r.get("Location"))
        queries = []

        def count(execute, sql, params, *rest, queries=queries):
            start = time.perf_counter()
            try:
                return execute(sql, params, *rest)
            finally:
                queries.append(((time.perf_counter() - start) * 1000, sql, params))

        with connection.execute_wrapper(count):
            c.get(path)
        if args.sql:
            for ms, sql, params in queries:
                print(f"  {ms:8.1f} ms  {sql[:3000]}  {params}")
                if args.explain and sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    print("\n".join("      " + line for line in explain(connection, sql, params)))
        elif args.explain:
            for _ms, sql, params in queries:
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    plan = explain(connection, sql, params)
                    print(f"  {summary(plan)}  {sql[:160]}")
        times, walls, dbs = [], [], []
        prof = cProfile.Profile(time.process_time) if args.profile and kind != "trivial" else None

        def in_db(execute, sql, params, *rest, dbs=dbs):
            start = time.perf_counter()
            try:
                return execute(sql, params, *rest)
            finally:
                dbs[-1] += (time.perf_counter() - start) * 1000

        for _ in range(args.repeat):
            dbs.append(0.0)
            t, w = time.process_time(), time.perf_counter()
            if prof:
                prof.enable()
            with connection.execute_wrapper(in_db):
                r = c.get(path)
            if prof:
                prof.disable()
            times.append((time.process_time() - t) * 1000)
            walls.append((time.perf_counter() - w) * 1000)
        med = statistics.median(times)
        if args.save:
            name = f"{client}-{label.replace(' ', '_').replace(',', '')}.html"
            (Path(args.save) / name).write_bytes(r.content)
        print(
            f"{client:<9} {label:<42} cpu p50 {med:7.1f} ms  min {min(times):7.1f} ms  "
            f"wall p50 {statistics.median(walls):7.1f} ms  "
            f"db p50 {statistics.median(dbs):6.1f} min {min(dbs):6.1f} ms  "
            f"{len(r.content) / 1024:6.1f} KB  {len(queries)} queries"
        )
        if prof and args.dump:
            prof.dump_stats(str(Path(args.dump) / f"{client}-{label.replace(' ', '_').replace(',', '')}.prof"))
        if prof:
            for key in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats(key).print_stats(args.top)
                print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Benchmark one collection cycle (issue 17) against local fixture servers.

    python bench/collect.py [--accounts N] [--hosts H] [--rate R] [--database-url URL]

1. Creates a fresh benchmark database (default: SQLite in a temporary folder; a PostgreSQL URL
   must name a database containing "bench", which is dropped and recreated) and migrates it.
2. Seeds N active accounts (COPY-free bulk_create) on a "reachable" platform whose profile pages
   are served by H local fixture servers (one host each; 1 % of the profiles answer 404).
3. Runs watching.collect.collect_profiles once with WATCHING_RATE_PER_HOST=R, counting the SQL
   statements, and reads each server's request log: the most requests one host got in one second
   must not exceed R (+1: a request sent at the end of a one-second window may arrive in the next).
4. Runs it a second time (the steady state: conditional requests answered 304) and checks the
   run is idempotent (one observation per account, and one history row per account and day:
   both runs fall on the same day, so the second rewrites the day's rows).
5. Prints requests, the busiest host-second, statements per run and per batch, and the time per
   1 000 accounts. docs/performance.md ("Collection cycle") records the figures.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--accounts", type=int, default=100_000)
    p.add_argument("--hosts", type=int, default=8, help="local fixture servers, one host each (default 8)")
    p.add_argument("--rate", type=int, default=500, help="WATCHING_RATE_PER_HOST for the run (default 500/s)")
    p.add_argument("--database-url", default="", help="PostgreSQL URL (its name must contain 'bench')")
    return p.parse_args(argv)


def prepare_database(url: str) -> str:
    if not url:
        folder = tempfile.mkdtemp(prefix="collect-bench-")
        return f"sqlite:///{folder}/bench.sqlite3"
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit("The benchmark database's name must contain 'bench'.")
    import psycopg

    admin = urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def main(argv=None):
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = prepare_database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kipolicy.settings_test")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from accounts.choices import AccountStatus, Classification
    from accounts.models import Platform, SocialAccount
    from org.models import Unit
    from watching import fixture_routes as routes
    from watching.collect import collect_profiles
    from watching.fixture_servers import FixtureServer
    from watching.models import Observation, ObservationDay

    print(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; migrating …", flush=True)
    call_command("migrate", verbosity=0)
    page = routes.profile_page("/p")["/p"]
    servers = [FixtureServer().start() for _ in range(args.hosts)]
    for server in servers:
        server.httpd.routes = _Routes(page)
    platform = Platform.objects.get(slug="tiktok")
    unit = Unit.objects.create(name="Bench unit", kind="department")
    now = timezone.now()
    started = time.monotonic()
    SocialAccount.objects.bulk_create(
        [
            SocialAccount(
                name=f"Bench {i}",
                platform=platform,
                handle=f"b{i}",
                url=f"{servers[i % args.hosts].base}/{'gone' if i % 100 == 0 else 'p'}/{i}",
                unit=unit,
                classification=Classification.OFFICIAL,
                purpose="Bench",
                status=AccountStatus.ACTIVE,
                activated_at=now,
            )
            for i in range(args.accounts)
        ],
        batch_size=2000,
    )
    print(f"Seeded {args.accounts} accounts on {args.hosts} hosts in {time.monotonic() - started:.1f} s.", flush=True)

    trusted = [server.netloc for server in servers]
    results = {}
    with override_settings(WATCHING_TRUSTED_ADDRESSES=trusted, WATCHING_RATE_PER_HOST=args.rate):
        for run in ("first", "steady"):
            for server in servers:
                server.httpd.requests.clear()
            with CaptureQueriesContext(connection) as ctx:
                stats = collect_profiles()
            stamps = Counter()
            for server in servers:
                stamps.update((server.port, int(t)) for t in server.httpd.stamps)
                server.httpd.stamps.clear()
            results[run] = (stats, len(ctx.captured_queries), max(stamps.values()) if stamps else 0)
            if os.environ.get("BENCH_SHOW_SQL"):
                print(Counter(q["sql"][:60] for q in ctx.captured_queries).most_common(8))
    for server in servers:
        server.stop()
    observations = Observation.objects.count()
    history = ObservationDay.objects.count()
    batches = -(-args.accounts // settings.WATCHING_BATCH)
    print(f"\n{'run':8} {'accounts':>9} {'requests':>9} {'busiest host-s':>15} {'statements':>11} {'s/1000':>8}")
    for run, (stats, statements, busiest) in results.items():
        per_k = stats.seconds / max(stats.accounts, 1) * 1000
        print(f"{run:8} {stats.accounts:>9} {stats.requests:>9} {busiest:>15} {statements:>11} {per_k:>8.2f}")
        print(f"         outcomes: {dict(stats.outcomes)}")
    print(
        f"\nBatches of {settings.WATCHING_BATCH}: {batches}; statements per batch: "
        f"{results['first'][1] / batches:.1f}. Observations: {observations}, history rows: {history} "
        "(one per account, and per account and day: idempotent)."
    )
    # The limit counts fixed one-second windows when a request is sent; a request sent at the very
    # end of a window can arrive in the server's next second, so the server may see one more.
    ok = observations == history == args.accounts and all(b <= args.rate + 1 for _s, _n, b in results.values())
    print("Rate limit kept and idempotent." if ok else "FAILED: rate limit exceeded or observations wrong.")
    if not args.database_url:
        shutil.rmtree(Path(settings.DATABASES["default"]["NAME"]).parent, ignore_errors=True)
    return 0 if ok else 1


class _Routes(dict):
    """Every /p/<n> is the profile page (with an ETag), every /gone/<n> answers 404; the time of
    each request is kept for the rate check."""

    def __init__(self, page):
        super().__init__()
        status, headers, body = page
        self.page = (status, {**headers, "ETag": '"bench"'}, body)

    def get(self, path, default=None):
        return self.page if path.startswith("/p/") else default


if __name__ == "__main__":
    sys.exit(main())

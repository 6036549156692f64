#!/usr/bin/env python
"""Benchmark the compliance sweep against a naive per-account evaluation, on PostgreSQL.

    python bench/sweep.py [--accounts N] [--sample S] [--database-url URL] [--keep]
                          [--days D] [--repeat R] [--seed K] [--explain]

1. (Re)creates a dedicated benchmark database (default postgres://postgres@127.0.0.1:5432/kipolicy_bench;
   its name must contain "bench") and migrates it.
2. Seeds it with COPY: ~200 units in a tree with managers, N/20 people, N active accounts (plus 1 %
   non-governed ones), owners, deputies and ended assignments, absences (~5 % of people, clustered
   by unit so that owner and deputy overlap), 30 days (--days) of check-ins with gaps (~2.4 M rows at
   100 000), screenshots, sender confirmations and follow-ups, and the records rules' data (questions,
   removed posts, blocks: seed_records, shared with bench/http_pages.py). Then VACUUM ANALYZE.
3. Times monitoring.services.compliance_sweep: the first run opens every finding, then R (default 2)
   idempotent steady-state runs; counts the statements and splits the time by kind (rule queries,
   reading open findings, inserting, resolving, marking seen, Python); then each rule's query alone.
4. Times a naive evaluator (written here: per-account ORM queries, the obvious way) on a random
   sample of S accounts, counting queries.
5. Checks that the naive evaluator and the sweep's open findings agree on the sample, rule by rule.
6. Prints a table; with --explain (or when the target is missed) EXPLAIN ANALYZE of the slowest
   rule queries. Drops the database unless --keep.

Target (2-core machine, 100 000 accounts, also with --days 365): steady-state sweep <= 2 s, first sweep
<= 5 s (issue 12; it was < 10 s before), and >= 20x faster per account than naive.
See bench/README.md and docs/performance.md.
"""

import argparse
import datetime
import functools
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kipolicy_bench"
TARGET_SECONDS_PER_100K = 2.0  # the steady-state sweep
TARGET_FIRST_SECONDS_PER_100K = 5.0  # the first sweep, which opens every finding
TARGET_RATIO = 20.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--accounts", type=int, default=100_000, help="active accounts to seed (default 100 000)")
    p.add_argument("--sample", type=int, default=500, help="accounts the naive evaluator checks (default 500)")
    p.add_argument("--database-url", default=DEFAULT_URL, help=f"benchmark database (default {DEFAULT_URL})")
    p.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database a --keep run seeded (same --accounts): migrate it, delete the findings, "
        "sweep again; implies --keep",
    )
    p.add_argument("--seed", type=int, default=20240601, help="random seed of the generated data")
    p.add_argument("--days", type=int, default=30, help="days of check-in history to seed (default 30)")
    p.add_argument("--repeat", type=int, default=2, help="steady-state sweeps after the first (default 2)")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every rule's query")
    return p.parse_args(argv)


# --------------------------------------------------------------------------- database lifecycle


def _db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _maintenance_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = _db_name(url)
    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            print(f"database {name} exists (an earlier --keep run?): dropping it to seed afresh")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_exists(url: str) -> bool:
    import psycopg

    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_db_name(url)]).fetchone())


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_db_name(url))))


def configure_django(url: str, var_dir: str) -> None:
    # Production-like settings: DEBUG off (no query log kept by Django), the bench database.
    os.environ["DJANGO_SETTINGS_MODULE"] = "kipolicy.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ["VAR_DIR"] = var_dir  # keep the settings' Celery folders out of the project's var/
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# --------------------------------------------------------------------------- measuring


def statement_kind(sql: str) -> str:
    """What a statement of the sweep is for (for the time breakdown)."""
    head = sql.lstrip()[:60].upper()
    if "MONITORING_CHECKRUN" in sql.upper()[:200]:
        return "job-run record"
    if head.startswith(('INSERT INTO "MONITORING_FINDING"', "INSERT INTO MONITORING_FINDING")):
        return "insert new findings"
    if head.startswith("SET CONSTRAINTS") and sql.rstrip().upper().endswith("IMMEDIATE"):
        return "foreign-key checks of new findings"
    if head.startswith('INSERT INTO "MONITORING_RULEEVALUATION"'):
        return "record rule evaluations"
    if head.startswith('UPDATE "MONITORING_FINDING" SET "LAST_SEEN_AT"'):
        return "mark open findings seen"
    if head.startswith('UPDATE "MONITORING_FINDING"'):
        return "resolve cleared findings"
    if head.startswith("SELECT") and 'FROM "MONITORING_FINDING"' in sql.upper():
        return "read open findings"
    if head.startswith("SELECT"):
        return "rule queries"
    return "other"


class QueryCounter:
    """connection.execute_wrapper that counts statements and sums their time by kind (cheaper
    than CaptureQueriesContext: no SQL kept)."""

    def __init__(self):
        self.count = 0
        self.seconds: dict[str, float] = {}

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = statement_kind(sql)
            self.seconds[kind] = self.seconds.get(kind, 0.0) + time.perf_counter() - start


def timed(fn, *args, **kwargs):
    """(result, seconds, statements, seconds by statement kind)."""
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        elapsed = time.perf_counter() - start
    counter.seconds["Python (outside the database)"] = elapsed - sum(counter.seconds.values())
    return result, elapsed, counter.count, counter.seconds


def cpu_seconds() -> float | None:
    """CPU time used so far by this process and by its PostgreSQL backend (read from /proc: the
    server runs on this machine), or None where that cannot be read. Unlike the elapsed time it
    hardly depends on what else the machine runs; it leaves out parallel query workers."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, IndexError, ValueError):
        return None
    return time.process_time() + backend


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


# --------------------------------------------------------------------------- seeding


def copy_rows(model, fields: list[str], rows) -> int:
    """COPY rows (tuples in the order of `fields`) into the model's table. Returns the row count.

    Foreign-key triggers are off during the COPY (session_replication_role = replica; the role
    must be a superuser): checking 2.4 M check-ins row by row at commit costs about as much as
    the COPY itself. validate_foreign_keys() checks every seeded foreign key afterwards, set-based.
    Without superuser rights the triggers stay on (slower, same result)."""
    from django.db import connection, transaction

    table = model._meta.db_table
    # Columns the rows leave out but the table requires get the field's default (Django sets
    # defaults in Python, not in the table): a field added later does not break the seeding.
    named = {model._meta.get_field(f).column for f in fields}
    filled = [
        f
        for f in model._meta.concrete_fields
        if f.column not in named and not f.null and not f.primary_key and f.get_default() is not None
    ]
    extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in filled)
    columns = ", ".join([*(model._meta.get_field(f).column for f in fields), *(f.column for f in filled)])
    n = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if _is_superuser():
            cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *extra) if extra else row)
                n += 1
    return n


@functools.cache
def _is_superuser() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


def validate_foreign_keys(models) -> None:
    """One anti-join per foreign key of the seeded tables: the COPY skipped the FK triggers."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                child, column = model._meta.db_table, field.column
                parent = field.related_model._meta.db_table
                target = field.target_field.column
                cursor.execute(
                    f"SELECT count(*) FROM {child} c LEFT JOIN {parent} p ON p.{target} = c.{column} "
                    f"WHERE c.{column} IS NOT NULL AND p.{target} IS NULL"
                )
                broken = cursor.fetchone()[0]
                if broken:
                    raise RuntimeError(f"seeding bug: {broken} rows of {child}.{column} point nowhere")


def reset_sequence(model) -> None:
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


class Seeder:
    """Generates the data set, deterministically from the seed, relative to `now`."""

    N_UNITS = 200

    def __init__(self, n_accounts: int, seed: int, now: datetime.datetime, days: int = 30):
        from org.calendar import day_start, local_day

        self.rng = random.Random(seed)
        self.n = n_accounts
        self.days = days
        self.n_extra = max(4, n_accounts // 100)  # not governed: drafts, being/decommissioned
        self.n_users = max(60, n_accounts // 20)
        self.now = now
        self.today = local_day(now)
        self.day_start = day_start
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    def _step(self, label, fn):
        start = time.perf_counter()
        n = fn()
        self.timings[label] = time.perf_counter() - start
        self.counts[label] = n
        print(f"  {label:<24} {n:>10,} rows  {self.timings[label]:7.1f} s", flush=True)

    def run(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        self._step("platforms", self.platforms)
        self._step("users", self.users)
        self._step("units", self.units)
        self._step("accounts", self.accounts)
        self._step("assignments", self.assignments)
        self._step("absences", self.absences)
        self._step("covers", self.covers)
        self._step("check-ins", self.checkins)
        self._step("snapshots", self.snapshots)
        self._step("sender confirmations", self.sender_confirmations)
        self._step("follow-ups", self.follow_ups)
        self._step("records", self.records)
        start = time.perf_counter()
        validate_foreign_keys(self.seeded_models())
        self.timings["foreign keys"] = time.perf_counter() - start
        print(f"  {'foreign keys checked':<24} {'':>10}       {self.timings['foreign keys']:7.1f} s", flush=True)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")  # the sweep is timed with the server's setting
            cursor.execute("VACUUM (ANALYZE)")
        self.timings["vacuum analyze"] = time.perf_counter() - start
        print(f"  {'VACUUM (ANALYZE)':<24} {'':>10}       {self.timings['vacuum analyze']:7.1f} s", flush=True)

    @staticmethod
    def seeded_models():
        from accounts.models import Assignment, SenderConfirmation, Snapshot, SocialAccount
        from monitoring.models import CheckIn, Cover, FollowUp
        from org.models import Absence, Unit, User

        return [
            User,
            Unit,
            SocialAccount,
            Assignment,
            Absence,
            Cover,
            CheckIn,
            Snapshot,
            SenderConfirmation,
            FollowUp,
        ]

    # -- reference data

    def platforms(self):
        from accounts.models import Platform

        # Every real platform has a description; give one none in the bench so that the
        # sender rule's second branch (the visitor notice does not apply) is exercised.
        Platform.objects.filter(slug="wechat").update(has_description=False)
        rows = list(Platform.objects.values_list("pk", "has_description"))
        self.platform_ids = [pk for pk, _d in rows]
        self.has_description = dict(rows)
        return len(rows)

    def users(self):
        from org.models import User

        rng = self.rng
        ts = self.now - datetime.timedelta(days=800)
        self.user_ids = list(range(1, self.n_users + 1))
        # Each person belongs to a unit; accounts are kept by people of their unit.
        self.home_unit = {u: rng.randint(1, self.N_UNITS) for u in self.user_ids}
        self.people_of: dict[int, list[int]] = {}
        for u, unit in self.home_unit.items():
            self.people_of.setdefault(unit, []).append(u)
        # 0.5 % have left KI (user deactivated): their roles do not count as held.
        self.inactive = set(rng.sample(self.user_ids, max(1, self.n_users // 200)))
        fields = ["id", "password", "is_superuser", "username", "first_name", "last_name", "email"]
        fields += ["is_staff", "is_active", "date_joined", "language", "notification_mode"]
        rows = (
            (u, "!bench", False, f"bench{u:06d}", "Bench", f"Person {u}", f"bench{u}@ki.invalid", False)
            + (u not in self.inactive, ts, "sv", "immediate")
            for u in self.user_ids
        )
        n = copy_rows(User, fields, rows)
        reset_sequence(User)
        return n

    def units(self):
        """A four-level tree: the university (no manager), 10 departments (2 without a manager),
        40 divisions (70 % managed), the rest research groups (30 % managed). Subtrees with no
        manager anywhere on the way up break RESP-1."""
        from org.choices import UnitKind
        from org.models import Unit

        rng = self.rng
        n = self.N_UNITS
        parent: dict[int, int | None] = {1: None}
        kind = {1: UnitKind.UNIVERSITY_ADMINISTRATION}
        manager: dict[int, int | None] = {1: None}
        level2 = list(range(2, 12))
        level3 = list(range(12, 52))
        for u in level2:
            parent[u], kind[u] = 1, UnitKind.DEPARTMENT if u % 3 else UnitKind.OFFICE
            manager[u] = None if u in (10, 11) else rng.choice(self.user_ids)
        for u in level3:
            parent[u], kind[u] = rng.choice(level2), UnitKind.DIVISION
            manager[u] = rng.choice(self.user_ids) if rng.random() < 0.7 else None
        for u in range(52, n + 1):
            parent[u], kind[u] = rng.choice(level3), UnitKind.RESEARCH_GROUP
            manager[u] = rng.choice(self.user_ids) if rng.random() < 0.3 else None
        path: dict[int, str] = {}
        for u in range(1, n + 1):  # parents have smaller ids
            path[u] = (path[parent[u]] if parent[u] else "") + f"{u:08d}/"
        self.unit_ids = list(range(1, n + 1))
        ts = self.now - datetime.timedelta(days=800)
        fields = ["id", "created_at", "updated_at", "name", "name_en", "kind", "parent", "manager"]
        fields += ["registry_email", "path", "depth"]
        rows = (
            (u, ts, ts, f"Enhet {u}", f"Unit {u}", kind[u], parent[u], manager[u], "", path[u], path[u].count("/"))
            for u in self.unit_ids
        )
        count = copy_rows(Unit, fields, rows)
        reset_sequence(Unit)
        return count

    # -- accounts and who keeps them

    def accounts(self):
        from accounts.choices import AccountStatus, Classification, Origin
        from accounts.models import SocialAccount

        rng = self.rng
        now = self.now
        self.account_ids = list(range(1, self.n + self.n_extra + 1))
        self.governed_ids = self.account_ids[: self.n]
        extra_statuses = [
            AccountStatus.DRAFT,
            AccountStatus.AWAITING_MANAGER,
            AccountStatus.DECOMMISSIONING,
            AccountStatus.DECOMMISSIONED,
        ]
        self.status, self.activated, self.unit_of, self.platform_of = {}, {}, {}, {}
        rows = []
        for a in self.account_ids:
            if a <= self.n:
                status = AccountStatus.ACTIVE
                # Spread over two years; ~0.5 % activated in the last two days (no full day missed yet).
                age = rng.uniform(0, 2) if rng.random() < 0.005 else rng.uniform(0, 730)
                activated = now - datetime.timedelta(days=age)
            else:
                status = extra_statuses[a % len(extra_statuses)]
                activated = (
                    now - datetime.timedelta(days=rng.uniform(30, 730))
                    if status in (AccountStatus.DECOMMISSIONING, AccountStatus.DECOMMISSIONED)
                    else None
                )
            unit = rng.randint(1, self.N_UNITS)
            platform = rng.choice(self.platform_ids)
            self.status[a], self.activated[a], self.unit_of[a], self.platform_of[a] = status, activated, unit, platform
            created = (activated or now) - datetime.timedelta(days=20)
            rows.append(
                (
                    a,
                    created,
                    created,
                    f"KI bench account {a}",
                    platform,
                    f"bench{a}",
                    "",
                    unit,
                    Classification.OFFICIAL if a % 25 else Classification.STUDENT_AMBASSADOR,
                    "Benchmark account",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    status,
                    Origin.IMPORT,
                    activated,
                    None,
                    False,
                    "",
                )
            )
        fields = ["id", "created_at", "updated_at", "name", "platform", "handle", "url", "unit", "classification"]
        fields += ["purpose", "goal", "strategy_link", "operational_benefit", "audience_benefit", "target_audiences"]
        fields += ["success_measures", "resource_assessment", "holiday_cover", "status", "origin", "activated_at"]
        # NOT NULL without a database default:
        fields += ["decommissioned_at", "core_values_confirmed", "ki_activity"]
        n = copy_rows(SocialAccount, fields, rows)
        reset_sequence(SocialAccount)
        return n

    def _person_in(self, unit: int, exclude: int | None = None) -> int:
        """Someone from the unit (anyone, if the unit has nobody else)."""
        people = self.people_of.get(unit) or self.user_ids
        if people == [exclude]:
            people = self.user_ids
        while True:
            p = self.rng.choice(people)
            if p != exclude:
                return p

    def assignments(self):
        """Owner for 99 %, deputy for 95 % of the active accounts (never the owner); 10 % also
        have an ended earlier owner; drafts have nobody."""
        from accounts.choices import AccountStatus, Role
        from accounts.models import Assignment

        rng = self.rng
        self.owner, self.deputy = {}, {}
        rows = []
        for a in self.account_ids:
            if self.status[a] in (AccountStatus.DRAFT, AccountStatus.AWAITING_MANAGER):
                continue
            start = self.activated[a] or self.now
            unit = self.unit_of[a]
            owner = self._person_in(unit) if rng.random() < 0.99 else None
            deputy = self._person_in(unit, exclude=owner) if rng.random() < 0.95 else None
            if rng.random() < 0.10:  # a former owner, handed over
                former = self._person_in(unit, exclude=owner)
                ended = start + (self.now - start) / 2
                rows.append((start, start, a, former, Role.OWNER, start, ended))
                rows.append((start, start, a, self._person_in(unit), Role.DEPUTY, start, ended))
                start = ended
            if owner:
                self.owner[a] = owner
                rows.append((start, start, a, owner, Role.OWNER, start, None))
            if deputy:
                self.deputy[a] = deputy
                rows.append((start, start, a, deputy, Role.DEPUTY, start, None))
        fields = ["created_at", "updated_at", "account", "person", "role", "started_at", "ended_at"]
        return copy_rows(Assignment, fields, rows)

    def absences(self):
        """~5 % of people: everyone in ~4 % of the units is away on an overlapping holiday inside
        the 30-day look-ahead (owner and deputy share a unit, so their accounts have a coverage
        gap); ~1 % of people elsewhere have absences scattered from 40 days ago to 60 days ahead
        (some in the window, some not, some not overlapping their partner's)."""
        from org.models import Absence

        rng = self.rng
        today = self.today
        holiday_units = set(rng.sample(self.unit_ids, max(1, round(0.04 * len(self.unit_ids)))))
        rows = []
        ts = self.now - datetime.timedelta(days=60)
        for person in self.user_ids:
            spans = []
            if self.home_unit[person] in holiday_units:
                first = today + datetime.timedelta(days=7 + rng.randint(-3, 3))
                spans.append((first, first + datetime.timedelta(days=rng.randint(9, 20))))
                if rng.random() < 0.3:  # an earlier absence, over before today
                    old = today - datetime.timedelta(days=rng.randint(20, 60))
                    spans.append((old, old + datetime.timedelta(days=rng.randint(1, 10))))
            elif rng.random() < 0.01:
                for _ in range(rng.randint(1, 3)):
                    first = today + datetime.timedelta(days=rng.randint(-40, 60))
                    spans.append((first, first + datetime.timedelta(days=rng.randint(0, 14))))
            for first, last in spans:
                rows.append((ts, ts, person, first, last, "bench"))
        return copy_rows(Absence, ["created_at", "updated_at", "person", "first_day", "last_day", "note"], rows)

    def covers(self):
        """Temporary cover (MON-2, DECOM-2) for ~1 % of the accounts: a stand-in or comments off
        for a stretch of days from a week ago to the end of the look-ahead window, so that some
        coverage gaps are covered wholly, some partly, and some accounts had comments off
        yesterday (missed-monitoring)."""
        from monitoring.choices import CoverMeasure
        from monitoring.models import Cover

        rng = self.rng
        rows = []
        ts = self.now - datetime.timedelta(days=7)
        for a in self.governed_ids:
            if rng.random() >= 0.01:
                continue
            first = self.today + datetime.timedelta(days=rng.randint(-7, 20))
            last = first + datetime.timedelta(days=rng.randint(0, 20))
            if rng.random() < 0.5:
                measure, stand_in = CoverMeasure.STAND_IN, rng.choice(self.user_ids)
            else:
                measure, stand_in = CoverMeasure.COMMENTS_OFF, None
            rows.append((ts, ts, a, measure, stand_in, first, last, "bench"))
        fields = ["created_at", "updated_at", "account", "measure", "stand_in", "first_day", "last_day", "note"]
        return copy_rows(Cover, fields, rows)

    # -- the evidence

    def checkins(self):
        """`days` days (30 by default; today included) for 95 % of the active accounts (and the ones being
        decommissioned), with gaps: diligence 97 % / 85 % / 50 % a day; today's only for about
        half (the sweep runs at noon). Post dates on some: recent for most, older than six
        months for 5 % of the accounts."""
        from accounts.choices import AccountStatus
        from monitoring.models import CheckIn

        rng = self.rng
        today = self.today
        days = [today - datetime.timedelta(days=k) for k in range(self.days - 1, -1, -1)]
        stamp = {d: self.day_start(d) + datetime.timedelta(hours=9) for d in days}
        monitored = (AccountStatus.ACTIVE, AccountStatus.DECOMMISSIONING)

        def rows():
            for a in self.account_ids:
                if self.status[a] not in monitored or rng.random() >= 0.95:
                    continue
                activated_day = self.activated[a].date()
                r = rng.random()
                diligence = 0.97 if r < 0.6 else 0.85 if r < 0.9 else 0.5
                posting = rng.random()
                stale = posting < 0.05
                gives_post_dates = posting < 0.45
                keeper = self.owner.get(a) or self.deputy.get(a)
                for d in days:
                    if d < activated_day:
                        continue
                    p = diligence * 0.5 if d == today else diligence
                    if rng.random() >= p:
                        continue
                    post = None
                    if gives_post_dates and rng.random() < 0.2:
                        post = d - datetime.timedelta(days=rng.randint(183, 400) if stale else rng.randint(0, 30))
                    ts = stamp[d]
                    if keeper and rng.random() < 0.8:
                        yield (ts, ts, a, d, keeper, "Bench Person", "web", "", post)
                    else:
                        yield (ts, ts, a, d, None, "ping", "ping", "", post)

        fields = ["created_at", "updated_at", "account", "day", "person", "person_repr", "source", "note"]
        fields += ["latest_post_on"]
        return copy_rows(CheckIn, fields, rows())

    def snapshots(self):
        """Half of the accounts have 1-3 screenshots from the last year (mostly start pages;
        removed posts and KI's replies do not count for REC-5)."""
        from accounts.models import Snapshot

        rng = self.rng
        kinds = ["start_page"] * 16 + ["before_change", "final_page", "removed_post", "removed_post", "ki_reply"]
        rows = []
        for a in self.account_ids:
            if self.activated[a] is None or rng.random() >= 0.5:
                continue
            span = max(0, min(365, (self.today - self.activated[a].date()).days))
            for _ in range(rng.randint(1, 3)):
                taken = self.today - datetime.timedelta(days=rng.randint(0, span))
                ts = self.day_start(taken) + datetime.timedelta(hours=10)
                sha = f"{len(rows):064x}"  # fake, but unique: no real files behind these rows
                kind = rng.choice(kinds)
                rows.append((ts, ts, a, kind, taken, "bench/x.png", "image/png", "png", 1000, 800, 600, sha, ""))
        fields = ["created_at", "updated_at", "account", "kind", "taken_on", "file", "content_type", "extension"]
        fields += ["size", "width", "height", "sha256", "note"]
        return copy_rows(Snapshot, fields, rows)

    def sender_confirmations(self):
        """75 % of the accounts confirmed the checklist (the items that apply to the platform)
        once in the last ~16 months, 10 % of those rounds missing one item; 20 % also have an
        older full round."""
        from accounts.choices import SenderCheck
        from accounts.models import SenderConfirmation

        rng = self.rng
        all_items = list(SenderCheck.values)
        no_notice = [i for i in all_items if i != SenderCheck.VISITOR_NOTICE]
        rows = []
        for a in self.account_ids:
            if self.activated[a] is None or rng.random() >= 0.75:
                continue
            items = all_items if self.has_description[self.platform_of[a]] else no_notice
            person = self.owner.get(a)
            rounds = [(rng.uniform(0, 500), list(items))]
            if rng.random() < 0.1:
                rounds[0][1].remove(rng.choice(items))
            if rng.random() < 0.2:
                rounds.append((rng.uniform(500, 700), list(items)))
            for age, its in rounds:
                at = self.now - datetime.timedelta(days=age)
                for item in its:
                    rows.append((at, at, a, item, person, "Bench Person", at))
        fields = ["created_at", "updated_at", "account", "item", "confirmed_by", "confirmed_by_repr", "confirmed_at"]
        return copy_rows(SenderConfirmation, fields, rows)

    def follow_ups(self):
        """60 % of the accounts have 1-2 follow-ups from the last 18 months."""
        from monitoring.models import FollowUp

        rng = self.rng
        rows = []
        for a in self.account_ids:
            if self.activated[a] is None or rng.random() >= 0.6:
                continue
            for _ in range(rng.randint(1, 2)):
                at = self.now - datetime.timedelta(days=rng.uniform(0, 540))
                answers = [rng.choice(("yes", "partly", "no", "na")) for _ in range(4)]  # ACC-1, ACC-2
                rows.append((at, at, a, at.date(), "Reach 1 000", "On track", True, self.owner.get(a), *answers))
        fields = ["created_at", "updated_at", "account", "period_end", "figures", "assessment", "continue_account"]
        fields += ["recorded_by", "acc_alt_text", "acc_captions", "acc_plain_language", "acc_on_ki_se"]
        return copy_rows(FollowUp, fields, rows)

    def records(self):
        """Questions, removed posts and blocks for the records rules (seed_records)."""
        counts = seed_records(self.account_ids, self.now, seed=self.rng.randrange(2**32), user_ids=self.user_ids)
        print("  " + ", ".join(f"{n:,} {table}" for table, n in counts.items()) + ":", flush=True)
        return sum(counts.values())


class Reused:
    """What a --reuse run needs of an earlier seeding: kept in a table of the benchmark database
    (bench_seeded), so that the sweep sees the data at the moment they were laid out around. The
    findings are deleted, so that the first sweep opens them all again."""

    def __init__(self, n, n_extra, days, checkins):
        self.n, self.n_extra, self.days = n, n_extra, days
        self.account_ids = list(range(1, n + n_extra + 1))
        self.counts = {"check-ins": checkins}

    @staticmethod
    def save(seeder) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_seeded (now timestamptz, n int, n_extra int, days int, checkins int)")
            cursor.execute(
                "INSERT INTO bench_seeded VALUES (%s, %s, %s, %s, %s)",
                [seeder.now, seeder.n, seeder.n_extra, seeder.days, seeder.counts["check-ins"]],
            )

    @classmethod
    def load(cls):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT now, n, n_extra, days, checkins FROM bench_seeded")
            now, n, n_extra, days, checkins = cursor.fetchone()
            cursor.execute("TRUNCATE monitoring_finding, monitoring_ruleevaluation")
            cursor.execute("VACUUM (ANALYZE)")
        return cls(n, n_extra, days, checkins), now


# --------------------------------------------------------------------------- records (the records rules)


def seed_records(account_ids, now: datetime.datetime, *, seed: int = 0, user_ids=None) -> dict[str, int]:
    """Seed the data the three records rules read, with COPY, for the given accounts (PostgreSQL).

    Shared with bench/http_pages.py. Django must be set up and the accounts (and the users in
    `user_ids`, if given: they become who logged or decided) must exist. Deterministic for a
    seed. Returns rows per table: {"inquiries": …, "incidents": …, "blocks": …}.

    - questions and comments (records.Inquiry, rule inquiry-overdue, ANS-1): 30 % of the accounts
      have 1-4 from the last 90 days, due by `org.calendar.answer_due`; nearly all are answered,
      about 1 in 25 is open, and an open one is overdue if its due time has passed (about 3 % of
      the accounts);
    - removed posts (records.Incident, rule incident-unregistered, CONT-2/REC-3/REC-4): 10 % of
      the accounts have 1-3 from the last year; 90 % are handed off (registry or archive), the
      rest not, some of those within the two working days they have (about 1 % of the accounts);
    - blocks (records.Block, rule block-unreviewed, CONT-1/REC-1): 8 % of the accounts have 1-3
      from the last two years; some are unblocked, some reviewed, some never reviewed (about
      3 % of the accounts have one in force and unreviewed for more than six months).

    Foreign-key triggers are off during the COPY (copy_rows), so the seeded keys are checked
    here afterwards."""
    from org.calendar import answer_due
    from records.models import Block, Incident, Inquiry

    rng = random.Random(seed)
    people = list(user_ids or [])
    # Arithmetic in UTC: on the Stockholm wall clock, adding hours across a change to summer
    # time can give a removal before the post was seen (the records_removed_after_seen check).
    now = now.astimezone(datetime.UTC)

    def person():
        return rng.choice(people) if people else None

    inquiries, incidents, blocks = [], [], []
    kinds = ["question"] * 6 + ["criticism", "complaint", "other"]
    categories = ["a_personal_data", "c_defamation", "d_incitement", "f_advertising", "rules", "rules"]
    for a in account_ids:
        if rng.random() < 0.30:
            for _ in range(rng.randint(1, 4)):
                received = now - datetime.timedelta(days=rng.uniform(0, 90))
                due = answer_due(received)
                answered_at = None
                if rng.random() >= 0.04:
                    answered_at = min(now, received + datetime.timedelta(hours=rng.uniform(0.2, 60)))
                registered = rng.random() < 0.05
                hand_off = "registry" if registered and answered_at else ""
                inquiries.append(
                    (received, received, hand_off, answered_at if hand_off else None, "", "")
                    + (a, received, due, "", rng.choice(kinds), "Bench question", registered, None, person())
                    + (answered_at, "Answered" if answered_at else "", None)
                )
        if rng.random() < 0.10:
            for _ in range(rng.randint(1, 3)):
                seen = now - datetime.timedelta(days=rng.uniform(0, 365))
                removed = seen + datetime.timedelta(hours=rng.uniform(0, 6))
                removed = min(removed, now)
                handed = rng.random() < 0.9
                hand_off = rng.choice(["registry", "archive"]) if handed else ""
                handed_at = min(now, removed + datetime.timedelta(days=rng.uniform(0, 2))) if handed else None
                incidents.append(
                    (removed, removed, hand_off, handed_at, "", "", a, seen, removed, "", "visitor")
                    + (rng.choice(categories), "Bench removed post", person(), "Bench Person")
                )
        if rng.random() < 0.08:
            for _ in range(rng.randint(1, 3)):
                blocked = now - datetime.timedelta(days=rng.uniform(0, 730))
                age = (now - blocked).days
                reviewed = unblocked = None
                r = rng.random()
                if r < 0.3:  # unblocked since
                    unblocked = blocked + datetime.timedelta(days=rng.uniform(0, age))
                elif r < 0.6 and age > 1:  # reviewed since, recently or long ago
                    reviewed = blocked + datetime.timedelta(days=rng.uniform(1, age))
                blocks.append(
                    (blocked, blocked, a, f"visitor{len(blocks)}", "", rng.choice(["block", "block", "mute"]))
                    + (rng.choice(categories), "", blocked, person(), "Bench Person", reviewed, unblocked)
                    + ("Bench Person" if unblocked else "",)
                )
    registered = ["created_at", "updated_at", "hand_off", "handed_off_at", "registry_email", "registry_reference"]
    counts = {
        "inquiries": copy_rows(
            Inquiry,
            registered
            + ["account", "received_at", "due_at", "link", "kind", "summary", "needs_registration", "routed_to"]
            + ["logged_by", "answered_at", "reply_summary", "answered_by"],
            inquiries,
        ),
        "incidents": copy_rows(
            Incident,
            registered
            + ["account", "seen_at", "removed_at", "link", "poster", "category", "description", "logged_by"]
            + ["logged_by_repr"],
            incidents,
        ),
        "blocks": copy_rows(
            Block,
            ["created_at", "updated_at", "account", "visitor", "visitor_url", "action", "reason", "reason_note"]
            + ["blocked_at", "decided_by", "decided_by_repr", "reviewed_at", "unblocked_at", "unblocked_by_repr"],
            blocks,
        ),
    }
    validate_foreign_keys([Inquiry, Incident, Block])
    return counts


# --------------------------------------------------------------------------- the naive evaluator


def naive_violations(account_id: int, now: datetime.datetime) -> set[str]:
    """The rules of monitoring.rules, evaluated for one account the obvious way: load the account,
    then ask the ORM one question at a time (owner, deputy, their absences, recent check-in,
    latest screenshot, latest follow-up, platform, confirmations, latest post, the unit chain).
    Written independently of the set-based queries (sets of days, sets of items, a walk up the
    tree) so that agreement means something."""
    from django.conf import settings
    from django.db.models import Max

    from accounts.choices import CURRENT_PUBLISHER_STATUSES, START_PAGE_KINDS, AccountStatus, Role, SenderCheck
    from accounts.models import AccessReview, Assignment, Publisher, SenderConfirmation, Snapshot, SocialAccount
    from monitoring.models import CheckIn, Cover, FollowUp
    from org.calendar import day_start, local_day
    from org.models import Absence

    account = SocialAccount.objects.get(pk=account_id)
    if account.status != AccountStatus.ACTIVE:
        return set()
    broken: set[str] = set()
    today = local_day(now)
    yesterday = today - datetime.timedelta(days=1)
    activated = account.activated_at

    owner = Assignment.objects.filter(account=account, role=Role.OWNER, ended_at__isnull=True).first()
    deputy = Assignment.objects.filter(account=account, role=Role.DEPUTY, ended_at__isnull=True).first()
    # Someone whose user account is deactivated has left KI: the role is not held (one query each).
    if owner is not None and not owner.person.is_active:
        owner = None
    if deputy is not None and not deputy.person.is_active:
        deputy = None
    if owner is None:
        broken.add("no-owner")
    if deputy is None:
        broken.add("no-deputy")

    if owner and deputy:
        horizon = today + datetime.timedelta(days=settings.MONITORING_COVERAGE_LOOKAHEAD_DAYS)

        def days_away(person_id):
            days = set()
            for absence in Absence.objects.filter(person_id=person_id):
                d = max(absence.first_day, today)
                while d <= min(absence.last_day, horizon):
                    days.add(d)
                    d += datetime.timedelta(days=1)
            return days

        covered = set()  # MON-2, DECOM-2: the days a stand-in or comments off covers
        for cover in Cover.objects.filter(account=account):
            days = {
                cover.first_day + datetime.timedelta(days=n) for n in range((cover.last_day - cover.first_day).days + 1)
            }
            if cover.stand_in_id is not None:  # not the days the stand-in is away, nor once they left
                stand_in = cover.stand_in
                if not stand_in.is_active:
                    days = set()
                days = {d for d in days if stand_in.left_on is None or d < stand_in.left_on}
                days -= days_away(stand_in.pk)
            covered |= days
        if (days_away(owner.person_id) & days_away(deputy.person_id)) - covered:
            broken.add("coverage-gap")

    if (
        activated
        and activated < day_start(yesterday)
        and not CheckIn.objects.filter(account=account, day__gte=yesterday).exists()
        # DECOM-2: a day with comments off is not missed.
        and not Cover.objects.filter(
            account=account, measure="comments_off", first_day__lte=yesterday, last_day__gte=yesterday
        ).exists()
    ):
        broken.add("missed-monitoring")

    # REC-2: the shorter interval on a platform that does not keep its content retrievable.
    if account.platform.content_retrievable:
        snap_cutoff = today - datetime.timedelta(days=settings.MONITORING_SNAPSHOT_INTERVAL_DAYS)
    else:
        snap_cutoff = today - datetime.timedelta(days=settings.MONITORING_SNAPSHOT_SHORT_INTERVAL_DAYS)
    latest = Snapshot.objects.filter(account=account, kind__in=START_PAGE_KINDS).order_by("-taken_on").first()
    if activated and activated < day_start(snap_cutoff) and (latest is None or latest.taken_on <= snap_cutoff):
        broken.add("start-page-snapshot-overdue")

    fu_cutoff = now - datetime.timedelta(days=settings.MONITORING_FOLLOW_UP_INTERVAL_DAYS)
    follow_up = FollowUp.objects.filter(account=account).order_by("-created_at").first()
    if activated and activated < fu_cutoff and (follow_up is None or follow_up.created_at <= fu_cutoff):
        broken.add("follow-up-overdue")

    sender_cutoff = now - datetime.timedelta(days=settings.MONITORING_SENDER_INTERVAL_DAYS)
    required = set(SenderCheck.values)
    if not account.platform.has_description:  # one query: the platform
        required.discard(SenderCheck.VISITOR_NOTICE)
    recent = SenderConfirmation.objects.filter(account=account, confirmed_at__gt=sender_cutoff)
    confirmed = set(recent.values_list("item", flat=True))
    if not required <= confirmed:
        broken.add("sender-unverified")

    inactive_cutoff = today - datetime.timedelta(days=settings.MONITORING_INACTIVITY_DAYS)
    last_post = CheckIn.objects.filter(account=account).aggregate(m=Max("latest_post_on"))["m"]
    if (last_post is not None and last_post < inactive_cutoff) or (
        last_post is None and activated and activated < day_start(inactive_cutoff)
    ):
        broken.add("inactive-channel")

    unit = account.unit  # one query per level on the way up
    while unit is not None and unit.manager_id is None:
        unit = unit.parent
    if unit is None:
        broken.add("manager-missing")

    # START-1: the latest access review, or go-live if none, is older than the interval.
    review_cutoff = now - datetime.timedelta(days=settings.MONITORING_ACCESS_REVIEW_INTERVAL_DAYS)
    review = AccessReview.objects.filter(account=account).order_by("-reviewed_at").first()
    if activated and activated < review_cutoff and (review is None or review.reviewed_at <= review_cutoff):
        broken.add("access-review-overdue")
    # START-1, PRIV-2: each publisher who has access, one at a time (and their person).
    for publisher in Publisher.objects.filter(account=account):
        if publisher.status not in CURRENT_PUBLISHER_STATUSES:
            continue
        person = publisher.person
        left = person is not None and (person.left_on is not None or not person.is_active)
        if left or (publisher.ends_on is not None and publisher.ends_on < today):
            broken.add("access-not-removed")
    return broken | naive_records_violations(account, now)


def naive_records_violations(account, now: datetime.datetime) -> set[str]:
    """The records rules for one (active) account, one question at a time: every question not
    yet answered and its due time; every removed post not handed off, counting the working days
    since its removal day by day; every block in force and its latest review."""
    from org.calendar import is_working_day, local_day
    from records.models import Block, Incident, Inquiry

    broken: set[str] = set()
    today = local_day(now)

    def two_working_days_since(moment) -> bool:
        # Two whole working days after the day of `moment` have passed (today's does not count
        # until it is over).
        day, working_days = local_day(moment), 0
        while day < today - datetime.timedelta(days=1):
            day += datetime.timedelta(days=1)
            working_days += is_working_day(day)
        return working_days >= 2

    for inquiry in Inquiry.objects.filter(account=account):
        if inquiry.answered_at is None and inquiry.due_at < now:  # ANS-1
            broken.add("inquiry-overdue")
        # REC-3, REC-4: one to be registered (marked, or criticism routed to the manager) that is
        # not handed off.
        to_register = inquiry.needs_registration or inquiry.routed_to_id is not None
        if to_register and not inquiry.hand_off and two_working_days_since(inquiry.received_at):
            broken.add("inquiry-unregistered")
    for incident in Incident.objects.filter(account=account):
        # CONT-2, REC-4
        if not incident.hand_off and two_working_days_since(incident.removed_at):
            broken.add("incident-unregistered")
    review_after = datetime.timedelta(days=182)  # CONT-1, REC-1: six months
    for block in Block.objects.filter(account=account):
        if block.unblocked_at is None and (block.reviewed_at or block.blocked_at) < now - review_after:
            broken.add("block-unreviewed")
    return broken


NAIVE_RULES = (
    "no-owner",
    "no-deputy",
    "coverage-gap",
    "missed-monitoring",
    "start-page-snapshot-overdue",
    "follow-up-overdue",
    "sender-unverified",
    "inactive-channel",
    "manager-missing",
    "inquiry-overdue",
    "incident-unregistered",
    "block-unreviewed",
    "access-review-overdue",
    "access-not-removed",
    "inquiry-unregistered",
)


def naive_run(sample: list[int], now) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {r: set() for r in NAIVE_RULES}
    for account_id in sample:
        for rule in naive_violations(account_id, now):
            found[rule].add(account_id)
    return found


# --------------------------------------------------------------------------- profiling


def explain_rule(rule, now) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the SELECTs a rule runs (captured, then re-run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        rule.violators(now)
    out = []
    for q in ctx.captured_queries:
        if not q["sql"].lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plan = "\n".join(r[0] for r in cursor.fetchall())
        out.append(f"-- {rule.id}\n{q['sql']}\n{plan}")
    return out


# --------------------------------------------------------------------------- main


def bench_url_ok(url: str) -> bool:
    """A benchmark recreates its database: only a PostgreSQL one whose name says "bench"."""
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        print("--database-url must be a PostgreSQL URL", file=sys.stderr)
        return False
    if "bench" not in _db_name(url):
        print(f"refusing to recreate {_db_name(url)!r}: the benchmark database's name must contain 'bench'")
        return False
    return True


def main(argv=None) -> int:
    args = parse_args(argv)
    url = args.database_url
    if not bench_url_ok(url):
        return 2
    var_dir = tempfile.mkdtemp(prefix="kipolicy-bench-")
    if args.reuse and database_exists(url):
        args.keep = True
    else:
        args.reuse = False
        recreate_database(url)
    try:
        return run(args, url, var_dir)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"\nkept the database: {url}")
        else:
            drop_database(url)
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args, url: str, var_dir: str) -> int:
    configure_django(url, var_dir)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from monitoring.models import Finding
    from monitoring.rules import RULES
    from monitoring.services import compliance_sweep
    from org.calendar import day_start, local_day

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version(), current_setting('shared_buffers'), current_setting('work_mem'), current_setting('jit')"
        )
        pg_version, shared_buffers, work_mem, jit = cursor.fetchone()
    pg = f"{pg_version.split(' on ')[0]} (shared_buffers={shared_buffers}, work_mem={work_mem}, jit={jit})"
    print(f"{pg}; {os.cpu_count()} CPUs; {load()}")

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - start:.1f} s")

    if args.reuse:
        seeder, now = Reused.load()
        args.accounts, args.days, seed_seconds = seeder.n, seeder.days, 0.0
        print(f"reusing the seeded data: {seeder.n:,} active accounts, {seeder.days} days, now = {now}")
    else:
        # The sweep runs at noon (Stockholm) today; the data are laid out around that moment.
        now = day_start(local_day(timezone.now())) + datetime.timedelta(hours=12)
        print(
            f"seeding {args.accounts:,} active accounts, {args.days} days of check-ins (seed {args.seed}), now = {now}"
        )
        seeder = Seeder(args.accounts, args.seed, now, days=args.days)
        start = time.perf_counter()
        seeder.run()
        seed_seconds = time.perf_counter() - start
        print(f"seeding: {seed_seconds:.1f} s ({sum(seeder.counts.values()):,} rows)")
        Reused.save(seeder)

    n = args.accounts
    sweeps = []
    labels = ["#1 (opens every finding)"] + [f"#{k} (steady state)" for k in range(2, 2 + args.repeat)]
    for i, label in enumerate(labels):
        print(f"\nsweep {label} … {load()}", flush=True)
        cpu_before = cpu_seconds()
        counts, secs, queries, breakdown = timed(compliance_sweep, now=now)
        cpu_after = cpu_seconds()
        sweeps.append((label, counts, secs, queries, breakdown))
        cpu = f", CPU {cpu_after - cpu_before:.2f} s (this process and its backend)" if cpu_before is not None else ""
        print(f"  {secs:.2f} s{cpu}, {queries} queries, {counts}; {load()}")
        for kind, kind_secs in sorted(breakdown.items(), key=lambda kv: -kv[1]):
            print(f"    {kind:<32} {kind_secs:7.2f} s")
        if i and (counts["opened"] or counts["resolved"]):
            print("  WARNING: a repeated sweep opened or resolved findings: the sweep is not idempotent")
    _l1, _c1, t1, q1, _b1 = sweeps[0]
    _l2, _c2, t2, q2, _b2 = sweeps[1]
    steady_best = min(s[2] for s in sweeps[1:])

    print(f"\nrule queries alone (violators(now), no writes) … {load()}", flush=True)
    per_rule = {}
    for rule in RULES.values():
        ids, secs, queries, _b = timed(rule.violators, now)
        per_rule[rule.id] = (len(ids), secs, queries)
    eval_seconds = sum(s for _n, s, _q in per_rule.values())

    rng = random.Random(args.seed + 1)
    sample = sorted(rng.sample(seeder.account_ids, min(args.sample, len(seeder.account_ids))))
    print(f"naive evaluation of {len(sample)} sampled accounts … {load()}", flush=True)
    naive, tn, qn, _b = timed(naive_run, sample, now)
    print(f"  {tn:.2f} s, {qn:,} queries; {load()}")

    # Agreement: the sweep's open findings on the sample against the naive evaluator's answer.
    sample_set = set(sample)
    open_findings: dict[str, set[int]] = {}
    for rule_id, account_id in Finding.objects.filter(resolved_at__isnull=True, account_id__in=sample).values_list(
        "rule", "account_id"
    ):
        open_findings.setdefault(rule_id, set()).add(account_id)

    def per_1000(seconds, accounts):
        return 1000 * seconds / accounts * 1000

    sweep_ms, sweep1_ms, best_ms = per_1000(t2, n), per_1000(t1, n), per_1000(steady_best, n)
    eval_ms = per_1000(eval_seconds, n)
    naive_ms = per_1000(tn, len(sample))
    ratio = naive_ms / sweep_ms

    print("\n== results ==")
    print(f"machine: {os.cpu_count()} CPUs; {pg}")
    print(f"seeding: {seed_seconds:.1f} s; {load()}")
    rows = [
        ("accounts (active, governed)", f"{n:,}"),
        ("other accounts (not governed)", f"{seeder.n_extra:,}"),
        ("check-ins", f"{seeder.counts['check-ins']:,}"),
        ("open findings after the sweep", f"{sweeps[-1][1]['open']:,}"),
        ("sweep #1 seconds (opens all findings)", f"{t1:.2f}"),
        ("sweep #1 ms per 1 000 accounts", f"{sweep1_ms:,.1f}"),
        ("sweep #1 queries", f"{q1}"),
        ("sweep #2 seconds (steady state)", f"{t2:.2f}"),
        ("sweep #2 ms per 1 000 accounts", f"{sweep_ms:,.1f}"),
        ("sweep #2 queries", f"{q2}"),
        (f"best steady-state sweep of {args.repeat}, seconds", f"{steady_best:.2f}"),
        ("rule queries alone, seconds", f"{eval_seconds:.2f}"),
        ("rule queries alone, ms per 1 000 accounts", f"{eval_ms:,.1f}"),
        (f"naive seconds ({len(sample)} accounts)", f"{tn:.2f}"),
        ("naive ms per 1 000 accounts", f"{naive_ms:,.1f}"),
        ("naive queries", f"{qn:,}"),
        ("naive queries per account", f"{qn / len(sample):.1f}"),
        ("ratio naive / sweep #2 per account", f"{ratio:,.0f}x"),
        ("ratio naive / best steady sweep per account", f"{naive_ms / best_ms:,.0f}x"),
        ("ratio naive / sweep #1 per account", f"{naive_ms / sweep1_ms:,.0f}x"),
        ("ratio naive / rule queries alone", f"{naive_ms / eval_ms:,.0f}x"),
    ]
    width = max(len(k) for k, _v in rows)
    for k, v in rows:
        print(f"| {k:<{width}} | {v:>12} |")

    print("\n| rule | violators (all) | query ms | queries | sample: sweep | sample: naive | agree |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    all_agree = True
    for rule in RULES.values():
        count, secs, queries = per_rule[rule.id]
        swept = open_findings.get(rule.id, set()) & sample_set
        if rule.id in naive:
            agree = swept == naive[rule.id]
            all_agree &= agree
            verdict = "yes" if agree else "NO"
            naive_n = str(len(naive[rule.id]))
        else:
            verdict, naive_n = "not covered by the naive evaluator", "-"
        print(f"| {rule.id} | {count:,} | {1000 * secs:,.0f} | {queries} | {len(swept)} | {naive_n} | {verdict} |")
        if verdict == "NO":
            only_sweep = sorted(swept - naive[rule.id])[:10]
            only_naive = sorted(naive[rule.id] - swept)[:10]
            print(f"|   only in the sweep: {only_sweep}; only naive: {only_naive} |")
    print(f"\nagreement on the sample: {'ALL RULES AGREE' if all_agree else 'DISAGREEMENT (see above)'}")

    target_seconds = TARGET_SECONDS_PER_100K * n / 100_000
    target_first = TARGET_FIRST_SECONDS_PER_100K * n / 100_000
    scaled = "" if n == 100_000 else " (scaled linearly from the targets at 100 000; fixed costs dominate small runs)"
    met_time = t2 <= target_seconds and t1 <= target_first
    met_ratio = ratio >= TARGET_RATIO
    print(
        f"target{scaled}: steady-state sweep <= {target_seconds:.1f} s: "
        f"{'met' if t2 <= target_seconds else 'MISSED'} (#2 {t2:.2f} s, best {steady_best:.2f} s); "
        f"first sweep <= {target_first:.1f} s: {'met' if t1 <= target_first else 'MISSED'} ({t1:.2f} s); "
        f">= {TARGET_RATIO:.0f}x faster per account than naive: {'met' if met_ratio else 'MISSED'} ({ratio:,.0f}x); "
        f"{load()}"
    )

    if args.explain or (n >= 100_000 and not (met_time and met_ratio)):
        slowest = sorted(RULES.values(), key=lambda r: per_rule[r.id][1], reverse=True)
        chosen = slowest if args.explain else slowest[:3]
        print("\n== EXPLAIN (ANALYZE, BUFFERS) ==")
        for rule in chosen:
            for block in explain_rule(rule, now):
                print(block + "\n")
    return 0 if all_agree else 1


if __name__ == "__main__":
    sys.exit(main())

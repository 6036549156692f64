#!/usr/bin/env python
"""Seed (or reuse) a benchmark database for the HTTP benchmarks (bench/http_pages.py, bench/load.py).

    python bench/seeding.py --database-url URL --accounts N [--days D] [--seed K] [--reuse] [--json FILE]

It reuses bench/sweep.py's seeding (COPY: units, people, accounts, owners and deputies, absences,
check-ins, screenshots, sender confirmations, follow-ups, questions, removed posts and blocks),
then adds what the pages need:

- three people who log in with a password: ``bench-comms`` (the communications department),
  the responsible manager of the department with the most accounts, and an owner with a typical
  number of accounts (the median) who manages no unit;
- PENDING_REQUESTS requests awaiting that manager's decision (accounts in their department, sent
  by someone else, with a submission), the same number at every size;
- the compliance findings (one compliance_sweep), as the hourly job would have left them;
- the records of the list pages of issues 14 to 17 (bench/seeding_lists.py: registers, queues,
  impostor cases, webhooks, publishers, …, a registrar and an auditor who log in), an additional
  step that also runs on a reused database seeded before it existed (its marker table
  ``bench_lists_seeded``), so that a database kept with a year of check-ins is not seeded again;
- full pages at every size (bench/seeding_fill.py): the lists that a small database holds less
  than a page of (new impostor cases, the manager's unanswered questions, …) topped up to one, on
  every run (only what is missing is added: a 100 000-account database is not written).

Then VACUUM (ANALYZE), and a row in ``bench_meta`` that says what was seeded. With --reuse, a
database whose ``bench_meta`` matches the arguments is used as it is (seeding 100 000 accounts
with a year of check-ins takes minutes); otherwise it is dropped and seeded again.

The last line printed (and --json FILE) is a JSON object: the logins and the ids the benchmarks
request (a mid-size unit, an account of the owner, a pending request, …).
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seeding_fill  # noqa: E402
import seeding_lists  # noqa: E402
import sweep  # noqa: E402
from sweep import bench_url_ok, configure_django, load, recreate_database  # noqa: E402

PASSWORD = "bench-password-not-a-secret"  # the bench users' password (bench databases only)
PENDING_REQUESTS = 30
COMMS_USERNAME = "bench-comms"
REPORT_UNITS = 5  # units in the report's scope (picks: report_unit)
META_VERSION = "2"  # bump when the seeding changes, so that --reuse seeds afresh


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", required=True, help="benchmark database (its name must contain 'bench')")
    p.add_argument("--accounts", type=int, required=True, help="active accounts to seed")
    p.add_argument("--days", type=int, default=365, help="days of check-in history (default 365)")
    p.add_argument("--seed", type=int, default=20240601, help="random seed of the generated data")
    p.add_argument("--reuse", action="store_true", help="use the database as it is if it was seeded alike")
    p.add_argument("--json", help="also write the picks to this file")
    return p.parse_args(argv)


def wanted_meta(args) -> dict:
    records = "yes" if hasattr(sweep.Seeder, "records") else "no"
    return {"version": META_VERSION, "accounts": str(args.accounts), "days": str(args.days), "seed": str(args.seed)} | {
        "records": records
    }


def existing_meta(url: str) -> dict | None:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT key, value FROM bench_meta").fetchall()
    except psycopg.Error:
        return None
    return dict(rows)


# --------------------------------------------------------------------------- what the pages need


def seed_logins(seeder) -> dict:
    """Passwords for three people; the comms user is new. Returns {who: username}."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db.models import Count, Q

    from accounts.models import SocialAccount
    from org import roles
    from org.models import Unit, User

    hashed = make_password(PASSWORD)
    comms, _created = User.objects.get_or_create(
        username=COMMS_USERNAME,
        defaults={"first_name": "Bench", "last_name": "Comms", "email": "bench-comms@ki.invalid", "password": hashed},
    )
    comms.groups.add(Group.objects.get(name=roles.COMMS))

    # The managed department (level 2) with the most accounts below it.
    departments = Unit.objects.filter(depth=2, manager__isnull=False, manager__is_active=True)
    sizes = {
        d.pk: SocialAccount.objects.filter(unit__path__startswith=d.path).count() for d in departments.only("path")
    }
    department = Unit.objects.get(pk=max(sizes, key=lambda pk: (sizes[pk], -pk)))
    manager = department.manager

    # An owner with the median number of current accounts, who manages no unit.
    owners = (
        User.objects.filter(is_active=True, managed_units__isnull=True)
        .annotate(n=Count("assignments", filter=Q(assignments__ended_at__isnull=True, assignments__role="owner")))
        .filter(n__gt=1)
        .order_by("n", "pk")
        .values_list("pk", "n")
    )
    owners = list(owners)
    owner_id, _n = owners[len(owners) // 2]
    User.objects.filter(pk__in=[manager.pk, owner_id]).update(password=hashed)
    owner = User.objects.get(pk=owner_id)
    return {"comms": comms.username, "manager": manager.username, "owner": owner.username, "department": department.pk}


def seed_pending_requests(department_id: int, manager_username: str, now) -> int:
    """PENDING_REQUESTS requests awaiting the manager: accounts in the department's subtree, drafted
    and sent by someone of the department (never the manager), each with its submission."""
    from accounts.choices import AccountStatus, Classification, Origin
    from accounts.models import Platform, SocialAccount
    from approvals.models import Submission
    from org.models import Unit, User

    department = Unit.objects.get(pk=department_id)
    units = list(Unit.objects.filter(path__startswith=department.path).order_by("path").values_list("pk", flat=True))
    requester = (
        User.objects.filter(is_active=True, managed_units__isnull=True, assignments__account__unit_id__in=units)
        .exclude(username=manager_username)
        .order_by("pk")
        .first()
    )
    platforms = list(Platform.objects.order_by("pk").values_list("pk", flat=True))
    accounts = SocialAccount.objects.bulk_create(
        SocialAccount(
            name=f"KI bench request {k}",
            platform_id=platforms[k % len(platforms)],
            unit_id=units[k % len(units)],
            classification=Classification.OFFICIAL,
            purpose="Benchmark request",
            status=AccountStatus.AWAITING_MANAGER,
            origin=Origin.REQUEST,
            created_by=requester,
        )
        for k in range(PENDING_REQUESTS)
    )
    Submission.objects.bulk_create(
        Submission(account=a, submitted_by=requester, guidelines_read=True) for a in accounts
    )
    return len(accounts)


def _records_of(account_id: int) -> int:
    from records.models import Block, Incident, Inquiry

    return sum(m.objects.filter(account_id=account_id).count() for m in (Block, Incident, Inquiry))


def picks(logins: dict) -> dict:
    """The ids the benchmarks request, found in the database (the same on a reused one)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.choices import AccountStatus
    from accounts.models import Platform, SocialAccount
    from core.pagination import PAGE_SIZE
    from org.calendar import local_day
    from org.models import Unit, User
    from reports.report_files import SCREEN_ACCOUNTS
    from reports.views_report import half_years

    owner = User.objects.get(username=logins["owner"])
    manager = User.objects.get(username=logins["manager"])
    # The mid-size division: the median of the level-3 units by accounts in their subtree, among
    # those with a page of them (every one at 100 000; at 1 000 the median had 24 of 25).
    divisions = list(Unit.objects.filter(depth=3).order_by("pk"))
    sized = sorted(
        (SocialAccount.objects.filter(unit__path__startswith=u.path).count(), u.pk, u.path) for u in divisions
    )
    full = [d for d in sized if d[0] >= max(PAGE_SIZE, SCREEN_ACCOUNTS)] or sized
    mid_unit = full[len(full) // 2][1]
    # The report's unit: a division with a page of accounts for the account table and REPORT_UNITS
    # units (itself and its research groups; the closest there is), the fewest accounts first: the
    # same page at every size (the research group below had 5 accounts at 1 000, 25 rows at 100 000).
    units = {d[1]: Unit.objects.filter(path__startswith=d[2]).count() for d in full}
    report_unit = min(full, key=lambda d: (abs(units[d[1]] - REPORT_UNITS), d[0], d[1]))[1]
    # A research group (a leaf), the report's unit before report_unit (older runs' tables).
    leaf = (
        Unit.objects.filter(depth=4)
        .annotate(n=Count("social_accounts"))
        .order_by("n", "pk")
        .values_list("pk", flat=True)
    )
    leaf = list(leaf)[len(leaf) // 2]
    # The owner's active account with the most records (removed posts, questions, blocks).
    mine = SocialAccount.objects.filter(
        status=AccountStatus.ACTIVE, assignments__person=owner, assignments__ended_at__isnull=True
    ).order_by("pk")
    account = max(mine, key=lambda a: (_records_of(a.pk), -a.pk))
    pending = list(
        SocialAccount.objects.filter(status=AccountStatus.AWAITING_MANAGER, name__startswith="KI bench request")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    platform = Platform.objects.order_by("pk").values_list("pk", flat=True).first()
    return {
        **logins,
        "password": PASSWORD,
        "accounts": SocialAccount.objects.filter(status=AccountStatus.ACTIVE).count(),
        "mid_unit": mid_unit,
        "leaf_unit": leaf,
        "report_unit": report_unit,
        "account": account.pk,
        "owner_accounts": [a.pk for a in mine],
        "manager_units": Unit.objects.filter(Q(manager=manager)).count(),
        "pending": pending,
        "platform": platform,
        "half": half_years(local_day(timezone.now()))[0][0],
    }


# --------------------------------------------------------------------------- main


def seed(args, url: str) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from monitoring.services import compliance_sweep
    from org.calendar import day_start, local_day

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - start:.1f} s", flush=True)
    now = day_start(local_day(timezone.now())) + datetime.timedelta(hours=12)
    print(f"seeding {args.accounts:,} accounts, {args.days} days of check-ins … {load()}", flush=True)
    seeder = sweep.Seeder(args.accounts, args.seed, now, days=args.days)
    seeder.run()
    if not hasattr(sweep.Seeder, "records"):
        print("  records: not seeded (bench/sweep.py's Seeder has no records step)", flush=True)
    logins = seed_logins(seeder)
    n = seed_pending_requests(logins["department"], logins["manager"], now)
    print(f"  logins {logins}; {n} pending requests", flush=True)
    start = time.perf_counter()
    compliance_sweep(now=timezone.now())
    print(f"  compliance sweep: {time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        meta = wanted_meta(args) | {"logins": json.dumps(logins)}
        for key, value in meta.items():
            cursor.execute("INSERT INTO bench_meta VALUES (%s, %s)", [key, value])
    return logins


def measured_account_filters(account: int) -> dict:
    """The measured account's unit and platform: a filtered register that matches records at every
    size (the mid-size unit with the first platform matched none at 1 000, so Django skipped the
    rows query there and the two sizes' query counts differed)."""
    from accounts.models import SocialAccount

    unit, platform = SocialAccount.objects.values_list("unit_id", "platform_id").get(pk=account)
    return {"account_unit": unit, "account_platform": platform}


def keep_report_figures(*, again: bool = False) -> None:
    """The report on screen reads the figures the nightly job keeps (reports.kept): keep them once,
    as production's 02:40 job would have, unless a run already did (about 18 minutes at 100 000)
    and nothing was added since (`again`: the full-pages step added accounts, at small sizes only)."""
    from django.core.management import call_command

    from reports.models import KeptPeriod

    if KeptPeriod.objects.exists() and not again:
        return
    start = time.perf_counter()
    call_command("keep_report_figures", verbosity=0)
    print(f"keep_report_figures: {time.perf_counter() - start:.1f} s", flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    url = args.database_url
    if not bench_url_ok(url):
        return 2
    started = time.perf_counter()
    meta = existing_meta(url) if args.reuse else None
    reuse = meta is not None and all(meta.get(k) == v for k, v in wanted_meta(args).items())
    if args.reuse and not reuse:
        print(f"--reuse: {sweep._db_name(url)} is missing or was seeded differently ({meta}): seeding afresh")
    if not reuse:
        recreate_database(url)
    var_dir = tempfile.mkdtemp(prefix="kipolicy-bench-seed-")
    configure_django(url, var_dir)
    if reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # new indexes of the code under test
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics for the expressions of new indexes
        logins = json.loads(meta["logins"])
        print(f"reusing {sweep._db_name(url)} ({meta['accounts']} accounts, {meta['days']} days)")
    else:
        logins = seed(args, url)
    from django.contrib.auth.hashers import make_password

    lists = seeding_lists.ensure(logins, make_password(PASSWORD), seed=args.seed)
    filled = seeding_fill.ensure(logins, lists["account"])  # full pages at every size: adds only what a database lacks
    keep_report_figures(again=any(filled.values()))
    result = picks(logins) | lists  # the measured account is the list step's (records at every size)
    result |= measured_account_filters(result["account"])
    result["awaiting_reference"] = seeding_lists.awaiting_reference()
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["reused"] = reuse
    if args.json:
        Path(args.json).write_text(json.dumps(result))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.exit(main())

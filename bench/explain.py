#!/usr/bin/env python
"""EXPLAIN (ANALYZE, BUFFERS) of the inventory's queries: filtered, searched and sorted pages.

    python bench/explain.py --database-url postgres://postgres@127.0.0.1:5432/kipolicy_bench_http_100k
                            [--markdown FILE]

It needs a database that bench/seeding.py seeded (bench/http_pages.py --keep leaves one). It
renders the inventory page (accounts.views.InventoryView, through a RequestFactory request: the
view, its filters and its template) as the communications department and as the manager that
bench/seeding.py logs in, captures every SELECT that reads accounts_socialaccount, and prints the
plan of each. It exits 1 if a filtered or searched page as comms scans the whole accounts table
(a "Seq Scan on accounts_socialaccount"): issue 12, item 6. The plain, the sorted and the
manager's pages are shown, not judged. The database is not changed.
"""

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sweep import bench_url_ok, configure_django, load  # noqa: E402

SEQ_SCAN = re.compile(r"Seq Scan on accounts_socialaccount\b")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", required=True, help="a database seeded by bench/seeding.py")
    p.add_argument("--markdown", help="also write the plans to this file (Markdown)")
    return p.parse_args(argv)


def cases(logins: dict) -> list[tuple[str, str, dict, bool]]:
    """(who, label, GET parameters, judged): judged cases fail on a Seq Scan of the accounts."""
    from accounts.models import Platform
    from org.models import Unit, User

    platform = Platform.objects.order_by("pk").values_list("pk", flat=True).first()
    divisions = list(Unit.objects.filter(depth=3).order_by("pk").values_list("pk", flat=True))
    owner = User.objects.get(username=logins["owner"]).pk
    return [
        ("comms", "plain (first page)", {}, False),
        ("comms", "filtered: status", {"status": "active"}, True),
        ("comms", "filtered: status and platform", {"status": "active", "platform": platform}, True),
        ("comms", "filtered: unit (a division and below)", {"unit": divisions[len(divisions) // 2]}, True),
        ("comms", "filtered: classification (student ambassadors)", {"classification": "student_ambassador"}, True),
        ("comms", "filtered: owner or deputy", {"person": owner}, True),
        ("comms", "searched: handle fragment", {"q": "bench42"}, True),
        ("comms", "searched: name fragment", {"q": "account 4242"}, True),
        ("comms", "searched and filtered", {"q": "bench42", "status": "active"}, True),
        ("comms", "sorted by unit", {"sort": "unit"}, False),
        ("manager", "plain (first page)", {}, False),
        ("manager", "searched: handle fragment", {"q": "bench42"}, False),
    ]


def page_queries(user, params: dict) -> list[str]:
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from accounts.views import InventoryView

    request = RequestFactory().get("/accounts/", params)
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        response = InventoryView.as_view()(request)
        response.render()
    assert response.status_code == 200, response.status_code
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "accounts_socialaccount" in q["sql"]
    ]


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main(argv=None) -> int:
    args = parse_args(argv)
    if not bench_url_ok(args.database_url):
        return 2
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    configure_django(args.database_url, tempfile.mkdtemp(prefix="kipolicy-bench-explain-"))
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from accounts.models import SocialAccount
    from org.models import User

    # The page's template names static files; no manifest is collected for this process.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    override_settings(STORAGES=plain).enable()

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'logins'")
        logins = json.loads(cursor.fetchone()[0])
    users = {who: User.objects.get(username=logins[who]) for who in ("comms", "manager")}
    n = SocialAccount.objects.count()
    out = [f"{n:,} accounts; {load()}", ""]
    failures = []
    for who, label, params, judged in cases(logins):
        queries = page_queries(users[who], params)
        out.append(f"## {who}: {label} {params or ''}".rstrip())
        for sql in queries:
            plan = explain(sql)
            seq = bool(SEQ_SCAN.search(plan))
            if seq and judged:
                failures.append(f"{who}: {label}")
            out += ["", "```sql", sql, "```", "", "```text", plan, "```"]
            if seq:
                out.append(f"\n**Seq Scan on accounts_socialaccount**{' (target missed)' if judged else ''}")
        out.append("")
    verdict = (
        "no filtered or searched page scans the accounts table"
        if not failures
        else "Seq Scan on accounts_socialaccount in: " + "; ".join(failures)
    )
    out.append(verdict)
    text = "\n".join(out)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

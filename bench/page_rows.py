#!/usr/bin/env python
"""How many rows each page of bench/http_pages.py shows on a bench database, and of how many.

    python bench/page_rows.py --database-url URL --picks FILE [--only TEXT] [--json OUT] [--against FILE]

The page benchmark compares each page's time at two sizes: that measures growth with the
inventory only when the page shows the same rows at both (issue 12, fifth pass: searches and
lists that filled their page at 100 000 accounts but not at 1 000). This renders every page with
Django's test client as its client (``force_login``) and prints, per page, each page of rows in
its context (``Page`` objects, the search's groups): the rows shown and the page size, and the
page's HTML size. Everything runs in one transaction that is rolled back (logging in writes a
session): the shared bench databases stay as they are. Run it on both sizes and compare.
"""

import argparse
import json
import re
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


class Rollback(Exception):
    pass


def shown(response) -> dict:
    """{context name: "rows/per page"} for every page of rows the page rendered; for a feed or
    JSON, the entries or results it holds."""
    from django.core.paginator import Page

    found = {}
    for context in response.context or []:
        for key, value in context.flatten().items():
            if isinstance(value, Page) and key not in found:
                found[key] = f"{len(value.object_list)}/{value.paginator.per_page}"
            elif key == "groups" and isinstance(value, list) and all(hasattr(g, "kind") for g in value):
                found["groups"] = " ".join(f"{g.kind.key}:{len(g.page.object_list)}" for g in value)
            elif key == "sections" and isinstance(value, list) and all(hasattr(s, "accounts") for s in value):
                # the to-do page: each section's rows shown (and how many wait, "+" past the badge's limit)
                found["sections"] = " ".join(
                    f"{s.key}:{len(s.accounts)}({s.total}{'+' if s.more_than else ''})" for s in value
                )
    content_type = response.get("Content-Type", "")
    if "atom" in content_type or "xml" in content_type:
        found["entries"] = str(response.content.count(b"<entry>"))
    elif "json" in content_type:
        body = json.loads(response.content)
        rows = body.get("results", body) if isinstance(body, dict) else body
        if isinstance(rows, list):
            found["results"] = str(len(rows))
    return found


def timed(connection, request) -> list[tuple[float, str]]:
    """(ms, SQL) of each query `request()` runs."""
    queries = []

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - start) * 1000, sql))

    with connection.execute_wrapper(wrapper):
        request()
    return queries


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", required=True)
    p.add_argument("--picks", required=True, help="the JSON bench/seeding.py --json wrote")
    p.add_argument("--only", action="append", help="pages whose label contains this text (repeatable)")
    p.add_argument("--json", help="also write {client|label: {rows, KB}} to this file")
    p.add_argument("--sql", action="store_true", help="also time each query of a second request of each page")
    p.add_argument("--against", help="a --json file of another size: list the pages whose rows differ")
    args = p.parse_args(argv)

    from http_pages import django_in_process, pages

    django_in_process(args.database_url, "kipolicy-page-rows-")
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from org.models import User

    setup_test_environment()  # the test client keeps each response's context
    warnings.filterwarnings("ignore", message="No directory at")
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    picks = json.loads(Path(args.picks).read_text())
    result = {}
    try:
        with transaction.atomic():
            clients = {"anonymous": Client()}
            for who in ("comms", "manager", "owner", "registrar", "auditor"):
                if who in picks:
                    clients[who] = Client()
                    user = User.objects.get(username=picks[who])
                    clients[who].force_login(user, backend="org.logins_local.LocalPasswordBackend")
            for client, label, path, kind in pages(picks):
                if kind == "trivial" or (args.only and not any(o in label for o in args.only)):
                    continue
                r = clients[client].get(path)
                rows = shown(r) if r.status_code == 200 else {"status": str(r.status_code)}
                text = ", ".join(f"{k} {v}" for k, v in rows.items())
                result[f"{client}|{label}"] = {"rows": rows, "KB": round(len(r.content) / 1024, 1)}
                print(f"{client:<9} {label:<48} {len(r.content) / 1024:6.1f} KB  {re.sub(r'_', ' ', text)}")
                if args.sql:
                    for ms, sql in timed(connection, lambda c=clients[client], p=path: c.get(p)):
                        print(f"    {ms:8.2f} ms  {sql[:160]}")
            raise Rollback
    except Rollback:
        pass
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    if args.against:
        other = json.loads(Path(args.against).read_text())
        differ = [k for k in result if k in other and result[k]["rows"] != other[k]["rows"]]
        print(f"\n{len(differ)} of {len(result)} pages show other rows than {args.against}:")
        for k in differ:
            print(f"  {k}: {result[k]['rows']} here, {other[k]['rows']} there")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Benchmark verify_audit_chain on PostgreSQL: time and Python memory to recompute the chain.

    python bench/audit_chain.py [--events N] [--database-url URL] [--keep]

1. (Re)creates a dedicated benchmark database (default
   postgres://postgres@127.0.0.1:5432/kipolicy_bench_audit; its name must contain "bench") and
   migrates it (the append-only triggers included).
2. Seeds N audit events (default 100 000) with bulk_create, computing the chain as it goes (what
   audit_record does one event at a time): 50 units (by id) as targets, 20 actors, before/after dicts of
   two fields, one event a minute.
3. Times audit.services.audit_chain_verify (what `manage.py verify_audit_chain` and the daily job
   run), twice, then once more under tracemalloc for the peak of Python allocations, and checks
   that the chain is intact. Drops the database unless --keep.
"""

import argparse
import datetime
import sys
import tempfile
import time
import tracemalloc

from sweep import configure_django, drop_database, recreate_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kipolicy_bench_audit"


def seed(n: int) -> float:
    from django.contrib.contenttypes.models import ContentType

    from audit import chain
    from audit.models import AuditEvent
    from org.models import Unit, User

    users = [User.objects.create(username=f"user{i}", first_name="Förnamn", last_name=f"Nr {i}") for i in range(20)]
    content_type = ContentType.objects.get_for_model(Unit)
    label = f"{content_type.app_label}.{content_type.model}"
    start, prev_hash, batch = time.perf_counter(), chain.GENESIS, []
    t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for i in range(n):
        actor, unit = users[i % len(users)], i % 50 + 1  # the targets need not exist: a generic reference
        event = AuditEvent(
            created_at=t0 + datetime.timedelta(minutes=i, microseconds=i),
            actor=actor,
            actor_username=actor.username,
            actor_repr=f"{actor.get_full_name()} ({actor.username})",
            action="unit.update",
            content_type=content_type,
            object_id=str(unit),
            object_repr=f"Enhet {unit}",
            before={"name": f"Enhet {i}", "registry_email": "registrator@ki.se"},
            after={"name": f"Enhet {i + 1}", "registry_email": "diarium@ki.se"},
            note="Ändrad i benchmark" if i % 10 == 0 else "",
            request_id=f"{i:032x}",
            prev_hash=prev_hash,
        )
        content = {f: getattr(event, f) for f in chain.CONTENT_FIELDS}
        event.hash = prev_hash = chain.row_hash(prev_hash, content, lambda _id: label)
        batch.append(event)
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    return time.perf_counter() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args(argv)
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("the benchmark database's name must contain 'bench' (it is dropped and created again)")
    recreate_database(args.database_url)
    configure_django(args.database_url, tempfile.mkdtemp(prefix="kipolicy-bench-"))
    try:
        from django.core.management import call_command

        from audit.services import audit_chain_verify

        call_command("migrate", verbosity=0)
        seconds = seed(args.events)
        print(f"seeded {args.events} events in {seconds:.1f} s")
        for run in (1, 2):
            start = time.perf_counter()
            checked, broken, _head = audit_chain_verify()
            elapsed = time.perf_counter() - start
            print(f"verify #{run}: {checked} events in {elapsed:.2f} s ({checked / elapsed:,.0f} events/s)")
            assert broken is None, broken
        tracemalloc.start()
        audit_chain_verify()
        print(f"peak Python allocations while verifying: {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB")
        tracemalloc.stop()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())

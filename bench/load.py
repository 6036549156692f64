#!/usr/bin/env python
"""Load test: 50 concurrent clients for 60 s against gunicorn at 100 000 accounts.

    python bench/load.py [--accounts 100000] [--days 365] [--reuse] [--keep] [--clients 50]
                         [--seconds 60] [--think 5] [--no-write]

1. Seeds kipolicy_bench_http_<size> with bench/seeding.py, or reuses it (--reuse; bench/http_pages.py
   --keep leaves one), and starts gunicorn as bench/http_pages.py does (2 workers, DEBUG=false,
   kipolicy.settings_bench).
2. Single client: each action of the mix, --baseline times in turn, one at a time: its p50.
3. Load: --clients clients (threads, each with its own HTTP session) for --seconds seconds, a
   realistic mix of who they are and what they do (MIX), each waiting a random think time
   (uniform, 0.5x to 1.5x --think seconds) between requests:
   - owners open "Today", check an account in (POST), open their accounts;
   - managers open "To do", open a request and decide it (POST, each pending request once);
   - comms open the inventory, filtered, searched, an account, the compliance overview, search
     across everything, a register and a queue (questions overdue);
   - the registrar works the queue of decision records without a reference number: opens it and
     enters a number (POST, each record once), opens the removed posts' queue and the records
     requests;
   - anonymous visitors check an address in the directory (JSON) and open the directory.
   The clients of one kind share one login (the login form is used once per kind).
4. Prints, per action: requests, errors, p50/p95 under load, the single-client p50 and the ratio;
   the throughput; writes the table to docs/performance.md (unless --no-write).

Targets (issue 12, item 4): no error (a status other than the expected 200, or 302 after a
POST, or a failed connection), and each action's p95 under load at most 5x its single-client p50.
Exit status 1 when one is missed.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_pages as hp  # noqa: E402

BEGIN, END = "<!-- bench/load.py: begin -->", "<!-- bench/load.py: end -->"
TARGET_RATIO = 5.0
# Clients of each kind, out of 50 (scaled to --clients).
MIX = {"owner": 19, "manager": 5, "comms": 10, "registrar": 1, "anonymous": 15}
QUEUE_DECISIONS = "/registers/decisions/?state=awaiting_reference&queue=registrar-decisions"
QUEUE_REMOVED = "/registers/removed-posts/?state=awaiting_reference&queue=registrar-removed-posts"
QUEUE_OVERDUE = "/registers/questions/?state=overdue&queue=questions-overdue"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--accounts", type=int, default=100_000, help="accounts (default 100 000)")
    p.add_argument("--days", type=int, default=365, help="days of check-ins if seeding (default 365)")
    p.add_argument("--reuse", action="store_true", help="reuse a database seeded alike (bench/http_pages.py --keep)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--seconds", type=float, default=60, help="duration of the load (default 60)")
    p.add_argument("--think", type=float, default=5.0, help="mean think time between requests, s (default 5)")
    p.add_argument("--baseline", type=int, default=10, help="single-client requests per action (default 10)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--url-prefix", default=hp.URL_PREFIX, help=f"database URL without the size ({hp.URL_PREFIX})")
    p.add_argument("--no-write", action="store_true", help="do not write the table to docs/performance.md")
    return p.parse_args(argv)


class Actions:
    """What each kind of client does: (action, weight) lists and the request of each action."""

    def __init__(self, picks: dict):
        self.p = picks
        self.pending = list(picks["pending"])
        self.lock = threading.Lock()
        self.owner_accounts = picks["owner_accounts"]
        self.awaiting = list(picks.get("awaiting_reference", []))

    def weights(self, kind: str) -> list[tuple[str, int]]:
        return {
            "owner": [("owner: today", 3), ("owner: check in (POST)", 2), ("owner: account page", 2)]
            + [("owner: my accounts", 1)],
            "manager": [("manager: to do", 2), ("manager: request", 2), ("manager: decide (POST)", 1)]
            + [("manager: inventory", 1)],
            "comms": [("comms: inventory", 3), ("comms: inventory, filtered", 2), ("comms: inventory, searched", 2)]
            + [("comms: account page", 1), ("comms: compliance overview", 1), ("comms: search", 2)]
            + [("comms: register", 1), ("comms: queue", 1)],
            "registrar": [("registrar: queue", 3), ("registrar: enter a reference (POST)", 2)]
            + [("registrar: removed posts queue", 1), ("registrar: records requests", 1)],
            "anonymous": [("anonymous: directory check (JSON)", 3), ("anonymous: directory", 1)],
        }[kind]

    def request(self, session, base: str, action: str, rng: random.Random, baseline: bool = False):
        """Send the action's request; returns (response, expected status)."""
        p = self.p
        csrf = {"X-CSRFToken": session.cookies.get("csrftoken", ""), "Referer": base + "/"}
        if action == "owner: today":
            return session.get(base + "/today/"), 200
        if action == "owner: check in (POST)":
            account = rng.choice(self.owner_accounts)
            r = session.post(base + "/today/", data={"account": account}, headers=csrf, allow_redirects=False)
            return r, 302
        if action == "owner: account page":
            return session.get(base + f"/accounts/{rng.choice(self.owner_accounts)}/"), 200
        if action == "owner: my accounts":
            return session.get(base + "/accounts/mine/"), 200
        if action == "manager: to do":
            return session.get(base + "/todo/"), 200
        if action == "manager: request":
            return session.get(base + f"/requests/{rng.choice(p['pending'])}/"), 200
        if action == "manager: decide (POST)":
            with self.lock:
                pk = None if baseline or not self.pending else self.pending.pop()
            if pk is None:  # every request decided (or the baseline): the decision page instead
                return session.get(base + f"/requests/{p['pending'][0]}/"), 200
            data = {"outcome": "approve", "comment": "", "seen_status": "awaiting_manager"}
            r = session.post(base + f"/requests/{pk}/decide/", data=data, headers=csrf, allow_redirects=False)
            return r, 302
        if action == "manager: inventory":
            return session.get(base + "/accounts/"), 200
        if action == "comms: inventory":
            return session.get(base + "/accounts/"), 200
        if action == "comms: inventory, filtered":
            return session.get(base + f"/accounts/?status=active&platform={p['platform']}"), 200
        if action == "comms: inventory, searched":
            return session.get(base + f"/accounts/?q=bench{rng.randint(10, 99)}"), 200
        if action == "comms: account page":
            return session.get(base + f"/accounts/{p['account']}/"), 200
        if action == "comms: compliance overview":
            return session.get(base + "/compliance/"), 200
        if action == "comms: search":
            return session.get(base + f"/search/?q=bench{rng.randint(10, 99)}"), 200
        if action == "comms: register":
            return session.get(base + "/registers/removed-posts/"), 200
        if action == "comms: queue":
            return session.get(base + QUEUE_OVERDUE), 200
        if action == "registrar: queue":
            return session.get(base + QUEUE_DECISIONS), 200
        if action == "registrar: enter a reference (POST)":
            with self.lock:
                pk = None if baseline or not self.awaiting else self.awaiting.pop(0)
            if pk is None:  # every record numbered (or the baseline): the queue instead
                return session.get(base + QUEUE_DECISIONS), 200
            data = {"reference": f"KI bench {pk}", "back": QUEUE_DECISIONS}
            url = base + f"/registers/decisions/{pk}/reference/"
            return session.post(url, data=data, headers=csrf, allow_redirects=False), 302
        if action == "registrar: removed posts queue":
            return session.get(base + QUEUE_REMOVED), 200
        if action == "registrar: records requests":
            return session.get(base + "/records-requests/"), 200
        if action == "anonymous: directory check (JSON)":
            address = f"https://www.instagram.com/bench{rng.randint(1, p['accounts'])}"
            return session.get(base + "/directory/check.json", params={"q": address}), 200
        if action == "anonymous: directory":
            return session.get(base + "/directory/"), 200
        raise ValueError(action)


def sessions_for(base: str, picks: dict) -> dict:
    return hp.clients(base, picks)


def copy_session(session):
    import requests

    clone = requests.Session()
    clone.cookies.update(session.cookies)
    return clone


def baseline(base, logins, actions: Actions, n: int) -> dict[str, float]:
    """Each action's single-client p50 (ms), one request at a time (the decide POST measured as
    its decision page: the baseline decides nothing)."""
    rng = random.Random(1)
    times: dict[str, list[float]] = {}
    every = [(kind, a) for kind in MIX for a, _w in actions.weights(kind)]
    for _ in range(n + 1):
        for kind, action in every:
            start = time.perf_counter()
            r, expected = actions.request(logins[kind], base, action, rng, baseline=True)
            ms = (time.perf_counter() - start) * 1000
            if r.status_code not in (expected, 200):
                raise RuntimeError(f"baseline {action}: status {r.status_code}")
            times.setdefault(action, []).append(ms)
    return {a: statistics.median(t[1:]) for a, t in times.items()}  # the first round warms up


def run_load(base, logins, actions: Actions, clients: int, seconds: float, think: float) -> tuple[dict, float]:
    kinds = []
    total = sum(MIX.values())
    for kind, k in MIX.items():
        kinds += [kind] * max(1, round(k * clients / total))
    kinds = kinds[:clients]
    results: dict[str, dict] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(i: int, kind: str):
        rng = random.Random(1000 + i)
        session = copy_session(logins[kind])
        choices, weights = zip(*actions.weights(kind), strict=True)
        time.sleep(rng.uniform(0, think))  # not all at once
        while time.monotonic() < deadline:
            action = rng.choices(choices, weights)[0]
            start = time.perf_counter()
            try:
                r, expected = actions.request(session, base, action, rng)
                error = r.status_code != expected and not (expected == 302 and r.status_code == 200)
                status = r.status_code
            except Exception as exc:  # noqa: BLE001 — a failed connection is an error of the run
                error, status = True, type(exc).__name__
            ms = (time.perf_counter() - start) * 1000
            with lock:
                row = results.setdefault(action, {"times": [], "errors": 0, "statuses": {}})
                row["times"].append(ms)
                row["errors"] += error
                row["statuses"][status] = row["statuses"].get(status, 0) + 1
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=client, args=(i, kind), daemon=True) for i, kind in enumerate(kinds)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 600)
    return results, time.monotonic() - start


def main(argv=None) -> int:
    args = parse_args(argv)
    url = hp.database_url(args.url_prefix, args.accounts)
    from sweep import bench_url_ok, drop_database

    if not bench_url_ok(url):
        return 2
    var_dir = tempfile.mkdtemp(prefix="kipolicy-bench-load-")
    static_root = str(hp.STATIC_ROOT)
    started = datetime.datetime.now().astimezone()
    print(f"{started:%Y-%m-%d %H:%M %Z}; {os.cpu_count()} CPUs; {hp.load()}")
    hp.collectstatic(var_dir, static_root)
    try:
        picks = hp.seed(url, args.accounts, args.days, args.reuse)
        actions = Actions(picks)
        with hp.Gunicorn(url, var_dir, static_root, 0, args.workers) as server:
            logins = sessions_for(server.base, picks)
            single = baseline(server.base, logins, actions, args.baseline)
            print(f"single-client p50s measured; {hp.load()}", flush=True)
            results, elapsed = run_load(server.base, logins, actions, args.clients, args.seconds, args.think)
            load_after = hp.load()
        total = sum(len(r["times"]) for r in results.values())
        errors = sum(r["errors"] for r in results.values())
        lines = [
            "| action | requests | errors | p50 ms under load | p95 ms under load | single-client p50 ms "
            "| p95 / single p50 | verdict |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        misses = []
        for action in sorted(results):
            r = results[action]
            p50, p95 = statistics.median(r["times"]), hp.percentile(r["times"], 0.95)
            ratio = p95 / single[action]
            bad = []
            if r["errors"]:
                bad.append(f"{r['errors']} errors {r['statuses']}")
            if ratio > TARGET_RATIO:
                bad.append(f"p95 {ratio:.1f}x > {TARGET_RATIO:.0f}x")
            misses += [f"{action}: {b}" for b in bad]
            lines.append(
                f"| {action} | {len(r['times'])} | {r['errors']} | {p50:.0f} | {p95:.0f} | {single[action]:.0f} "
                f"| {ratio:.1f} | {'; '.join(bad) or 'ok'} |"
            )
        command = "python bench/load.py " + " ".join(argv if argv is not None else sys.argv[1:])
        meta = (
            f"`{command.strip()}` on {started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs, gunicorn {args.workers} "
            f"workers, {picks['accounts']:,} active accounts, {args.clients} clients for {args.seconds:.0f} s, think "
            f"time {0.5 * args.think:.1f}–{1.5 * args.think:.1f} s; {total} requests in {elapsed:.0f} s: "
            f"**{total / elapsed:.1f} requests/s**, {errors} errors; {load_after} at the end."
        )
        verdict = (
            "all targets met"
            if not misses
            else f"{len(misses)} target(s) missed:\n\n" + "\n".join(f"- {m}" for m in misses)
        )
        block = f"{meta}\n\n" + "\n".join(lines) + f"\n\n{verdict}"
        print("\n" + block)
        if not args.no_write:
            text = hp.DOC.read_text()
            if BEGIN in text and END in text:
                before, rest = text.split(BEGIN, 1)
                text = before + BEGIN + "\n" + block + "\n" + END + rest.split(END, 1)[1]
            else:
                text += f"\n## Under load: 50 clients for 60 s\n\n{BEGIN}\n{block}\n{END}\n"
            hp.DOC.write_text(text)
            print(f"\nwritten to {hp.DOC.relative_to(hp.BASE_DIR)}")
        return 1 if misses else 0
    finally:
        import shutil

        shutil.rmtree(var_dir, ignore_errors=True)
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    sys.exit(main())

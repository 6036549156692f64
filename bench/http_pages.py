#!/usr/bin/env python
"""Benchmark every kind of page over HTTP, against gunicorn, at two sizes of the registry.

(Issue 12 calls it bench/http.py; a file named http.py in bench/ would hide the standard library's
`http` package from every script run from bench/, Django included.)

    python bench/http_pages.py [--sizes 1000,100000] [--days 365] [--reuse] [--keep] [--repeat 20]
                         [--explain] [--no-write]

For each size (accounts):

1. seeds a database kipolicy_bench_http_<size> with bench/seeding.py (bench/sweep.py's COPY
   seeding, records, logins, pending requests, the compliance findings), or reuses it (--reuse);
2. starts gunicorn on 127.0.0.1 (2 workers, DEBUG=false, static files collected once into a
   temporary folder and served by WhiteNoise) with kipolicy.settings_bench: every response says
   how many SQL statements it ran (X-Query-Count) and /__bench__/trivial/ answers a fixed 200;
3. logs in through the login form (CSRF, django-axes) as comms, the manager of the largest
   department, an owner, the registrar and an auditor, and keeps an anonymous client;
4. requests every page (PAGES) --warmup times, then --repeat rounds over all the pages in turn,
   and records p50/p95 time, response size, status and query count.

Then it prints one table, writes it to docs/performance.md (unless --no-write) and checks the
targets (issue 12, item 3), at the largest size against the smallest:

- every page's p50 at most 1.3x its p50 at the smallest size;
- the inventory, unit and directory pages' p50 at most 10x the trivial view's (same client);
- no HTML response over 200 KB;
- the same query count at every size.

It exits 1 when a target is missed or a page does not answer 200, 2 on a usage error. With
--explain it also runs bench/explain.py against the largest database (which it then keeps for
the run: EXPLAIN needs it).
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from http_page_list import list_pages, pages  # noqa: F401 (importers use them from here)

BENCH = Path(__file__).resolve().parent
BASE_DIR = BENCH.parent
PYTHON = sys.executable
URL_PREFIX = "postgres://postgres@127.0.0.1:5432/kipolicy_bench_http"
DOC = BASE_DIR / "docs" / "performance.md"
STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # collected for the benchmarks' gunicorn (var/ is not in git)
BEGIN, END = "<!-- bench/http_pages.py: begin -->", "<!-- bench/http_pages.py: end -->"
RATIO_SIZES = 1.3
RATIO_TRIVIAL = 10.0
MAX_HTML = 200 * 1024
PAGE_BUDGET = 30  # seconds of timed requests per page at most (but MIN_REPEAT requests)
MIN_REPEAT = 3
HIGH_RATE = "1000000/min"  # one client address sends everything: measure the pages, not the limiter


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,100000", help="accounts per run, comma-separated (default 1000,100000)")
    p.add_argument("--days", type=int, default=365, help="days of check-ins (default 365; 30 for a quick run)")
    p.add_argument("--reuse", action="store_true", help="reuse a database seeded alike by an earlier --keep run")
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    p.add_argument("--repeat", type=int, default=20, help="timed requests per page (default 20)")
    p.add_argument("--warmup", type=int, default=2, help="untimed requests per page first (default 2)")
    p.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--url-prefix", default=URL_PREFIX, help=f"database URL without the size (default {URL_PREFIX})")
    p.add_argument("--explain", action="store_true", help="EXPLAIN the inventory's queries at the largest size")
    p.add_argument("--no-write", action="store_true", help="do not write the table to docs/performance.md")
    p.add_argument(
        "--only",
        action="append",
        help="measure only the pages whose label contains this text (repeatable: any of them)",
    )
    return p.parse_args(argv)


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def database_url(prefix: str, n: int) -> str:
    return f"{prefix}_{size_label(n)}"


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(url: str, var_dir: str, static_root: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY", "CACHE_URL", "DJANGO_ALLOW"))}
    env.update(
        DJANGO_SETTINGS_MODULE="kipolicy.settings_bench",
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY="bench-only-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=var_dir,
        STATIC_ROOT=static_root,
        MEDIA_ROOT=str(Path(var_dir) / "media"),
        LOG_LEVEL="WARNING",
        RATE_LIMIT_API_USER=HIGH_RATE,
        RATE_LIMIT_API_ANON=HIGH_RATE,
        RATE_LIMIT_DIRECTORY=HIGH_RATE,
        RATE_LIMIT_DIRECTORY_CHECK=HIGH_RATE,
        RATE_LIMIT_PING=HIGH_RATE,
        RATE_LIMIT_SEARCH=HIGH_RATE,
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def django_in_process(database_url: str, prefix: str) -> None:
    """Set Django up in this process on a bench database, with the settings gunicorn gets
    (bench/page_rows.py, bench/profile_pages.py): a page is then requested with the test client."""
    var_dir = tempfile.mkdtemp(prefix=prefix)
    env = server_env(database_url, var_dir, str(Path(var_dir) / "static"))
    env["ALLOWED_HOSTS"] += ",testserver"
    os.environ.update(env)
    sys.path.insert(0, env["PYTHONPATH"])
    import django

    django.setup()


def collectstatic(var_dir: str, static_root: str) -> None:
    env = server_env("sqlite:///" + str(Path(var_dir) / "unused.sqlite3"), var_dir, static_root)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)


def seed(url: str, n: int, days: int, reuse: bool) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [PYTHON, str(BENCH / "seeding.py"), "--database-url", url, "--accounts", str(n), "--days", str(days)]
        cmd += ["--json", out.name] + (["--reuse"] if reuse else [])
        subprocess.run(cmd, cwd=BASE_DIR, check=True, stdout=sys.stderr)
        return json.loads(Path(out.name).read_text())


class Gunicorn:
    """gunicorn on 127.0.0.1 with the bench settings; stopped (by its own pid) on exit."""

    def __init__(self, url: str, var_dir: str, static_root: str, port: int, workers: int):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        cmd = [gunicorn, "kipolicy.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        cmd += ["--workers", str(workers), "--timeout", "300", "--log-level", "warning"]
        cmd += ["--config", str(BENCH / "gunicorn_warm.py")]  # each worker's content-type cache filled
        self.proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=server_env(url, var_dir, static_root))

    def __enter__(self):
        try:
            return self._wait()
        except BaseException:
            self.__exit__()
            raise

    def _wait(self):
        import requests

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                if requests.get(self.base + "/__bench__/trivial/", timeout=30).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 120 s")

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def login(base: str, username: str, password: str):
    """A requests.Session logged in through the login form (its CSRF token and cookie)."""
    import requests

    session = requests.Session()
    page = session.get(base + "/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        base + "/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/todo/"},
        headers={"Referer": base + "/login/"},
        allow_redirects=False,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login as {username} failed: {answer.status_code}")
    return session


def clients(base: str, p: dict) -> dict:
    import requests

    who = [k for k in ("comms", "manager", "owner", "registrar", "auditor") if k in p]
    return {"anonymous": requests.Session()} | {k: login(base, p[k], p["password"]) for k in who}


# --------------------------------------------------------------------------- measuring


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure(base: str, sessions: dict, page_list, repeat: int, warmup: int) -> dict:
    """{(client, label): {"p50", "p95", "bytes", "queries", "status", "html"}}, times in ms."""
    samples: dict = {(c, label): [] for c, label, _p, _k in page_list}
    facts: dict = {}
    fact_list: dict = {}

    def one(client, label, path):
        start = time.perf_counter()
        r = sessions[client].get(base + path, allow_redirects=False)
        elapsed = (time.perf_counter() - start) * 1000
        queries = r.headers.get("X-Query-Count")
        fact = (r.status_code, len(r.content), queries, r.headers.get("Content-Type", "").startswith("text/html"))
        return elapsed, fact

    # A page that takes seconds is requested fewer times (at least MIN_REPEAT): PAGE_BUDGET each.
    rounds = dict.fromkeys(samples, repeat)
    for _ in range(max(1, warmup)):
        for client, label, path, _kind in page_list:
            elapsed, _fact = one(client, label, path)
            rounds[(client, label)] = min(repeat, max(MIN_REPEAT, int(PAGE_BUDGET * 1000 / elapsed)))
            if elapsed > 5000:
                print(f"  slow: {client} {label} {elapsed / 1000:.1f} s", flush=True)
    for k in range(repeat):
        for client, label, path, _kind in page_list:
            if k >= rounds[(client, label)]:
                continue
            elapsed, fact = one(client, label, path)
            samples[(client, label)].append(elapsed)
            facts.setdefault((client, label), set()).add(fact)
            fact_list.setdefault((client, label), []).append(fact)
    result = {}
    for key, times in samples.items():
        statuses = {f[0] for f in facts[key]}
        # The most common count: a per-process cache (org.unit_cache) runs one query more on the
        # first request of each gunicorn worker that needs it, whichever request that is.
        counts = [f[2] for f in fact_list[key]]
        result[key] = {
            "n": len(times),
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
            "bytes": max(f[1] for f in facts[key]),
            "queries": str(max(sorted(set(counts), key=str), key=counts.count)),
            "status": "/".join(str(s) for s in sorted(statuses)),
            "html": any(f[3] for f in facts[key]),
        }
    return result


def run_size(args, n: int, var_dir: str, static_root: str) -> tuple[dict, dict, str]:
    url = database_url(args.url_prefix, n)
    print(f"\n== {n:,} accounts: {url} ({load()})", flush=True)
    p = seed(url, n, args.days, args.reuse)
    print(f"seeded in {p['seconds']} s (reused: {p['reused']}); {load()}", flush=True)
    page_list = [row for row in pages(p) if not args.only or any(o in row[1] for o in args.only) or row[3] == "trivial"]
    with Gunicorn(url, var_dir, static_root, args.port, args.workers) as server:
        sessions = clients(server.base, p)
        start = time.perf_counter()
        result = measure(server.base, sessions, page_list, args.repeat, args.warmup)
        print(f"measured {len(page_list)} pages x {args.repeat} in {time.perf_counter() - start:.0f} s; {load()}")
    for (client, label), r in result.items():  # at once: a long run that is stopped keeps these
        kb = r["bytes"] / 1024
        print(f"  {client:<9} {label:<45} p50 {r['p50']:9.1f} ms  {kb:9.1f} KB  {r['queries']:>5} queries")
    return p, result, load()


# --------------------------------------------------------------------------- report


def report(args, sizes, page_list, results, loads) -> tuple[str, list[str]]:
    small, large = sizes[0], sizes[-1]
    rs, rl = results[small], results[large]
    misses: list[str] = []
    trivial = {c: rl[(c, "trivial view")]["p50"] for c, label, _p, _k in page_list if label == "trivial view"}
    head = "| client | page | " + " | ".join(
        f"{size_label(n)} p50 ms | {size_label(n)} p95 ms | {size_label(n)} KB | {size_label(n)} queries" for n in sizes
    )
    head += " | p50 ratio | × trivial | verdict |"
    lines = [head, "| --- | --- |" + " ---: | ---: | ---: | ---: |" * len(sizes) + " ---: | ---: | --- |"]
    for client, label, path, kind in page_list:
        key = (client, label)
        cells = []
        for n in sizes:
            r = results[n][key]
            few = f" (n={r['n']})" if r["n"] < args.repeat else ""
            cells.append(f"{r['p50']:.1f} | {r['p95']:.1f}{few} | {r['bytes'] / 1024:.1f} | {r['queries']}")
        ratio = rl[key]["p50"] / rs[key]["p50"] if len(sizes) > 1 else 1.0
        vs_trivial = rl[key]["p50"] / trivial[client] if client in trivial else float("nan")
        bad = []
        if any(results[n][key]["status"] != "200" for n in sizes):
            bad.append("status " + ", ".join(results[n][key]["status"] for n in sizes))
        if kind != "trivial" and len(sizes) > 1 and ratio > RATIO_SIZES:
            bad.append(f"p50 ×{ratio:.2f} > {RATIO_SIZES}")
        if kind in ("inventory", "unit", "directory") and vs_trivial > RATIO_TRIVIAL:
            bad.append(f"{vs_trivial:.1f}× trivial > {RATIO_TRIVIAL:.0f}")
        if rl[key]["html"] and rl[key]["bytes"] > MAX_HTML:
            bad.append(f"HTML {rl[key]['bytes'] / 1024:.0f} KB > 200")
        if len({results[n][key]["queries"] for n in sizes}) > 1 or "/" in rl[key]["queries"]:
            bad.append("queries differ")
        for b in bad:
            misses.append(f"{client} {label} ({path}): {b}")
        verdict = "; ".join(bad) if bad else "ok"
        lines.append(
            f"| {client} | {label} | " + " | ".join(cells) + f" | {ratio:.2f} | {vs_trivial:.1f} | {verdict} |"
        )
    return "\n".join(lines), misses


def write_doc(block: str) -> None:
    text = DOC.read_text()
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        _old, after = rest.split(END, 1)
        text = before + BEGIN + "\n" + block + "\n" + END + after
    else:
        text += f"\n# HTTP: every page at two sizes\n\n{BEGIN}\n{block}\n{END}\n"
    DOC.write_text(text)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        sizes = sorted(int(s) for s in args.sizes.split(","))
    except ValueError:
        print("--sizes: accounts, comma-separated, e.g. 1000,100000", file=sys.stderr)
        return 2
    sys.path.insert(0, str(BENCH))
    from sweep import bench_url_ok, drop_database

    if not all(bench_url_ok(database_url(args.url_prefix, n)) for n in sizes):
        return 2
    var_dir = tempfile.mkdtemp(prefix="kipolicy-bench-http-")
    static_root = str(STATIC_ROOT)
    started = datetime.datetime.now().astimezone()
    print(f"{started:%Y-%m-%d %H:%M %Z}; {os.cpu_count()} CPUs; {load()}")
    collectstatic(var_dir, static_root)
    results, picks, loads = {}, {}, {}
    try:
        for n in sizes:
            picks[n], results[n], loads[n] = run_size(args, n, var_dir, static_root)
        page_list = [row for row in pages(picks[sizes[-1]]) if (row[0], row[1]) in results[sizes[-1]]]
        table, misses = report(args, sizes, page_list, results, loads)
        command = "python bench/http_pages.py " + " ".join(argv if argv is not None else sys.argv[1:])
        meta = (
            f"`{command.strip()}` on {started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs, gunicorn "
            f"{args.workers} workers, {args.days} days of check-ins, {args.repeat} timed requests per page; "
            + "; ".join(f"{size_label(n)}: {picks[n]['accounts']:,} active accounts, {loads[n]}" for n in sizes)
            + "."
        )
        verdict = (
            "all targets met"
            if not misses
            else f"{len(misses)} target(s) missed:\n\n" + "\n".join(f"- {m}" for m in misses)
        )
        block = f"{meta}\n\n{table}\n\n{verdict}"
        print("\n" + block)
        if not args.no_write:
            write_doc(block)
            print(f"\nwritten to {DOC.relative_to(BASE_DIR)}")
        status = 1 if misses else 0
        if args.explain:
            url = database_url(args.url_prefix, sizes[-1])
            explain = [PYTHON, str(BENCH / "explain.py"), "--database-url", url]
            status |= subprocess.run(explain, cwd=BASE_DIR).returncode
        return status
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        if not args.keep:
            for n in sizes:
                drop_database(database_url(args.url_prefix, n))


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Time one start-page capture's browser run (issue 17) against the test suite's profile page.

    python bench/capture.py [--runs N]

Serves tests/watching/capture_server.py's pages on 127.0.0.1 (trusted), runs
watching.capture_browser.browse on /kiprofile once to warm up and then N times (default 7), and
prints the median wall time, the CPU time of this process (the route handler's fetches, the WARC)
and of its children (the Playwright driver and Chromium), with the PNG and WARC sizes. No database.
docs/performance.md ("Start-page capture: the portal fetches every request") records the figures.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _cpu(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kipolicy.settings_test")
    import django

    django.setup()
    from django.test import override_settings

    from tests.watching.capture_server import profile_servers
    from watching.capture_browser import browse

    site, untrusted = profile_servers()
    hosts = frozenset({"127.0.0.1"})
    walls, own, children = [], [], []
    with site, untrusted, override_settings(WATCHING_TRUSTED_ADDRESSES=[site.address]):
        browse(site.url("/kiprofile"), page_hosts=hosts)  # warm-up
        for _run in range(args.runs):
            cpu_self, cpu_children, started = (
                _cpu(resource.RUSAGE_SELF),
                _cpu(resource.RUSAGE_CHILDREN),
                time.perf_counter(),
            )
            seen = browse(site.url("/kiprofile"), page_hosts=hosts)
            walls.append(time.perf_counter() - started)
            own.append(_cpu(resource.RUSAGE_SELF) - cpu_self)
            children.append(_cpu(resource.RUSAGE_CHILDREN) - cpu_children)
            if not seen.png:
                sys.exit(f"no screenshot: {seen}")
    print(f"runs {args.runs}; PNG {len(seen.png)} B, WARC {len(seen.warc)} B, refused requests {len(seen.refused)}")
    print(
        f"wall p50 {statistics.median(walls):.2f} s (min {min(walls):.2f}); CPU p50: this process "
        f"{statistics.median(own):.2f} s, driver and Chromium {statistics.median(children):.2f} s"
    )
    print("load average:", Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main()

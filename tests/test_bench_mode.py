"""The benchmarks' query counter and trivial view (kipolicy/bench.py) exist only in bench mode
(kipolicy.settings_bench): the production settings and the test settings have neither."""

import importlib

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from kipolicy.bench import QUERY_COUNT_HEADER, QueryCountMiddleware


def test_the_query_counter_and_the_trivial_view_are_off_by_default(client):
    assert not any("bench" in m for m in settings.MIDDLEWARE)
    assert settings.ROOT_URLCONF == "kipolicy.urls"
    with pytest.raises(Resolver404):
        resolve("/__bench__/trivial/")
    response = client.get("/login/")
    assert response.status_code == 200
    assert QUERY_COUNT_HEADER not in response
    assert client.get("/__bench__/trivial/").status_code == 404


def test_the_production_settings_module_has_no_bench_middleware():
    production = importlib.import_module("kipolicy.settings")
    assert not any("bench" in m for m in production.MIDDLEWARE)
    assert production.ROOT_URLCONF == "kipolicy.urls"


@pytest.mark.django_db
def test_bench_mode_counts_every_statement_of_a_request(rf):
    from org.models import User

    def view(request):
        list(User.objects.all())
        list(User.objects.filter(pk=1))
        from django.http import HttpResponse

        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(rf.get("/"))
    assert response[QUERY_COUNT_HEADER] == "2"


def test_the_bench_urls_add_only_the_trivial_view():
    from kipolicy import urls, urls_bench

    assert len(urls_bench.urlpatterns) == len(urls.urlpatterns) + 1
    assert resolve("/__bench__/trivial/", urlconf="kipolicy.urls_bench").url_name == "bench-trivial"


@pytest.mark.parametrize("script", ["http_pages.py", "load.py", "explain.py", "seeding.py"])
def test_the_bench_scripts_start(script):
    """A smoke test: the HTTP benchmarks import and parse their options (they are not run here)."""
    import subprocess
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parent.parent / "bench"
    result = subprocess.run([sys.executable, str(bench / script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


# Every list page in the page benchmark (issue 12): bench/http_pages.py requests each of them, so
# that a list that grows with the registry shows in its table at two sizes.
LIST_PAGES = {
    "accounts:inventory",
    "accounts:mine",
    "accounts:detail",
    "accounts:history",
    "accounts:access",
    "accounts:access-review",
    "accounts:partners",
    "accounts:search",
    "approvals:todo",
    "approvals:todo-section",
    "approvals:retroactive-bulk",
    "approvals:detail",
    "org:unit-list",
    "org:unit-detail",
    "people:list",
    "people:detail",
    "people:search",
    "people:handover",
    "platforms:list",
    "monitoring:today",
    "monitoring:account",
    "monitoring:cover",
    "monitoring:absences",
    "monitoring:overview",
    "snapshots:list",
    "records:incidents",
    "records:inquiries",
    "records:unit-inquiries",
    "records:blocks",
    "records:consents",
    "records:request-list",
    "records:request-detail",
    "records:weeding",
    "records:impostor-cases",
    "records:impostor-case",
    "records:impostors-listed",
    "registers:index",
    "registers:register",
    "directory:index",
    "directory:feed",
    "webhooks:list",
    "webhooks:detail",
    "accessibility:report-list",
    "reports:compliance",
    "reports:job-list",
    "search",
}


def _bench_pages():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import http_pages

    picks = dict.fromkeys(["account", "mid_unit", "department", "leaf_unit", "platform", "person", "leaver"], 7)
    picks |= dict.fromkeys(["records_request", "impostor_case", "webhook"], 7)
    picks |= {"half": "2026-2", "pending": [7], "registrar": "r", "auditor": "a", "accounts": 1000}
    return http_pages.pages(picks)


def test_the_page_benchmark_requests_every_list_page():
    from urllib.parse import urlsplit

    names = set()
    for _client, _label, path, _kind in _bench_pages():
        if path.startswith("/__bench__/"):
            continue
        match = resolve(urlsplit(path).path)
        names.add(f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name)
    assert LIST_PAGES - names == set()


def test_the_page_benchmark_requests_every_register_and_queue():
    """A register or queue added later (accounts.registers) is measured too."""
    from accounts.registers import QUEUES, REGISTERS

    paths = {path for _client, _label, path, _kind in _bench_pages()}
    assert {slug for slug in REGISTERS if f"/registers/{slug}/" not in paths} == set()
    assert {slug for slug, queue in QUEUES.items() if queue.url() not in paths} == set()


def test_the_page_benchmark_searches_for_as_many_accounts_at_both_sizes():
    """Issue 12: the searched pages compare the same search at 1 000 and 100 000 accounts (the
    seeded handles are bench1 … benchN), not one that matches a hundred times more."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from http_page_list import searched

    def matches(n, others):
        """Active accounts bench1 … benchN, then the accounts outside the rules (N/100 of them)."""
        word = searched({"accounts": n})
        return sum(word in f"bench{i}" for i in range(1, n + 1)), sum(
            word in f"bench{i}" for i in range(n + 1, n + others + 1)
        )

    assert matches(1_000, 10) == matches(100_000, 1_000) == (111, 0)

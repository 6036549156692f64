"""Issue 12, "Done when": query-count guards cover every list page. Every page the page benchmark
measures (bench/http_pages.py) and every list endpoint of the API must be named, as its URL name,
in a module of tests/scale that guards pages with assert_flat or assert_bounded; a list page added
to the benchmark or a viewset added to the API without a guard fails here.

The check reads the guard modules' string constants (their reverse() names, parametrize lists):
a guard names its page by its URL name, never by an f-string (/work/logs/guards-map.md maps each
page and role to its test)."""

import ast
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import resolve

from kipolicy.api import router
from tests.test_bench_mode import _bench_pages

# Pages the benchmark measures that list nothing.
NOT_LISTS = {"login"}


def guarded_names() -> set[str]:
    """The string constants of the tests/scale modules that call a guard."""
    names = set()
    here = Path(__file__)
    for path in here.parent.glob("test_*.py"):
        source = path.read_text()
        if path == here or ("assert_flat(" not in source and "assert_bounded(" not in source):
            continue
        names |= {
            node.value
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
    return names


def url_name(path: str) -> str:
    match = resolve(urlsplit(path).path)
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def test_every_page_of_the_page_benchmark_has_a_guard():
    measured = {url_name(path) for _client, _label, path, kind in _bench_pages() if kind != "trivial"}
    assert len(measured) > 40  # the benchmark's pages were read
    assert measured - NOT_LISTS - guarded_names() == set()


def test_every_list_endpoint_of_the_api_has_a_guard():
    endpoints = {f"api:{pattern.name}" for pattern in router.urls if pattern.name.endswith("-list")}
    assert len(endpoints) >= 10
    assert endpoints - guarded_names() == set()


def test_a_page_without_a_guard_is_found():
    """The form to register an account is named only in a module without a guard (the pickers')."""
    assert "accounts:create" not in guarded_names()
    assert "accounts:inventory" in guarded_names()

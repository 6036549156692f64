"""axe-core finds no WCAG 2.1 A/AA violation on any page, for any role, in either language (the
portal's own accessibility: DOS-lagen 2018:1937 and ACC-1/ACC-2, issue 15).

Each role (a visitor who is not logged in, the owner, the manager, comms, the auditor, the
registrar) is logged in, and the crawl visits every page its navigation and footer link to, then one page of each kind
those pages link to (an account, a unit, a person, a request, …), and one of each kind those link
to (the account's history, monitoring, screenshots and records pages, …). "One of each kind": the
link's path with its numbers replaced, so that forty accounts are one kind. Downloads, the API's
JSON, the admin and logging out are left out. Each page is checked in Swedish and in English, and
every page answers 200 (a page never shows a link its user cannot follow)."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.e2e.a11y import wcag_problems
from tests.e2e.conftest import login, new_context

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python missing")

pytestmark = pytest.mark.e2e

# Not pages to check: leaving, switching language, downloads and machine-readable answers.
SKIP = re.compile(
    r"^/(logout|i18n|admin|health|saml2|oidc|__bench__|ping)/|^/api/v1/(?!docs/$)"
    r"|\.(csv|json|xlsx|pdf|png|jpe?g|txt|ics|zip|atom)$|/(download|file|document|pdf|bundle|audit-trail|warc)/$",
)
LINKS = """(root) => [...root.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"""
# The crawl's depth (the navigation is level 1) and the most pages it checks for one role.
LEVELS = 3
MAX_PAGES = 110


def kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def local_paths(page, selector: str, base: str) -> list[str]:
    paths = []
    for root in page.locator(selector).all():
        for href in root.evaluate(LINKS):
            parts = urlsplit(href)
            if parts.scheme not in ("", "http") or (parts.netloc and parts.netloc != urlsplit(base).netloc):
                continue
            if not parts.path or parts.path.startswith("#") or SKIP.search(parts.path):
                continue
            paths.append(parts.path)
    return paths


def crawl(page, base: str) -> list[str]:
    """The paths to check for the logged-in page's user: the navigation's and footer's links, then,
    level by level, one page of each kind linked from the main area of the pages before."""
    page.goto(base + "/accessibility/")
    level = list(dict.fromkeys(local_paths(page, "header nav, footer", base)))
    seen_kinds = {kind(p) for p in level}
    paths = list(level)
    for _depth in range(LEVELS - 1):
        found = []
        for path in level:
            response = page.goto(base + path)
            assert response.status == 200, f"{path}: {response.status}"
            for link in local_paths(page, "main", base):
                if kind(link) not in seen_kinds and len(paths) + len(found) < MAX_PAGES:
                    seen_kinds.add(kind(link))
                    found.append(link)
        paths += found
        level = found
    return paths


@pytest.mark.parametrize("username", ["anonymous", "owner", "manager", "comms", "auditor", "registrar"])
def test_every_page_has_no_wcag_violation_in_either_language(demo, browser, username):
    """ACC-1/ACC-2 (the portal itself): axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa) reports 0
    violations on every page a role reaches from its navigation, and one page of each kind linked
    from there, in Swedish and in English; each of those pages answers 200, loads nothing that
    fails (no 404 for a favicon, a stylesheet or a script), names a favicon that exists and links
    to the accessibility statement from its footer (DOS-lagen: reachable from every page)."""
    axe = axe_module.Axe()
    context = new_context(browser)
    failed = []  # every request of the pages' first loads that failed: stylesheets, scripts, icons
    icons = set()
    try:
        page = context.new_page()
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        if username != "anonymous":
            login(page, demo, username, settings.DEMO_PASSWORD)
        paths = crawl(page, demo.url)
        assert len(paths) >= 3, paths
        problems = []
        for language in ("sv", "en"):
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": demo.url}])
            for path in paths:
                response = page.goto(demo.url + path)
                assert response.status == 200, f"{path}: {response.status}"
                if path.startswith("/api/v1/docs/"):
                    page.locator(".swagger-ui .info").wait_for()
                assert page.locator("html").get_attribute("lang") == language, path
                assert page.locator('footer a[href="/accessibility/"]').count() == 1, path
                problems += wcag_problems(axe, page, f"{username} {language} {path}")
                icons.update(page.eval_on_selector_all("link[rel=icon]", "ls => ls.map(l => l.href)"))
        print(f"\n{username}: {len(paths)} pages, each in sv and en")
        assert problems == [], f"{len(paths)} pages; " + "\n".join(problems)
        # Issue 15: every page names a favicon, and it (like everything else the pages load) is there.
        assert icons and all(context.request.get(icon).status == 200 for icon in icons), icons
        assert failed == [], failed
    finally:
        context.close()

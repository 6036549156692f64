"""The Content-Security-Policy in a real browser: the pages work under it (Swagger UI, htmx), the
browser keeps the __Host- cookies, and a violation is caught by the conftest's console watch."""

import pytest
from django.urls import reverse

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_the_api_documentation_runs_under_the_policy(demo, as_user, csp_violations):
    """Swagger UI starts from its static script and shows the operations; nothing is blocked."""
    page = as_user("comms")
    response = page.goto(demo.url + reverse("api:docs"))

    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("KI social media registry API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert csp_violations == []


def test_the_browser_keeps_the_host_only_cookies_and_htmx_adds_no_style(as_user):
    """Logged in over the live server: the session cookie is __Host-sessionid, Secure, for this
    host alone; htmx (told so by its meta config) inserted no <style> element."""
    page = as_user("owner")

    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "__Host-sessionid" in cookies and "sessionid" not in cookies
    assert cookies["__Host-sessionid"]["secure"] is True
    assert cookies["__Host-sessionid"]["path"] == "/"
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False


def test_an_inline_script_is_refused_and_reported(demo, page, csp_violations):
    """The policy really blocks inline code, and the conftest sees the refusal (so that any page
    relying on inline code fails its browser test)."""
    page.goto(demo.url + reverse("login"))

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.head.appendChild(script);
        }"""
    )

    assert page.evaluate("() => window.inlineRan === true") is False
    page.wait_for_timeout(200)  # the console message arrives asynchronously
    assert any("script-src" in message for message in csp_violations), csp_violations
    csp_violations.clear()  # expected here; any other test fails on such a message

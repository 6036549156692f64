"""The public directory in a real browser, as an anonymous visitor: searching, the "is this an
official KI account?" check (with htmx, and without JavaScript), switching to English, and an
automated accessibility check (axe-core), against the demo data (PRIV-3, SEND-1)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import SocialAccount
from tests.e2e.a11y import describe, serious_violations

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

KI_INSTAGRAM = "https://www.instagram.com/karolinskainstitutet/?hl=sv"
AMBASSADORS = "https://www.instagram.com/kistudentambassadors"
IMPOSTOR = "https://www.instagram.com/karolinska.institutet.official/"
COMMS_UNIT = "Kommunikationsavdelningen"


def directory_url(live_server) -> str:
    return live_server.url + reverse("directory:index")


def answer(page):
    return page.locator("#check-answer")


def run_check(page, text: str):
    """Paste into the check and press the button (htmx swaps the answer region in place)."""
    page.locator("#id_check").fill(text)
    page.locator("#check-form button[type=submit]").click()


def row_names(page) -> list[str]:
    return [t.split("\n")[0].strip() for t in page.locator("main table tbody th[scope=row]").all_inner_texts()]


def test_anonymous_visitor_searches_checks_and_switches_language(demo, page):
    """Without logging in: the directory opens (in Swedish), the search narrows the list, KI's
    Instagram address answers "yes" with its unit, a student-ambassador account answers "not
    official" (PRIV-3), an unknown address answers "no" with where to report it (SEND-1), the
    page switches to English, and axe finds no serious or critical violations along the way."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = []

    def check_accessibility(where):
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        found.extend(describe(where, v) for v in serious_violations(axe.run(page)))

    response = page.goto(directory_url(demo))
    assert response.status == 200
    expect(page).to_have_url(directory_url(demo))  # not redirected to the login page
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    listed = SocialAccount.objects.filter(status="active").count()
    expect(page.locator("main p[role=status]")).to_contain_text(re.compile(rf"\b{listed}\b"))
    expect(page.locator("main")).not_to_contain_text("KI Flickr")  # decommissioned
    expect(page.locator("main")).not_to_contain_text("tiktok.com/@karolinskainstitutet")  # awaiting approval
    check_accessibility("directory")

    # Search.
    search = page.locator("main").get_by_role("search")
    search.locator("#id_q").fill("kardio")
    with page.expect_navigation():
        search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"[?&]q=kardio\b"))
    names = row_names(page)
    assert names and "KI Kardiologi" in names, names
    assert "MedS Solna" not in names
    assert "Karolinska Institutet" not in names

    # An official account: yes, with its unit.
    run_check(page, KI_INSTAGRAM)
    official = answer(page).locator("[data-answer=official]")
    expect(official).to_be_visible()
    expect(official).to_contain_text("Karolinska Institutet")
    expect(official).to_contain_text("Instagram")
    expect(official).to_contain_text(COMMS_UNIT)
    expect(page).to_have_url(re.compile(r"[?&]check="))  # htmx pushed the URL: reload or share it
    expect(page.locator("#check-answer")).to_have_attribute("aria-live", "polite")
    check_accessibility("official answer")

    # A student-ambassador account: not an official channel.
    run_check(page, AMBASSADORS)
    ambassador = answer(page).locator("[data-answer=student_ambassador]")
    expect(ambassador).to_be_visible()
    expect(ambassador).to_contain_text("KI Student Ambassadors")
    expect(ambassador).to_contain_text("PRIV-3")
    check_accessibility("student-ambassador answer")

    # An unknown account: no, and where to report it.
    run_check(page, IMPOSTOR)
    unknown = answer(page).locator("[data-answer=not_found]")
    expect(unknown).to_be_visible()
    expect(unknown.locator(f'a[href="mailto:{settings.COMMS_EMAIL}"]')).to_be_visible()
    check_accessibility("impostor answer")

    # Garbage: a clear message.
    run_check(page, "hello world")
    expect(answer(page).locator("#check-error")).to_be_visible()
    check_accessibility("invalid input")

    # English.
    with page.expect_navigation():
        page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of KI's social media accounts")
    expect(page.get_by_role("heading", level=2, name="Is this an official KI account?")).to_be_visible()
    run_check(page, KI_INSTAGRAM)
    expect(answer(page)).to_contain_text("Yes. This is an official KI account.")
    expect(answer(page)).to_contain_text("Communications Office")
    check_accessibility("directory in English")

    assert not found, "axe found serious/critical violations:\n" + "\n".join(found)


def test_the_check_works_without_javascript(demo, browser):
    """With JavaScript switched off the check is a plain GET form: the answer comes with the page."""
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(directory_url(demo))
        page.locator("#id_check").fill(KI_INSTAGRAM)
        with page.expect_navigation():
            page.locator("#check-form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"[?&]check="))
        expect(answer(page).locator("[data-answer=official]")).to_contain_text(COMMS_UNIT)
        # The list is still there below the answer.
        assert "KI Kardiologi" in row_names(page)
    finally:
        context.close()


def test_the_list_comes_in_pages_that_keep_the_search(demo, page, monkeypatch):
    """With pages of five: the pagination (a labelled nav, the current page marked) leads to the
    next page with the search kept, the page links back, and axe finds nothing serious."""
    from axe_playwright_python.sync_playwright import Axe

    from accounts import directory_views

    monkeypatch.setattr(directory_views, "PAGE_SIZE", 5)
    page.goto(directory_url(demo) + "?q=KI")
    first = row_names(page)
    assert len(first) == 5, first
    nav = page.locator("main nav.pagination, main nav:has(ul.pagination)")
    expect(nav).to_have_attribute("aria-label", "Sidor")
    expect(nav.locator("[aria-current=page]")).to_contain_text("Sida 1 av")
    found = [describe("directory page 1", v) for v in serious_violations(Axe().run(page))]

    with page.expect_navigation():
        nav.get_by_role("link", name="Nästa").click()
    expect(page).to_have_url(re.compile(r"[?&]q=KI&page=2$"))
    second = row_names(page)
    assert second and not set(second) & set(first[:1]), (first, second)
    expect(nav.locator("[aria-current=page]")).to_contain_text("Sida 2 av")
    found += [describe("directory page 2", v) for v in serious_violations(Axe().run(page))]

    with page.expect_navigation():
        nav.get_by_role("link", name="Föregående").click()
    assert row_names(page) == first
    assert not found, "axe found serious/critical violations:\n" + "\n".join(found)

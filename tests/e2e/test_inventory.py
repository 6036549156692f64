"""The inventory in a real browser: logging in, language, filters, "My accounts", keyboard use and
an automated accessibility check (axe-core), all against the demo data."""

import re

import pytest
from django.db.models import Q
from django.urls import reverse

from accounts.models import Assignment, SocialAccount
from org.models import Unit, User
from tests.e2e.a11y import describe, serious_violations
from tests.e2e.conftest import login, new_context

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

DEMO_USERS = ("owner", "deputy", "manager", "comms", "auditor")
MEDS = "Institutionen för medicin, Solna"


def url(live_server, name, *args):
    return live_server.url + reverse(name, args=args)


def heading(page):
    return page.get_by_role("heading", level=1)


def status_text(page):
    """The result count above the inventory table ("40 accounts")."""
    return page.locator("main p[role=status]")


def row_names(page):
    """The account names in the account table, in order."""
    return page.locator("main table tbody tr td:first-child a").all_inner_texts()


def row_units(page):
    return [text.strip() for text in page.locator("main table tbody tr td:nth-child(3)").all_inner_texts()]


def test_login_page_and_every_demo_user_reaches_the_inventory(demo, browser):
    """The login page is served with its stylesheets; each of the five demo users logs in and lands
    on the inventory (a visible level-1 heading); as comms the inventory lists every demo account
    (about 40) over two pages of 25."""
    live_server = demo
    for username in DEMO_USERS:
        context = new_context(browser)
        try:
            page = context.new_page()
            stylesheets = []
            page.on("response", lambda r, s=stylesheets: s.append(r) if r.request.resource_type == "stylesheet" else 0)
            response = page.goto(f"{live_server.url}/login/")
            assert response.status == 200
            expect(heading(page)).to_be_visible()
            assert {r.url.removeprefix(live_server.url) for r in stylesheets} >= {
                "/static/vendor/bootstrap/bootstrap.min.css",
                "/static/css/portal.css",
            }
            assert all(r.status == 200 for r in stylesheets), [(r.url, r.status) for r in stylesheets]
            # Bootstrap and portal.css are applied, not just fetched.
            assert page.locator("nav.bg-ki").evaluate("n => getComputedStyle(n).backgroundColor") == "rgb(79, 4, 51)"

            login(page, live_server, username)
            expect(page).to_have_url(url(live_server, "accounts:inventory"))
            expect(heading(page)).to_be_visible()
            expect(page.locator("header")).to_contain_text(str(User.objects.get(username=username)))
        finally:
            context.close()

    context = new_context(browser)
    try:
        page = context.new_page()
        login(page, live_server, "comms")
        total = SocialAccount.objects.count()  # comms sees every account
        assert 40 <= total <= 50, total
        expect(status_text(page)).to_contain_text(re.compile(rf"\b{total}\b"))
        first_page = row_names(page)
        assert len(first_page) == 25
        assert "Karolinska Institutet" in first_page
        expect(page.get_by_role("link", name="Karolinska Institutet", exact=True)).to_have_count(
            SocialAccount.objects.filter(name="Karolinska Institutet").count()
        )
        pagination = page.locator("main nav ul.pagination")
        expect(pagination).to_contain_text(re.compile(r"\b1\b.*\b2\b"))
        pagination.locator("a.page-link").last.click()
        expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
        second_page = row_names(page)
        assert len(second_page) == total - 25
        assert "Neuroscience at KI" in second_page
        assert sorted(first_page + second_page) == sorted(SocialAccount.objects.values_list("name", flat=True))
    finally:
        context.close()


def test_language_switch(demo, page):
    """Swedish is the default (<html lang="sv">); the "English" button switches the page to
    English and back."""
    login(page, demo, "comms")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "sv")

    switch = page.get_by_role("button", name="English", exact=True)
    expect(switch).to_have_attribute("lang", "en")
    with page.expect_navigation():
        switch.click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name="Inventory of social media accounts")).to_be_visible()
    expect(page).to_have_url(url(demo, "accounts:inventory"))

    back = page.get_by_role("button", name="Svenska", exact=True)
    expect(back).to_have_attribute("lang", "sv")
    with page.expect_navigation():
        back.click()
    expect(html).to_have_attribute("lang", "sv")
    expect(heading(page)).to_be_visible()


def test_swedish_pages_are_in_swedish(demo, page):
    """A page that says <html lang="sv"> shows Swedish text (WCAG 3.1.1, language of page): the
    portal's own strings come from the Swedish catalogue (locale/sv, compiled by
    ``manage.py compile_locale``), not the English source strings."""
    login(page, demo, "comms")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(heading(page)).to_be_visible()
    assert heading(page).inner_text().strip() != "Inventory of social media accounts", (
        "the Swedish inventory shows the English heading: no Swedish translation catalogue is loaded"
    )


def test_filter_by_unit_and_search(demo, page):
    """As comms: the unit filter keeps the unit's accounts and those of every unit below it; the
    free-text search finds accounts by name, handle or address."""
    login(page, demo, "comms")
    meds = Unit.objects.get(name=MEDS)
    subtree = {u.name for u in Unit.objects.subtree(meds)}
    expected = SocialAccount.objects.in_unit(meds).count()
    assert expected >= 14  # the department, its two divisions and the research group below one

    search_form = page.locator("main").get_by_role("search")
    page.locator("#id_unit").select_option(label=MEDS)
    with page.expect_navigation():
        search_form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"[?&]unit={meds.pk}\b"))
    expect(page.locator("#id_unit")).to_have_value(str(meds.pk))
    expect(status_text(page)).to_contain_text(re.compile(rf"\b{expected}\b"))
    names = row_names(page)
    assert len(names) == expected
    assert "KI Kardiologi" in names  # a division below the department
    assert "Heart Failure Lab" in names  # a research group two levels below
    assert "MedS Solna" in names
    assert "Neuroscience at KI" not in names
    assert "Karolinska Institutet" not in names
    assert set(row_units(page)) <= subtree, row_units(page)

    page.locator("#id_unit").select_option(value="")
    page.locator("main").get_by_label(re.compile(r"^(Search|Sök)")).fill("neuro")
    with page.expect_navigation():
        search_form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"[?&]q=neuro\b"))
    found = row_names(page)
    neuro = SocialAccount.objects.filter(
        Q(name__icontains="neuro") | Q(handle__icontains="neuro") | Q(url__icontains="neuro")
    )
    assert sorted(found) == sorted(neuro.values_list("name", flat=True))
    assert found.count("Neuroscience at KI") == 3  # Facebook, X and the decommissioned Instagram
    assert "Neuro podcast" in found
    assert "MedS Solna" not in found
    expect(status_text(page)).to_contain_text(re.compile(rf"\b{len(found)}\b"))


def test_my_accounts_detail_and_hidden_account(demo, page):
    """As owner: "My accounts" lists exactly the accounts the user is the current owner or deputy
    of; an account page shows its owner, deputy and their history; an inactive account of another
    department is not found (404), not just hidden from the list."""
    login(page, demo, "owner")
    owner = User.objects.get(username="owner")
    deputy = User.objects.get(username="deputy")
    mine = list(SocialAccount.objects.held_by(owner).order_by("name", "id"))

    page.locator("header nav #nav-accounts").click()  # the "Accounts" group of the navigation
    page.locator(f'header nav a[href="{reverse("accounts:mine")}"]').click()
    expect(page).to_have_url(url(demo, "accounts:mine"))
    expect(heading(page)).to_be_visible()
    names = row_names(page)
    assert names == [a.name for a in mine]
    assert "MedS Solna" in names
    assert "Neuroscience at KI" not in names

    account = SocialAccount.objects.get(platform__slug="linkedin", handle__icontains="meds-solna")
    page.locator(f'main table a[href="{account.get_absolute_url()}"]').click()
    expect(page).to_have_url(demo.url + account.get_absolute_url())
    expect(heading(page)).to_have_text("MedS Solna")
    facts = page.locator("main dl.facts").first
    expect(facts).to_contain_text(str(owner))
    expect(facts).to_contain_text(str(deputy))
    history = page.locator("section[aria-labelledby=h-history] table")
    expect(history).to_be_visible()
    expect(history.locator("tbody tr")).to_have_count(Assignment.objects.filter(account=account).count())
    expect(history).to_contain_text(str(owner))
    expect(history).to_contain_text(str(deputy))

    hidden = SocialAccount.objects.get(platform__slug="instagram", handle="neuroscienceki")
    assert hidden.status == "decommissioned"
    response = page.goto(demo.url + hidden.get_absolute_url())
    assert response.status == 404


def test_skip_link_moves_focus_to_main(demo, page):
    """Keyboard: the first Tab on the inventory reaches the "skip to main content" link, which is
    then visible; activating it moves the focus to <main>."""
    login(page, demo, "comms")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10, box
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_accessibility_axe(demo, page):
    """axe-core finds no serious or critical violations on the login page, the inventory, an
    account page, the unit list and a unit page (as comms, in Swedish)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = []

    def check(where):
        expect(heading(page)).to_be_visible()
        found.extend(describe(where, v) for v in serious_violations(axe.run(page)))

    page.goto(f"{demo.url}/login/")
    check("login")
    login(page, demo, "comms")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    check("inventory")
    account = SocialAccount.objects.get(platform__slug="linkedin", handle__icontains="meds-solna")
    page.goto(demo.url + account.get_absolute_url())
    check("account detail")
    page.goto(url(demo, "org:unit-list"))
    check("unit list")
    page.goto(demo.url + Unit.objects.get(name=MEDS).get_absolute_url())
    check("unit detail")

    assert not found, "axe found serious/critical violations:\n" + "\n".join(found)

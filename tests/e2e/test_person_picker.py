"""The person picker (core.widgets.SearchSelect, static/js/search-select.js) in a real browser:
picking an account's owner with the keyboard alone on the account form, Escape, and axe-core with
the list of matches open (issue 12)."""

import re

import pytest
from django.urls import reverse

from accounts.choices import AccountStatus, Role
from accounts.models import Assignment, SocialAccount
from org.models import User
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_owner_is_picked_by_keyboard_on_the_account_form(demo, as_user):
    """As comms, on an account's edit page: type part of a name in the owner field, ArrowDown to
    the match, Enter chooses it, Escape closes the list; axe finds nothing serious with the list
    open; the form is sent and the new owner is the account's owner."""
    from axe_playwright_python.sync_playwright import Axe

    owner = User.objects.get(username="owner")
    new_owner = User.objects.get(username="manager")  # Maria Prefektsson
    account = (
        SocialAccount.objects.filter(status=AccountStatus.ACTIVE)
        .held_by(owner)
        .exclude(pk__in=Assignment.objects.current().filter(person=new_owner).values("account"))
        .filter(pk__in=Assignment.objects.current().filter(person=owner, role=Role.OWNER).values("account"))
        .first()
    )
    assert account is not None
    page = as_user("comms")
    page.goto(demo.url + reverse("accounts:update", args=[account.pk]))

    box = page.get_by_role("combobox", name=re.compile("Kontoansvarig|Account owner"))
    expect(box).to_have_value(re.compile(r"Olivia .*\(owner\)"))
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")

    # Escape closes the list without choosing.
    box.focus()
    box.press("Control+a")
    box.press_sequentially("Prefekts", delay=30)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text=re.compile(r"\d"))).to_have_count(1)
    problems = page_problems(Axe(), page, "account form, list of people open")
    assert not problems, "\n".join(problems)
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    # ArrowDown opens the list and marks the first match; Enter chooses it.
    box.press("ArrowDown")
    option = page.get_by_role("option", name=re.compile(r"Maria Prefektsson \(manager\)"))
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Maria Prefektsson (manager)")
    assert page.locator("input[type=hidden][name=owner]").input_value() == str(new_owner.pk)

    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=re.compile("Spara|Save")).click()
    assert Assignment.objects.current().get(account=account, role=Role.OWNER).person == new_owner


def test_accounts_are_added_by_keyboard_to_a_records_request(demo, as_user):
    """As the registrar, on the records requests page: typing part of an account's name and
    choosing it with ArrowDown and Enter adds it as a checked box (uncheck to remove); axe finds
    nothing serious with the list open."""
    from axe_playwright_python.sync_playwright import Axe

    account = SocialAccount.objects.filter(status=AccountStatus.ACTIVE).order_by("name").first()
    page = as_user("registrar")
    page.goto(demo.url + reverse("records:request-list"))
    box = page.get_by_role("combobox", name=re.compile("Konton|Accounts"))
    box.press_sequentially(account.handle[:6], delay=30)
    expect(page.locator(f"#{box.get_attribute('aria-controls')}")).to_be_visible()
    problems = page_problems(Axe(), page, "records request form, list of accounts open")
    assert not problems, "\n".join(problems)
    box.press("ArrowDown")
    # Two demo accounts may share a name (CIMED on X and on LinkedIn): the handle tells them apart.
    named = re.compile(re.escape(account.name) + r".*" + re.escape(account.handle))
    option = page.get_by_role("option", name=named)
    for _ in range(20):  # at most 20 matches
        if option.get_attribute("aria-selected") == "true":
            break
        box.press("ArrowDown")
    box.press("Enter")
    checkbox = page.get_by_role("checkbox", name=named)
    expect(checkbox).to_be_checked()
    expect(box).to_have_value("")

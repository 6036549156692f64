"""The main journeys with the keyboard alone (issue 15; WCAG 2.1.1 Keyboard, 2.4.3 Focus order,
2.4.7 Focus visible; ACC-1/ACC-2 applied to the portal itself).

No mouse: the focus moves with Tab and Shift+Tab, menus and radio groups with the arrow keys,
buttons and links answer Enter and Space, text is typed. After each person logs in, no address is
opened directly: they reach every page through its links. At every focus stop the focused
element must show the focus (keyboard.tab_to). The grouped navigation fits one row at 1366 px.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import SocialAccount
from monitoring.models import CheckIn
from monitoring.services import MONITORED_STATUSES
from org.calendar import local_day
from org.models import User
from tests.e2e.conftest import login, new_context
from tests.e2e.keyboard import arrow_to, choose_option, tab_to
from tests.e2e.test_approval_journey import CORE_VALUES, FIELDS, MEDS, TEXTS, label, messages, status, text

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

NAV = "header nav"


def press(page, key="Enter"):
    """Press a key that leads to another page and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def menu_item(page, menu, item):
    """Open a navigation group with the keyboard (Tab to it, Enter, arrows) and follow one of its
    links (Enter)."""
    toggle = page.locator(NAV).get_by_role("button", name=menu)
    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    arrow_to(page, page.locator(NAV).get_by_role("link", name=item))
    press(page)


def nav_link(page, name):
    tab_to(page, page.locator(NAV).get_by_role("link", name=name, exact=True))
    press(page)


def type_into(page, locator, value):
    tab_to(page, locator)
    page.keyboard.type(value)


def field(page, name):
    return page.locator("main form").get_by_label(label(*FIELDS[name]))


def todo_link(page, section_heading, name):
    section = page.locator("main section").filter(has=page.get_by_role("heading", name=section_heading))
    tab_to(page, section.get_by_role("link", name=re.compile(re.escape(name))))
    press(page)


def decide_with_keyboard(page, action, outcome_label):
    """Tab into the decision form's radio group, arrow to the outcome (Space), Tab to the button,
    Enter."""
    form = page.locator(f"main form[action$='/{action}/']")
    radios = form.get_by_role("radio")
    tab_to(page, radios.first)
    arrow_to(page, form.get_by_label(outcome_label), key="ArrowDown")
    page.keyboard.press("Space")  # the arrows check the radio they reach; the first needs Space
    expect(form.get_by_label(outcome_label)).to_be_checked()
    tab_to(page, form.get_by_role("button", name=text("Registrera beslut", "Record decision")))
    press(page)
    expect(messages(page)).to_contain_text(text("Ditt beslut har registrerats", "Your decision was recorded"))


def test_request_approval_sign_off_and_go_live_with_the_keyboard_alone(demo, browser):
    """START-1, START-2, SEND-1..3 with the keyboard alone and visible focus at every stop: the
    owner opens "Request an account" from the grouped navigation (Enter, arrow keys), fills the
    form (typing, arrow keys in the lists, the person picker), saves and sends it; the manager
    reaches it from "To do" and approves (arrow keys in the radio group); comms signs off; the
    owner reaches it from "To do", records the address, ticks the sender checklist with Space and
    marks the account active."""
    live_server = demo
    name = "MedS tangentbord"
    contexts = []

    def start(username):
        ctx = new_context(browser)
        contexts.append(ctx)
        page = ctx.new_page()
        login(page, live_server, username)  # the start: the only address opened directly
        return page

    try:
        # -- The owner drafts and sends the request.
        owner = start("owner")
        menu_item(owner, text("Konton", "Accounts"), text("Begär ett konto", "Request an account"))
        expect(owner).to_have_url(live_server.url + reverse("approvals:request-create"))
        tab_to(owner, field(owner, "unit"))
        choose_option(owner, field(owner, "unit"), MEDS)
        tab_to(owner, field(owner, "platform"))
        choose_option(owner, field(owner, "platform"), "Instagram")
        type_into(owner, field(owner, "name"), name)
        for key, value in TEXTS.items():
            type_into(owner, field(owner, key), value)
        type_into(owner, field(owner, "hours_per_week"), "3")
        # PURP-4: the use fits KI's core values, ticked with Space.
        core_values = owner.locator("main form").get_by_label(CORE_VALUES)
        tab_to(owner, core_values)
        owner.keyboard.press("Space")
        expect(core_values).to_be_checked()
        deputy = User.objects.get(username="deputy")
        box = owner.locator("main form").get_by_role("combobox", name=label(*FIELDS["deputy"]))
        type_into(owner, box, deputy.username)
        option = owner.get_by_role("option", name=f"{deputy.get_full_name()} ({deputy.username})")
        option.wait_for()
        for _ in range(21):
            owner.keyboard.press("ArrowDown")
            if option.get_attribute("aria-selected") == "true":
                break
        owner.keyboard.press("Enter")
        tab_to(owner, owner.get_by_role("button", name=text("Spara utkast", "Save draft")))
        press(owner)
        expect(messages(owner)).to_contain_text(text("Begäran har sparats", "The request was saved"))
        account = SocialAccount.objects.get(name=name)
        assert account.unit.name == MEDS and account.platform.name == "Instagram" and account.hours_per_week == 3

        submit = owner.locator("main form[action$='/submit/']")
        tab_to(owner, submit.get_by_role("checkbox"))
        owner.keyboard.press("Space")
        expect(submit.get_by_role("checkbox")).to_be_checked()
        tab_to(owner, submit.get_by_role("button", name=text("Skicka för beslut", "Send for decision")))
        press(owner)
        expect(status(owner)).to_have_text(text("Väntar på chef", "Awaiting manager"))

        # -- The manager approves from "To do".
        manager = start("manager")
        nav_link(manager, text("Att göra", "To do"))
        todo_link(manager, text("Begäranden som du ska besluta om", "Requests for you to decide"), name)
        decide_with_keyboard(manager, "decide", label("Godkänn", "Approve"))
        expect(status(manager)).to_have_text(text("Väntar på Kommunikationsavdelningen", "Awaiting communications"))

        # -- Comms signs off from "To do".
        comms = start("comms")
        nav_link(comms, text("Att göra", "To do"))
        todo_link(comms, re.compile(r"Kommunikationsavdelningen|communications department"), name)
        decide_with_keyboard(comms, "sign-off", label("Godkänn", "Approve"))
        expect(status(comms)).to_have_text(text("Godkänd", "Approved"))

        # -- The owner sets the account up and puts it live, from "To do".
        nav_link(owner, text("Att göra", "To do"))
        todo_link(
            owner, text("Godkända konton att skapa och aktivera", "Approved accounts to set up and put live"), name
        )
        address_form = owner.locator("main form[action$='/address/']")
        type_into(
            owner,
            address_form.get_by_label(label("Profiladress", "Profile address")),
            "https://www.instagram.com/medstangent/",
        )
        tab_to(owner, address_form.get_by_role("button", name=text("Spara adress", "Save address")))
        press(owner)
        expect(messages(owner)).to_contain_text(
            text("Kontots namn och adress har sparats", "name and address were saved")
        )
        checklist = owner.locator("main form[action$='/sender-checklist/']")
        boxes = checklist.get_by_role("checkbox")
        for i in range(boxes.count()):
            tab_to(owner, boxes.nth(i))
            owner.keyboard.press("Space")
            expect(boxes.nth(i)).to_be_checked()
        tab_to(owner, checklist.get_by_role("button", name=text("Bekräfta markerade punkter", "Confirm checked")))
        press(owner)
        go_live = owner.get_by_role("button", name=text("Markera som aktivt", "Mark as active"))
        tab_to(owner, go_live)
        press(owner)
        expect(status(owner)).to_have_text(text("Aktiv", "Active"))
        account.refresh_from_db()
        assert account.status == "active"
    finally:
        for ctx in contexts:
            ctx.close()


def test_daily_check_in_with_the_keyboard_alone(demo, as_user):
    """MON-1 with the keyboard alone: the owner reaches "Today" from the navigation, types a note
    for one account and presses its "Monitored today" button with Space, then "All monitored
    today" with Enter; every stop shows the focus."""
    owner = as_user("owner")
    owner_user = User.objects.get(username="owner")
    kept = SocialAccount.objects.held_by(owner_user).filter(status__in=MONITORED_STATUSES)
    nav_link(owner, text("I dag", "Today"))
    expect(owner).to_have_url(demo.url + reverse("monitoring:today"))
    row = owner.locator("main table tbody tr").first
    type_into(owner, row.get_by_label(label("Anteckning (frivilligt)", "Note (optional)")), "Inget att åtgärda.")
    tab_to(owner, row.get_by_role("button", name=re.compile(r"(Bevakat i dag|Monitored today)$")))
    press(owner, "Space")
    expect(messages(owner)).to_contain_text(text("bevakat i dag", "monitored today"))
    checkins = CheckIn.objects.filter(account__in=kept, day=local_day(timezone.now()))
    assert checkins.count() == 1 and checkins.get().note == "Inget att åtgärda."
    tab_to(owner, owner.get_by_role("button", name=text("Alla bevakade i dag", "All monitored today")))
    press(owner)
    assert checkins.count() == kept.count()


def test_navigation_fits_one_row_at_1366_px_for_every_role(demo, browser):
    """Issue 15: the grouped navigation fits one row at 1366×768 for every demo role (comms has the
    most), and each group opens with the keyboard."""
    for username in ("owner", "manager", "comms", "auditor"):
        ctx = new_context(browser)
        try:
            page = ctx.new_page()
            page.set_viewport_size({"width": 1366, "height": 768})
            login(page, demo, username)
            items = page.locator("header nav #nav-main > ul.navbar-nav.me-auto > li")
            tops = {round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(items.count()))}
            assert len(tops) == 1, f"{username}: the navigation wraps onto {len(tops)} rows"
            bar = page.locator("header nav.navbar").bounding_box()
            assert bar["height"] < 80, f"{username}: the bar is {bar['height']} px high"
        finally:
            ctx.close()

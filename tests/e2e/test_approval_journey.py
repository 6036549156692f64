"""The approval journey in a real browser, as the demo users, each in a browser context of their own.

A request for a new account goes from its owner to the responsible manager (START-1, RESP-1) and
on to the communications department (START-2); once approved the owner records the address and
confirms the sender checklist (SEND-1..3, INF-1) before the account is active. Every step is taken
through the Swedish user interface (forms filled by their labels, buttons found by role and
name), and the e-mails each step sends are checked: the portal queues them in its outbox, and the
test delivers the outbox as the worker would (see ``Mailbox`` in conftest.py).
"""

import re
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import SenderConfirmation, SocialAccount
from accounts.urlparse import recognise
from accounts.views import LATEST
from approvals.models import Decision
from audit.models import AuditEvent
from org.models import User
from tests.e2e.conftest import pick

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

MEDS = "Institutionen för medicin, Solna"
CARDIOLOGY = "Avdelningen för kardiologi"
REGISTRY = "registrator.meds@ki.se"
OWNER, DEPUTY, MANAGER = "owner@demo.ki.se", "deputy@demo.ki.se", "manager@demo.ki.se"
NEW_ADDRESS = "https://www.instagram.com/medsforskarskola/"
DECISION_HEADING = re.compile(r"Ditt beslut som ansvarig chef|Your decision as responsible manager")


def label(swedish, english):
    """A form label in Swedish or English; crispy-forms appends "*" to required fields and the
    request form marks the fields needed to send with " *"."""
    return re.compile(rf"^\s*(?:{re.escape(swedish)}|{re.escape(english)})\s*\*?\s*$")


def text(swedish, english):
    return re.compile(f"{re.escape(swedish)}|{re.escape(english)}")


# The request form, field by field: (Swedish label, English label), from locale/sv.
FIELDS = {
    "unit": ("Enhet", "Unit"),
    "platform": ("Plattform", "Platform"),
    "name": ("Kontonamn", "Account name"),
    "purpose": ("Syfte", "Purpose"),
    "goal": ("Mål", "Goals"),
    "operational_benefit": ("Verksamhetsnytta", "Operational benefit"),
    "audience_benefit": ("Målgruppsnytta", "Target-audience benefit"),
    "target_audiences": ("Målgrupper", "Target audiences"),
    "success_measures": ("Hur måluppfyllelsen mäts", "How success is measured"),
    "resource_assessment": ("Resursbedömning", "Resource assessment"),
    "hours_per_week": ("Timmar per vecka", "Hours per week"),
    "holiday_cover": ("Bevakning under helger och semester", "Monitoring at weekends and holidays"),
    "ki_activity": ("KI-verksamhet", "KI activity"),
    "owner": ("Kontoansvarig", "Account owner"),
    "deputy": ("Ersättare", "Deputy"),
}
TEXTS = {
    "purpose": "Sprida kunskap om forskarutbildningen vid MedS till blivande doktorander, i linje med KI:s strategi.",
    "goal": "Fler och bättre sökande till forskarutbildningen; 500 följare inom ett år.",
    "operational_benefit": "Institutionen når blivande doktorander direkt.",
    "audience_benefit": "Blivande doktorander får en inblick i vardagen som doktorand.",
    "target_audiences": "Blivande doktorander",
    "success_measures": "Antal följare och sökande, följs upp årligen.",
    "resource_assessment": "Studierektorn och en doktorand, bedömt tillsammans med prefekten.",
    "holiday_cover": "Ersättaren bevakar under semestrar; helger enligt schema.",
    "ki_activity": "Forskarutbildningen vid MedS",  # PURP-4
}
# PURP-4: the required checkbox that the use fits KI's core values.
CORE_VALUES = text("KI:s värdegrund", "KI's core values")


def field(page, name):
    return page.locator("main form").get_by_label(label(*FIELDS[name]))


def fill_request(page, *, name, platform, unit=MEDS, deputy="deputy", hours="3"):
    """Fill the request form; ``hours=None`` leaves "hours per week" empty."""
    field(page, "unit").select_option(label=unit)
    field(page, "platform").select_option(label=platform)
    field(page, "name").fill(name)
    for key, value in TEXTS.items():
        field(page, key).fill(value)
    if hours is not None:
        field(page, "hours_per_week").fill(hours)
    page.locator("main form").get_by_label(CORE_VALUES).check()
    person = User.objects.get(username=deputy)
    box = page.locator("main form").get_by_role("combobox", name=label(*FIELDS["deputy"]))
    pick(box, person.username, f"{person.get_full_name()} ({person.username})")


def messages(page):
    """The messages shown at the top of <main> after an action."""
    return page.locator("main > div[role=status]")


def status(page):
    return page.locator("#account-status")


def decision_form(page, action):
    """The decision form of the request page: action "decide" (manager) or "sign-off" (comms)."""
    return page.locator(f"main form[action$='/{action}/']")


def click_and_wait(page, button):
    with page.expect_navigation():
        button.click()


def save_draft(page):
    click_and_wait(page, page.get_by_role("button", name=text("Spara utkast", "Save draft")))
    expect(messages(page)).to_contain_text(text("Begäran har sparats", "The request was saved"))


def send_request(page):
    """Tick "I have read KI's guidelines" and press "Send for decision"."""
    form = page.locator("main form[action$='/submit/']")
    form.get_by_label(re.compile(r"^\s*(Jag har läst KI:s riktlinjer|I have read KI's guidelines)")).check()
    click_and_wait(page, form.get_by_role("button", name=text("Skicka för beslut", "Send for decision")))


# The decision form's choices, as actions (Swedish, English).
OUTCOMES = {
    "approve": ("Godkänn", "Approve"),
    "return": ("Skicka tillbaka för ändringar", "Return for changes"),
    "reject": ("Avslå", "Reject"),
}


def choose(form, outcome):
    """Tick the radio button of an outcome ("approve", "return", "reject") by its label."""
    form.get_by_label(label(*OUTCOMES[outcome])).check()


def decide(page, action, outcome, comment=""):
    """Choose an outcome ("approve", "return", "reject"), comment, record the decision."""
    form = decision_form(page, action)
    choose(form, outcome)
    if comment:
        form.get_by_label(label("Kommentar", "Comment")).fill(comment)
    click_and_wait(page, form.get_by_role("button", name=text("Registrera beslut", "Record decision")))
    expect(messages(page)).to_contain_text(text("Ditt beslut har registrerats", "Your decision was recorded"))


def request_form_page(page, live_server):
    """Open "Request an account" from the main navigation."""
    page.goto(live_server.url + reverse("accounts:inventory"))
    page.locator("header nav").get_by_role("button", name=text("Konton", "Accounts")).click()  # the group
    page.locator("header nav").get_by_role("link", name=text("Begär ett konto", "Request an account")).click()
    expect(page).to_have_url(live_server.url + reverse("approvals:request-create"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def create_request(page, live_server, **kwargs):
    """Fill and save a request as a draft; returns the new account (the detail page is open)."""
    request_form_page(page, live_server)
    fill_request(page, **kwargs)
    save_draft(page)
    expect(page).to_have_url(re.compile(r"/requests/\d+/$"))
    pk = int(re.search(r"/requests/(\d+)/$", page.url).group(1))
    expect(status(page)).to_have_text(text("Utkast", "Draft"))
    return SocialAccount.objects.get(pk=pk)


def to(mails, address):
    """The e-mails to one address."""
    return [m for m in mails if address in m.to]


def only_one(mails, address):
    found = to(mails, address)
    assert len(found) == 1, (address, [(m.to, m.subject) for m in mails])
    return found[0]


def recipients(mails):
    return sorted(address for m in mails for address in m.to)


def link_path(mail, account):
    """The portal path of the request page, taken from the e-mail's "Open it in the portal" link."""
    urls = re.findall(r"https?://\S+", mail.body)
    paths = [urlparse(u).path for u in urls]
    wanted = reverse("approvals:detail", args=[account.pk])
    assert wanted in paths, (wanted, urls, mail.body)
    return wanted


def pdf_attachment(mail):
    assert len(mail.attachments) == 1, mail.attachments
    name, content, mimetype = mail.attachments[0]
    assert mimetype == "application/pdf"
    assert name.endswith(".pdf")
    assert bytes(content).startswith(b"%PDF-")
    return name


def test_request_returned_resubmitted_approved_signed_off_and_put_live(demo, as_user, mailbox):
    """The whole journey (START-1, START-2, RESP-1, SEND-1..3, INF-1) as the demo users:

    the owner drafts a request for "Institutionen för medicin, Solna" but leaves "hours per week"
    empty; sending it lists the missing field and sends nothing. Filled in and sent, the
    communications mailbox hears of it (START-2) and the responsible manager is asked to decide
    (START-1, RESP-1) with a link to the request. The manager opens that link, sees the unit's
    existing accounts and returns the request with a comment, which the owner receives. The owner
    fixes and resends; the manager approves, so the communications department is asked to sign off
    and the unit's registry receives the decision record as a PDF. Comms sees the existing
    Instagram account of the same unit suggested as a likely duplicate, with its reason, and signs
    off: owner, deputy and manager are told. The owner records the address, confirms every item
    of the sender checklist (SEND-1..3, INF-1) and marks the account active; the inventory lists
    it as active and the account's history shows each step."""
    live_server = demo
    name = "MedS Solna forskarskola"

    # -- The owner drafts the request, without the hours per week.
    owner = as_user("owner")
    account = create_request(owner, live_server, name=name, platform="Instagram", hours=None)
    assert account.created_by.username == "owner"
    assert account.unit.name == MEDS and account.platform.name == "Instagram"
    assert account.hours_per_week is None
    send_request(owner)
    error = messages(owner).locator(".alert-danger")
    expect(error).to_contain_text(text("Fyll i följande innan du skickar", "Fill in before sending"))
    expect(error).to_contain_text(text("timmar per vecka", "hours per week"))
    # Only the field that is missing is listed.
    expect(error).not_to_contain_text(text("syfte", "purpose"))
    expect(status(owner)).to_have_text(text("Utkast", "Draft"))
    assert mailbox.deliver() == [], "nothing is sent for a draft or a refused submission"

    # -- Fills it in and sends it.
    owner.get_by_role("link", name=text("Redigera begäran", "Edit the request")).click()
    expect(field(owner, "hours_per_week")).to_have_value("")
    field(owner, "hours_per_week").fill("3")
    save_draft(owner)
    send_request(owner)
    expect(messages(owner)).to_contain_text(text("Begäran har skickats", "The request was sent"))
    expect(status(owner)).to_have_text(text("Väntar på chef", "Awaiting manager"))
    account.refresh_from_db()
    assert account.status == "awaiting_manager" and account.hours_per_week == 3

    mails = mailbox.deliver()
    assert recipients(mails) == sorted([settings.COMMS_EMAIL, MANAGER])
    to_comms = only_one(mails, settings.COMMS_EMAIL)
    assert name in to_comms.subject, to_comms.subject
    to_manager = only_one(mails, MANAGER)
    assert name in to_manager.subject or name in to_manager.body
    request_path = link_path(to_manager, account)

    # -- The manager opens the link in the e-mail, looks at the unit's accounts and returns it.
    manager = as_user("manager")
    manager.goto(live_server.url + request_path)
    expect(manager.get_by_role("heading", level=1)).to_contain_text(name)
    expect(status(manager)).to_have_text(text("Väntar på chef", "Awaiting manager"))
    expect(manager.locator("main dl.facts")).to_contain_text(TEXTS["purpose"])
    existing = manager.get_by_role("heading", name=text("Enhetens befintliga konton", "The unit's existing accounts"))
    expect(existing).to_be_visible()
    unit_list = existing.locator("xpath=following-sibling::ul[1]")
    expect(unit_list).to_contain_text("MedS Solna")
    expect(unit_list).to_contain_text("Instagram")
    expect(unit_list.locator("li")).to_have_count(
        SocialAccount.objects.in_unit(account.unit).exclude(pk=account.pk).count()  # units below included
    )
    comment = "Beskriv hur kontot bevakas under jul och sommar innan jag kan godkänna."
    # A return needs a comment: the form says so and records nothing without one.
    form = decision_form(manager, "decide")
    choose(form, "return")
    click_and_wait(manager, form.get_by_role("button", name=text("Registrera beslut", "Record decision")))
    expect(messages(manager).locator(".alert-danger")).to_contain_text(
        text("Ange ett skäl", "Give a reason the requester can act on")
    )
    assert not Decision.objects.filter(account=account).exists()
    decide(manager, "decide", "return", comment)
    expect(status(manager)).to_have_text(text("Återsänd för ändringar", "Returned for changes"))
    expect(decision_form(manager, "decide")).to_have_count(0)

    mails = mailbox.deliver()
    assert recipients(mails) == sorted([OWNER, REGISTRY])
    returned = only_one(mails, OWNER)
    assert name in returned.subject
    assert comment in returned.body
    pdf_attachment(only_one(mails, REGISTRY))

    # -- The owner fixes the request and sends it again.
    owner.goto(live_server.url + link_path(returned, account))
    expect(status(owner)).to_have_text(text("Återsänd för ändringar", "Returned for changes"))
    expect(owner.locator("section[aria-labelledby=h-decisions]")).to_contain_text(comment)
    owner.get_by_role("link", name=text("Redigera begäran", "Edit the request")).click()
    cover = "Ersättaren bevakar under sommaren; under jul turas studierektorn och ersättaren om, varje dag."
    field(owner, "holiday_cover").fill(cover)
    save_draft(owner)
    send_request(owner)
    expect(status(owner)).to_have_text(text("Väntar på chef", "Awaiting manager"))
    account.refresh_from_db()
    assert account.holiday_cover == cover
    assert account.submissions.count() == 2
    mails = mailbox.deliver()
    assert recipients(mails) == sorted([settings.COMMS_EMAIL, MANAGER])

    # -- The manager approves: comms is asked to sign off, the registry gets the decision record.
    manager.reload()
    expect(manager.locator("main dl.facts")).to_contain_text(cover)
    decide(manager, "decide", "approve")
    expect(status(manager)).to_have_text(text("Väntar på Kommunikationsavdelningen", "Awaiting communications"))
    mails = mailbox.deliver()
    assert recipients(mails) == sorted([settings.COMMS_EMAIL, OWNER, REGISTRY])
    sign_off = only_one(mails, settings.COMMS_EMAIL)
    assert name in sign_off.subject
    decision = Decision.objects.get(account=account, step="manager", outcome="approve")
    assert pdf_attachment(only_one(mails, REGISTRY)) == f"beslut-{decision.pk}.pdf"
    assert name in only_one(mails, REGISTRY).subject

    # -- Comms opens the request from its e-mail, sees the likely duplicate and signs off.
    comms = as_user("comms")
    comms.goto(live_server.url + link_path(sign_off, account))
    expect(status(comms)).to_have_text(text("Väntar på Kommunikationsavdelningen", "Awaiting communications"))
    duplicates = comms.locator("#duplicates")
    expect(duplicates).to_be_visible()
    same_unit = duplicates.locator(":scope > li").filter(has_text="MedS Solna").filter(has_text="Instagram")
    expect(same_unit).to_have_count(1)
    expect(same_unit).to_contain_text(text("Samma plattform i samma enhet", "Same platform in the same unit"))
    expect(same_unit).to_contain_text(MEDS)
    existing_instagram = SocialAccount.objects.get(platform__slug="instagram", unit=account.unit, name="MedS Solna")
    expect(same_unit.get_by_role("link")).to_have_attribute("href", existing_instagram.get_absolute_url())
    decide(comms, "sign-off", "approve")
    expect(status(comms)).to_have_text(text("Godkänd", "Approved"))

    mails = mailbox.deliver()
    assert recipients(mails) == sorted([OWNER, DEPUTY, MANAGER, REGISTRY])
    approved = only_one(mails, OWNER)
    assert name in approved.subject
    # The deputy chose English in the demo: the e-mail is in their language.
    assert re.search(r"\bApproved\b", only_one(mails, DEPUTY).subject), only_one(mails, DEPUTY).subject
    pdf_attachment(only_one(mails, REGISTRY))

    # -- The owner records the address, confirms the sender checklist and puts the account live.
    owner.goto(live_server.url + link_path(approved, account))
    expect(status(owner)).to_have_text(text("Godkänd", "Approved"))
    expect(owner.get_by_role("link", name=text("Redigera begäran", "Edit the request"))).to_have_count(0)
    address_form = owner.locator("main form[action$='/address/']")
    expect(address_form.get_by_label(label("Kontonamn", "Account name"))).to_have_value(name)
    address_form.get_by_label(label("Profiladress", "Profile address")).fill(NEW_ADDRESS)
    click_and_wait(owner, address_form.get_by_role("button", name=text("Spara adress", "Save address")))
    expect(messages(owner)).to_contain_text(text("Kontots namn och adress har sparats", "name and address were saved"))
    account.refresh_from_db()
    assert account.handle == "medsforskarskola", account.handle
    assert account.url == recognise(NEW_ADDRESS).url, account.url  # stored in its canonical form

    # Recording the address while setting up an approved account is not news: no one is mailed.
    assert mailbox.deliver() == []

    go_live = owner.get_by_role("button", name=text("Markera som aktivt", "Mark as active"))
    expect(go_live).to_have_attribute("aria-describedby", "go-live-help")  # "needs every checklist item"
    checklist = owner.locator("main form[action$='/sender-checklist/']")
    boxes = checklist.get_by_role("checkbox")
    count = boxes.count()
    assert count >= 5, count
    for i in range(count):
        boxes.nth(i).check()
    click_and_wait(owner, checklist.get_by_role("button", name=text("Bekräfta markerade punkter", "Confirm checked")))
    expect(messages(owner)).to_contain_text(text("Checklistan har uppdaterats", "The checklist was updated"))
    assert SenderConfirmation.objects.filter(account=account).count() == count
    expect(owner.locator("main form[action$='/sender-checklist/']")).to_have_count(0)  # nothing left to tick
    click_and_wait(owner, owner.get_by_role("button", name=text("Markera som aktivt", "Mark as active")))
    expect(messages(owner)).to_contain_text(text("Kontot är nu aktivt", "The account is now active"))
    expect(status(owner)).to_have_text(text("Aktiv", "Active"))
    account.refresh_from_db()
    assert account.status == "active" and account.activated_at is not None

    mails = mailbox.deliver()
    assert recipients(mails) == sorted([settings.COMMS_EMAIL, MANAGER])
    for mail in mails:
        assert re.search(rf"(Nu aktivt|Now active): {re.escape(name)}", mail.subject), mail.subject

    # -- The inventory lists the account as active.
    owner.goto(live_server.url + reverse("accounts:inventory"))
    owner.locator("main").get_by_label(re.compile(r"^(Sök|Search)")).fill("medsforskarskola")
    with owner.expect_navigation():
        owner.locator("main").get_by_role("search").locator("button[type=submit]").click()
    rows = owner.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(name)
    expect(rows.first.locator(".status-badge")).to_have_text(text("Aktiv", "Active"))

    # -- The account's page: its latest events, and a link to the whole history, which shows
    # each step and who took it.
    rows.first.get_by_role("link", name=name).click()
    expect(owner).to_have_url(live_server.url + account.get_absolute_url())
    history = owner.locator("section[aria-labelledby=h-audit] table tbody")
    events = AuditEvent.objects.for_object(account)
    assert events.count() > LATEST
    expect(history.locator("tr")).to_have_count(LATEST)
    owner.locator("section[aria-labelledby=h-audit]").get_by_role("link", name=re.compile(str(events.count()))).click()
    expect(owner).to_have_url(live_server.url + reverse("accounts:history", args=[account.pk]))
    expect(history.locator("tr")).to_have_count(events.count())
    shown = history.inner_text()
    # Each step in words, in Swedish (ACTION_LABELS), never as an internal code.
    for step_label in (
        "Konto registrerat",
        "Chefens beslut",
        "Kommunikationsavdelningens slutgodkännande",
        "Checklistan för avsändare har bekräftats",
    ):
        assert step_label in shown, (step_label, shown)
    assert "decision.manager" not in shown and "account.status" not in shown
    assert shown.count("Chefens beslut") == 2  # returned, then approved
    assert shown.count("Status ändrad") == events.filter(action="account.status").count() >= 5
    expect(history).to_contain_text(comment)
    for who in ("owner", "manager", "comms"):
        expect(history).to_contain_text(f"({who})")


def test_rejected_request_cannot_be_edited(demo, as_user, mailbox):
    """The rejection path (START-2): the manager approves, the communications department rejects
    with a reason; the request is rejected, its owner receives the reason by e-mail, and the
    request can no longer be edited or sent (no edit link, no send form, and the edit address
    does not change it)."""
    live_server = demo
    name = "MedS Solna TikTok"
    owner = as_user("owner")
    account = create_request(owner, live_server, name=name, platform="TikTok")
    send_request(owner)
    expect(status(owner)).to_have_text(text("Väntar på chef", "Awaiting manager"))
    mailbox.deliver()

    # The manager finds it on the to-do page.
    manager = as_user("manager")
    manager.locator("header nav").get_by_role("link", name=text("Att göra", "To do")).click()
    section = manager.locator("main section").filter(
        has=manager.get_by_role("heading", name=text("Begäranden som du ska besluta om", "Requests for you to decide"))
    )
    section.get_by_role("link", name=re.compile(re.escape(name))).click()
    expect(manager).to_have_url(live_server.url + reverse("approvals:detail", args=[account.pk]))
    decide(manager, "decide", "approve")
    mailbox.deliver()

    comms = as_user("comms")
    comms.locator("header nav").get_by_role("link", name=text("Att göra", "To do")).click()
    section = comms.locator("main section").filter(
        has=comms.get_by_role("heading", name=re.compile(r"Kommunikationsavdelningen|communications department"))
    )
    section.get_by_role("link", name=re.compile(re.escape(name))).click()
    reason = "KI:s centrala TikTok-konto når redan blivande studenter; samarbeta med det i stället."
    decide(comms, "sign-off", "reject", reason)
    expect(status(comms)).to_have_text(text("Avslagen", "Rejected"))
    account.refresh_from_db()
    assert account.status == "rejected"

    mails = mailbox.deliver()
    assert recipients(mails) == sorted([OWNER, DEPUTY, MANAGER, REGISTRY])
    rejected = only_one(mails, OWNER)
    assert name in rejected.subject and "Avslagen" in rejected.subject, rejected.subject
    assert reason in rejected.body

    owner.goto(live_server.url + link_path(rejected, account))
    expect(status(owner)).to_have_text(text("Avslagen", "Rejected"))
    expect(owner.locator("section[aria-labelledby=h-decisions]")).to_contain_text(reason)
    expect(owner.get_by_role("link", name=text("Redigera begäran", "Edit the request"))).to_have_count(0)
    expect(owner.locator("main form[action$='/submit/']")).to_have_count(0)
    expect(owner.locator(f"a[href='{reverse('approvals:request-update', args=[account.pk])}']")).to_have_count(0)

    # Typing the edit address does not change a rejected request either.
    # (The edit page itself still opens, with a form that cannot be saved; see the report.)
    response = owner.goto(live_server.url + reverse("approvals:request-update", args=[account.pk]))
    if response.status == 200:
        field(owner, "name").fill("Ändrat namn")
        click_and_wait(owner, owner.get_by_role("button", name=text("Spara utkast", "Save draft")))
        expect(owner.locator("main")).to_contain_text(text("kan inte längre ändras", "can no longer be changed"))
    else:
        assert response.status in (403, 404), response.status
    account.refresh_from_db()
    assert account.name == name and account.status == "rejected"
    assert mailbox.deliver() == []


def test_manager_cannot_decide_on_own_request(demo, as_user, mailbox):
    """Separation of duties (RESP-1, START-1): nobody decides on their own request.

    The manager of "Institutionen för medicin, Solna" requests an account for their own
    department. It is a root unit, so there is no manager above who could decide: sending is
    refused with that message, the request stays a draft, nobody is mailed and no decision form is
    shown. The manager of a division below it (cardiohead) can send a request for the division:
    the e-mail goes to the department's manager above, and the requester is not offered the
    decision form, which the manager above is."""
    live_server = demo
    manager = as_user("manager")
    own = create_request(manager, live_server, name="MedS prefektens kanal", platform="LinkedIn", deputy="owner")
    expect(decision_form(manager, "decide")).to_have_count(0)
    send_request(manager)
    expect(messages(manager).locator(".alert-danger")).to_contain_text(
        text(
            "Det finns ingen chef över dig som kan fatta beslut om begäran",
            "No manager above you can decide on this request",
        )
    )
    expect(status(manager)).to_have_text(text("Utkast", "Draft"))
    expect(decision_form(manager, "decide")).to_have_count(0)
    own.refresh_from_db()
    assert own.status == "draft"
    assert not own.submissions.exists()
    assert mailbox.deliver() == []

    # A division's manager asks for an account for their division: the manager above decides.
    head = as_user("cardiohead")
    request = create_request(
        head, live_server, name="KI Kardiologi forskarskola", platform="Instagram", unit=CARDIOLOGY, deputy="owner"
    )
    send_request(head)
    expect(status(head)).to_have_text(text("Väntar på chef", "Awaiting manager"))
    expect(decision_form(head, "decide")).to_have_count(0)
    expect(head.get_by_role("heading", name=DECISION_HEADING)).to_have_count(0)
    mails = mailbox.deliver()
    assert recipients(mails) == sorted([settings.COMMS_EMAIL, MANAGER])
    assert to(mails, "cardiohead@demo.ki.se") == []

    manager.goto(live_server.url + link_path(only_one(mails, MANAGER), request))
    expect(decision_form(manager, "decide")).to_have_count(1)
    expect(manager.get_by_role("heading", name=DECISION_HEADING)).to_be_visible()

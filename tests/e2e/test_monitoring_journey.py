"""Daily monitoring and start-page screenshots in a real browser, as the demo account owner
(MON-1, MON-2, REC-5), and an automated accessibility check (axe-core) of the pages of the
monitoring and approval work flows.

The owner records on "Today" ("I dag") that accounts were monitored, one by one or all at once;
a script can do the same through the account's secret ping address; and the half-yearly
start-page screenshot is uploaded on the account's screenshot page, where only real images (or a
PDF) are accepted.
"""

import hashlib
import re
import urllib.error
import urllib.request

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Snapshot, SocialAccount
from monitoring.models import CheckIn, PingKey
from monitoring.services import MONITORED_STATUSES
from org.calendar import local_day
from org.models import User
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def text(swedish, english):
    return re.compile(f"{re.escape(swedish)}|{re.escape(english)}")


def label(swedish, english):
    return re.compile(rf"^\s*(?:{re.escape(swedish)}|{re.escape(english)})\s*\*?\s*$")


def messages(page):
    return page.locator("main > div[role=status]")


def row_of(page, account):
    """The row of an account on "Today", found by the link to its monitoring page (several demo
    accounts share a name, e.g. "MedS Solna" on LinkedIn and on X)."""
    href = reverse("monitoring:account", args=[account.pk])
    return page.locator("main table tbody tr").filter(has=page.locator(f'a[href="{href}"]'))


def today_stockholm():
    return local_day(timezone.now())


def test_today_check_ins_and_ping_address(demo, as_user):
    """MON-1, MON-2: "Today" lists every account the owner keeps (owner or deputy, active or being
    decommissioned). "Monitored today" on one of them records today's check-in (Stockholm day) and
    the row shows it as monitored. On the account's monitoring page the owner makes its secret
    ping address, shown once; opening it records nothing, a script posting to it (here urllib,
    without the browser's session) gets 200 "OK" and records the check-in for the day, while an
    unknown address is 404. "All monitored today" then records
    the rest, and nothing is recorded twice."""
    live_server = demo
    owner_user = User.objects.get(username="owner")
    kept = list(SocialAccount.objects.held_by(owner_user).filter(status__in=MONITORED_STATUSES).order_by("name", "id"))
    assert len(kept) >= 5, kept
    day = today_stockholm()
    assert not CheckIn.objects.filter(account__in=kept, day=day).exists()  # the demo has none for today

    owner = as_user("owner")
    owner.locator("header nav").get_by_role("link", name=text("I dag", "Today"), exact=True).click()
    expect(owner).to_have_url(live_server.url + reverse("monitoring:today"))
    heading = owner.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(rf"^(I dag|Today)\b.*\b{day.day}\b.*\b{day.year}$"))
    rows = owner.locator("main table tbody tr")
    expect(rows).to_have_count(len(kept))
    for account in kept:
        expect(row_of(owner, account)).to_contain_text(account.name)
        expect(row_of(owner, account)).to_contain_text(account.platform.name)

    # One account, with its own button ("<name> (<platform>): Monitored today" to a screen reader).
    first = kept[0]
    row = row_of(owner, first)
    button = row.get_by_role("button", name=re.compile(r"(Bevakat i dag|Monitored today)$"))
    expect(button).to_have_accessible_name(
        re.compile(rf"^{re.escape(first.name)} \({re.escape(first.platform.name)}\): (Bevakat i dag|Monitored today)$")
    )
    row.get_by_label(label("Anteckning (frivilligt)", "Note (optional)")).fill("Två kommentarer besvarade.")
    with owner.expect_navigation():
        button.click()
    expect(messages(owner)).to_contain_text(first.name)
    expect(messages(owner)).to_contain_text(text("bevakat i dag", "monitored today"))
    expect(row_of(owner, first)).to_contain_text(text("✓ Bevakat", "✓ Monitored"))
    expect(row_of(owner, first).get_by_role("button")).to_have_count(0)
    checkin = CheckIn.objects.get(account=first, day=day)
    assert checkin.person == owner_user and checkin.source == "web"
    assert checkin.note == "Två kommentarer besvarade."

    # The monitoring page of a second account: its ping address, opened by a script.
    second = kept[1]
    row_of(owner, second).get_by_role("link", name=second.name).click()
    expect(owner).to_have_url(live_server.url + reverse("monitoring:account", args=[second.pk]))
    expect(owner.get_by_role("heading", level=2, name=text("Pingadress", "Ping address"))).to_be_visible()
    with owner.expect_navigation():
        owner.get_by_role("button", name=text("Skapa en pingadress", "Make a ping address")).click()
    ping_url = owner.locator("#ping-url").inner_text().strip()
    token = ping_url.rstrip("/").rsplit("/", 1)[1]
    assert PingKey.objects.get(account=second).digest == PingKey.digest_of(token)
    assert ping_url == live_server.url + reverse("monitoring:ping", args=[token]), ping_url
    # Opening it (a link preview) records nothing; a script's POST does.
    with urllib.request.urlopen(ping_url, timeout=10) as response:  # noqa: S310 - the live server
        assert response.status == 200 and response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert not CheckIn.objects.filter(account=second, day=day).exists()
    with urllib.request.urlopen(urllib.request.Request(ping_url, method="POST"), timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert response.read().decode().strip() == "OK"
    ping_checkin = CheckIn.objects.get(account=second, day=day)
    assert ping_checkin.source == "ping" and ping_checkin.person is None
    with pytest.raises(urllib.error.HTTPError) as wrong:
        urllib.request.urlopen(live_server.url + reverse("monitoring:ping", args=["not-a-token"]), timeout=10)  # noqa: S310
    assert wrong.value.code == 404
    owner.goto(live_server.url + reverse("monitoring:account", args=[second.pk]))  # not reload: that posts again
    checkins = owner.locator("section[aria-labelledby=h-checkins] table tbody")
    expect(checkins.locator("tr").first).to_contain_text(text("Pingadress", "Ping address"))

    # Back on Today the pinged account is monitored; "All monitored today" records the rest.
    owner.goto(live_server.url + reverse("monitoring:today"))
    expect(row_of(owner, second)).to_contain_text(text("✓ Bevakat", "✓ Monitored"))
    all_button = owner.get_by_role("button", name=text("Alla bevakade i dag", "All monitored today"))
    with owner.expect_navigation():
        all_button.click()
    rest = len(kept) - 2
    expect(messages(owner)).to_contain_text(re.compile(rf"\b{rest}\b"))
    for account in kept:
        expect(row_of(owner, account)).to_contain_text(text("✓ Bevakat", "✓ Monitored"))
    expect(owner.locator("main table tbody").get_by_role("button")).to_have_count(0)
    assert CheckIn.objects.filter(account__in=kept, day=day).count() == len(kept)
    assert CheckIn.objects.get(account=first, day=day).pk == checkin.pk  # the first one is kept
    assert CheckIn.objects.get(account=second, day=day).source == "ping"

    # Pressing it again records nothing new.
    with owner.expect_navigation():
        owner.get_by_role("button", name=text("Alla bevakade i dag", "All monitored today")).click()
    expect(messages(owner)).to_contain_text(re.compile(r"\b0\b"))
    assert CheckIn.objects.filter(account__in=kept, day=day).count() == len(kept)


def test_start_page_screenshot_upload(demo, as_user, e2e_media_root, tmp_path):
    """REC-5: from the account's monitoring page the owner opens the start-page screenshots and
    uploads a PNG made with Pillow; it is listed with its SHA-256, which is the checksum of the
    file the portal serves back. An SVG file is refused with the message naming the accepted
    types, and nothing is stored (no row, no file)."""
    from PIL import Image, ImageDraw

    live_server = demo
    media_root = e2e_media_root
    account = SocialAccount.objects.get(platform__slug="linkedin", handle__icontains="meds-solna")
    before = set(Snapshot.objects.filter(account=account).values_list("pk", flat=True))  # the demo's, if any
    # The demo's screenshots were stored in the test's temporary MEDIA_ROOT, not in var/media.
    assert all((media_root / s.file.name).is_file() for s in Snapshot.objects.all())

    png = tmp_path / "startsida.png"
    image = Image.new("RGB", (800, 450), (79, 4, 51))
    ImageDraw.Draw(image).text((40, 40), "MedS Solna – startsida", fill=(255, 255, 255))
    image.save(png, pnginfo=None)
    svg = tmp_path / "startsida.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )

    owner = as_user("owner")
    owner.goto(live_server.url + reverse("monitoring:account", args=[account.pk]))
    owner.get_by_role("link", name=text("Skärmdumpar av startsidan", "Start-page screenshots")).click()
    expect(owner).to_have_url(live_server.url + reverse("snapshots:list", args=[account.pk]))
    expect(owner.get_by_role("heading", level=1)).to_contain_text(account.name)

    form = owner.locator("main form").filter(has=owner.get_by_role("button", name=text("Ladda upp", "Upload")))
    kind = form.get_by_label(label("Vad skärmdumpen visar", "What the screenshot shows"))
    expect(kind).to_have_value("start_page")
    expect(form.get_by_label(label("Datum för skärmdumpen", "Date of the screenshot"))).to_have_value(
        timezone.localdate().isoformat()
    )
    form.get_by_label(label("Fil", "File")).set_input_files(str(png))
    form.get_by_label(label("Anteckning", "Note")).fill("Halvårets skärmdump")
    with owner.expect_navigation():
        form.get_by_role("button", name=text("Ladda upp", "Upload")).click()
    expect(messages(owner)).to_contain_text(text("Skärmdumpen har sparats", "The screenshot was stored"))

    snapshot = Snapshot.objects.filter(account=account).exclude(pk__in=before).get()
    assert snapshot.kind == "start_page" and snapshot.extension == "png"
    assert (snapshot.width, snapshot.height) == (800, 450)
    assert snapshot.uploaded_by.username == "owner" and snapshot.note == "Halvårets skärmdump"
    table = owner.locator("section[aria-labelledby=h-snapshots] table tbody")
    expect(table.locator("tr")).to_have_count(len(before) + 1)
    listed = table.locator("tr").filter(has=owner.locator("code", has_text=snapshot.sha256))
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Halvårets skärmdump")
    expect(listed).to_contain_text(str(User.objects.get(username="owner")))
    assert re.fullmatch(r"[0-9a-f]{64}", snapshot.sha256)
    stored = media_root / snapshot.file.name
    assert stored.is_file()
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == snapshot.sha256
    served = owner.request.get(live_server.url + reverse("snapshots:file", args=[snapshot.pk]))
    assert served.status == 200 and served.headers["content-type"] == "image/png"
    assert hashlib.sha256(served.body()).hexdigest() == snapshot.sha256
    expect(owner.locator("main")).not_to_contain_text(text("Ingen skärmdump av startsidan", "No start-page screenshot"))

    # An SVG (script inside) is refused: the message says what is accepted, nothing is stored.
    files_before = sorted(p for p in media_root.rglob("*") if p.is_file())
    form = owner.locator("main form").filter(has=owner.get_by_role("button", name=text("Ladda upp", "Upload")))
    form.get_by_label(label("Fil", "File")).set_input_files(str(svg))
    with owner.expect_navigation():
        form.get_by_role("button", name=text("Ladda upp", "Upload")).click()
    expect(owner.locator("main")).to_contain_text(
        text("Ladda upp en bild i PNG-, JPEG- eller WebP-format, eller en PDF", "Upload a PNG, JPEG or WebP image")
    )
    expect(owner.locator("main")).not_to_contain_text(text("Skärmdumpen har sparats", "The screenshot was stored"))
    # The error is tied to the file field, for screen readers too.
    file_input = owner.locator("main form").get_by_label(label("Fil", "File"))
    expect(file_input).to_have_attribute("aria-invalid", "true")
    expect(file_input).to_have_accessible_description(re.compile(r"PNG"))
    assert Snapshot.objects.filter(account=account).count() == len(before) + 1
    assert sorted(p for p in media_root.rglob("*") if p.is_file()) == files_before
    expect(owner.locator("section[aria-labelledby=h-snapshots] table tbody tr")).to_have_count(len(before) + 1)


# Every id an aria-describedby or aria-labelledby names must exist, or the description (a field's
# help text, an error) is silently lost to screen-reader users. axe reports a missing one only as
# "incomplete" (needs review), so the pages are checked for it directly.


def test_accessibility_axe_monitoring_and_approvals(demo, as_user):
    """axe-core finds no serious or critical violations, in Swedish, on: Today and an account's
    monitoring page and screenshot page (as owner); the request page (approvals detail) in each
    state that shows a form — awaiting the manager (as manager: decision form and the unit's
    accounts), awaiting comms (as comms: likely duplicates and sign-off form), approved (as owner:
    address, sender checklist, go-live); the to-do page (owner, manager, comms); and the request
    form. On the same pages every id named by an aria-describedby or aria-labelledby exists (a
    field's help text or error is announced with it; axe only calls a missing one "incomplete")."""
    from axe_playwright_python.sync_playwright import Axe

    live_server = demo
    axe = Axe()
    found = []

    def check(page, where, path):
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        found.extend(page_problems(axe, page, where))

    owner_user = User.objects.get(username="owner")
    monitored = SocialAccount.objects.get(platform__slug="linkedin", handle__icontains="meds-solna")
    awaiting_manager = SocialAccount.objects.get(name="MedS Solna podcast", status="awaiting_manager")
    awaiting_comms = SocialAccount.objects.filter(status="awaiting_comms").order_by("pk").first()
    approved = SocialAccount.objects.get(name="MedS Solna", platform__slug="instagram", status="approved")
    assert awaiting_comms is not None
    assert SocialAccount.objects.held_by(owner_user).filter(pk=approved.pk).exists()

    owner = as_user("owner")
    check(owner, "Today (owner)", reverse("monitoring:today"))
    check(owner, "account monitoring (owner)", reverse("monitoring:account", args=[monitored.pk]))
    check(owner, "screenshots (owner)", reverse("snapshots:list", args=[monitored.pk]))
    check(owner, "request page, approved (owner)", reverse("approvals:detail", args=[approved.pk]))
    expect(owner.locator("main form[action$='/sender-checklist/']")).to_have_count(1)
    check(owner, "to-do (owner)", reverse("approvals:todo"))
    check(owner, "request form (owner)", reverse("approvals:request-create"))

    manager = as_user("manager")
    check(manager, "request page, awaiting manager (manager)", reverse("approvals:detail", args=[awaiting_manager.pk]))
    expect(manager.locator("main form[action$='/decide/']")).to_have_count(1)
    check(manager, "to-do (manager)", reverse("approvals:todo"))

    comms = as_user("comms")
    check(comms, "request page, awaiting comms (comms)", reverse("approvals:detail", args=[awaiting_comms.pk]))
    expect(comms.locator("main form[action$='/sign-off/']")).to_have_count(1)
    check(comms, "to-do (comms)", reverse("approvals:todo"))
    check(comms, "to-do section (comms)", reverse("approvals:todo-section", args=["to_sign_off"]))
    check(comms, "account history (comms)", reverse("accounts:history", args=[monitored.pk]))

    assert not found, "serious/critical axe violations or dangling ARIA references:\n" + "\n".join(found)

"""Moderation and public records in a real browser, as the demo users (CONT-2, REC-4, ANS-1,
WEED-2, REC-1), and an automated accessibility check (axe-core) of the records pages.

The demo owner logs a removed post with its screenshots and hands the dated record to the unit's
registry, which receives it as a PDF by e-mail; a question that arrived at the weekend gets the
due time of the ANS-1 reading; and the communications department cannot weed material that an
open request for public records holds.

Labels and messages are matched by the translation the compiled Swedish catalogue gives them, or
by their English message id (see ``shown``): a message without a Swedish translation yet is shown
in English, and the test still finds it.
"""

import datetime
import hashlib
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext, ngettext

from accounts.models import Snapshot, SocialAccount
from audit.models import AuditEvent
from monitoring.models import Finding
from monitoring.services import compliance_sweep
from org.calendar import STOCKHOLM, answer_due, is_working_day, local_day, next_working_day
from org.models import User
from records import selectors
from records.choices import Category
from records.models import Incident, Inquiry, RecordsRequest, WeedingDecision
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

MEDS = "Institutionen för medicin, Solna"
REGISTRY = "registrator.meds@ki.se"
UNREGISTERED = "incident-unregistered"
PENDING = "%(n)s not yet handed to the registry or archive"  # the moderation panel, singular and plural


def shown(msgid, plural=None, **params):
    """A message as the portal shows it in Swedish now: the Swedish catalogue's translation (the
    English message id while there is none), with its parameters, without markup. For a message
    with a plural form give ``plural``; the count is the parameter ``n``. The live server runs in
    this process, so it reads the same compiled catalogue."""
    with translation.override("sv"):
        message = ngettext(msgid, plural, params["n"]) if plural else gettext(msgid)
    return strip_tags(message % params if params else message)


def ui(msgid, plural=None, exact=False, **params):
    """A regular expression for a label or message: the English text or what the Swedish catalogue
    shows now. ``exact`` for a whole label; crispy-forms appends "*" to required fields."""
    english = msgid if not plural or params["n"] == 1 else plural
    english = strip_tags(english % params if params else english)
    options = sorted({english, shown(msgid, plural, **params)}, key=len, reverse=True)
    pattern = "|".join(re.escape(option) for option in options)
    return re.compile(rf"^\s*(?:{pattern})\s*\*?\s*$" if exact else pattern)


def messages(page):
    """The messages shown at the top of <main> after an action."""
    return page.locator("main > div[role=status]")


def click_and_wait(page, button):
    with page.expect_navigation():
        button.click()


def stockholm(moment):
    return timezone.localtime(moment, STOCKHOLM)


def typed(moment):
    """A moment as typed into an <input type="datetime-local">, in Stockholm time."""
    return stockholm(moment).strftime("%Y-%m-%dT%H:%M")


def in_swedish(value, fmt):
    """A date or time formatted as the Swedish pages format it (Django's date filter, in Stockholm time)."""
    if isinstance(value, datetime.datetime):
        value = stockholm(value)
    with translation.override("sv"):
        return formats.date_format(value, fmt)


def records_account():
    """The demo owner's account that seed_demo gave removed posts, questions, blocks, consents and
    the open request for public records (its last month is on legal hold)."""
    return RecordsRequest.objects.get(status="open", requester__startswith="Journalist").accounts.get()


def png(path, colour, caption):
    """A small PNG made with Pillow, different for each colour and caption."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), colour)
    ImageDraw.Draw(image).text((30, 30), caption, fill=(255, 255, 255))
    image.save(path)
    return path


def pdf_text(data):
    """The text of every page of a PDF, as pypdf extracts it."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def working_days_after(moment, days, hour=12):
    """Noon (Stockholm) of the day that lies `days` working days after the moment's day."""
    day = local_day(moment)
    for _ in range(days):
        day = next_working_day(day)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=STOCKHOLM)


def open_finding(account, rule):
    return Finding.objects.filter(account=account, rule=rule, resolved_at__isnull=True).first()


def test_removed_post_is_logged_sent_to_the_registry_and_registered(demo, as_user, mailbox, e2e_media_root, tmp_path):
    """CONT-2, REC-4: on one of the accounts the demo owner keeps in "Institutionen för medicin,
    Solna", the owner opens "Removed posts" from the account page's moderation panel and logs a
    removed comment (times typed in Stockholm time, poster, CONT-1 category, description) with two
    screenshots made with Pillow: of the post and of KI's reply. It is listed with both. Handed off
    the same day it breaks no rule; three working days later the compliance sweep opens the
    incident-unregistered finding, which the account page shows. The owner sends the record to
    the registry: the unit's registry (registrator.meds@ki.se) receives one e-mail with the record
    as a PDF (in Swedish), whose text names the account and its unit, gives the CONT-1 category
    and the description, and the SHA-256 of both stored screenshots. The owner enters the
    reference number that comes back; it is shown, and the next sweep resolves the finding."""
    live_server = demo
    account = SocialAccount.objects.get(platform__slug="linkedin", handle__icontains="meds-solna")
    owner_user = User.objects.get(username="owner")
    assert account.unit.name == MEDS
    assert SocialAccount.objects.held_by(owner_user).filter(pk=account.pk).exists()
    assert not account.incidents.exists()  # the demo's removed posts are on another account
    assert open_finding(account, UNREGISTERED) is None

    post_png = png(tmp_path / "inlagg.png", (120, 20, 40), "Kommentar med personangrepp")
    reply_png = png(tmp_path / "svar.png", (20, 60, 120), "KI:s svar: kommentaren bryter mot reglerna")

    # -- From the account page's moderation panel to "Removed posts".
    owner = as_user("owner")
    owner.goto(live_server.url + account.get_absolute_url())
    panel = owner.locator("section[aria-labelledby=h-moderation]")
    expect(panel).to_contain_text(ui("all handed off"))
    panel.get_by_role("link", name=ui("Removed posts", exact=True)).click()
    expect(owner).to_have_url(live_server.url + reverse("records:incidents", args=[account.pk]))
    expect(owner.get_by_role("heading", level=1)).to_contain_text(account.name)
    expect(owner.locator("main")).to_contain_text(
        ui(
            "“Send to the registry” e-mails the dated record, with the screenshots and their SHA-256 "
            "checksums, as a PDF to %(address)s.",
            address=REGISTRY,
        )
    )

    # -- The form: times in Stockholm time, who posted, why it was removed, what happened.
    now = stockholm(timezone.now()).replace(second=0, microsecond=0)
    removed_at = now - datetime.timedelta(hours=1)
    seen_at = removed_at - datetime.timedelta(minutes=40)
    description = "Personangrepp mot en namngiven doktorand i en kommentar."
    form = owner.locator("main form").filter(has=owner.get_by_role("button", name=ui("Log the removed post")))
    form.get_by_label(ui("Seen", exact=True)).fill(typed(seen_at))
    form.get_by_label(ui("Removed", exact=True)).fill(typed(removed_at))
    form.get_by_label(ui("A visitor", exact=True)).check()
    form.get_by_label(re.compile(r"^\s*\(c\) ")).check()  # defamation, personal attacks (CONT-1 c)
    form.get_by_label(ui("Short description", exact=True)).fill(description)
    form.get_by_label(ui("Screenshot of the post", exact=True)).set_input_files(str(post_png))
    form.get_by_label(ui("Screenshot of KI's reply", exact=True)).set_input_files(str(reply_png))
    click_and_wait(owner, form.get_by_role("button", name=ui("Log the removed post")))
    expect(messages(owner)).to_contain_text(
        ui("The removed post was logged with its screenshots. Hand it to the registry or the archive.")
    )

    incident = Incident.objects.get(account=account)
    assert (incident.seen_at, incident.removed_at) == (seen_at, removed_at)  # read as Stockholm time
    assert (incident.category, incident.poster, incident.description) == ("c_defamation", "visitor", description)
    assert incident.logged_by == owner_user and incident.hand_off == ""
    evidence = {s.kind: s for s in incident.evidence.all()}
    assert sorted(evidence) == ["ki_reply", "removed_post"], evidence
    for snapshot in evidence.values():
        assert re.fullmatch(r"[0-9a-f]{64}", snapshot.sha256)
        stored = e2e_media_root / snapshot.file.name
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == snapshot.sha256
    assert evidence["removed_post"].sha256 != evidence["ki_reply"].sha256

    # Listed, with both screenshots, each a link to the stored file; not yet handed off.
    row = owner.locator(f"#incident-{incident.pk}")
    expect(row).to_contain_text(description)
    expect(row).to_contain_text(ui("Not yet handed off"))
    screenshots = row.locator("td").nth(2).locator("li")
    expect(screenshots).to_have_count(2)
    for kind, snapshot in evidence.items():
        link = row.get_by_role("link", name=ui(snapshot.get_kind_display(), exact=True))
        expect(link).to_have_attribute("href", reverse("snapshots:file", args=[snapshot.pk]))
        served = owner.request.get(live_server.url + reverse("snapshots:file", args=[snapshot.pk]))
        assert served.status == 200, (kind, served.status)
        assert hashlib.sha256(served.body()).hexdigest() == snapshot.sha256

    # -- On the day of the removal it breaks no rule; three working days later the sweep finds it.
    compliance_sweep()
    assert open_finding(account, UNREGISTERED) is None
    later = working_days_after(now, 3)
    compliance_sweep(now=later)
    finding = open_finding(account, UNREGISTERED)
    assert finding is not None and finding.opened_at == later
    owner.goto(live_server.url + account.get_absolute_url())
    expect(owner.locator("section[aria-labelledby=h-compliance]")).to_contain_text(UNREGISTERED)
    panel = owner.locator("section[aria-labelledby=h-moderation]")
    expect(panel).to_contain_text(ui(PENDING, plural=PENDING, n=1))
    panel.get_by_role("link", name=ui("Removed posts", exact=True)).click()

    # -- The owner sends the record to the registry.
    row = owner.locator(f"#incident-{incident.pk}")
    send = row.get_by_role(
        "button",
        name=ui('Send to the registry<span class="visually-hidden"> (removed post %(n)s)</span>', n=incident.pk),
    )
    click_and_wait(owner, send)
    expect(messages(owner)).to_contain_text(
        ui("The record was queued for e-mail to the registry. Enter the reference number when it comes back.")
    )
    row = owner.locator(f"#incident-{incident.pk}")
    expect(row).to_contain_text(ui("Sent to the unit's registry"))
    expect(row).to_contain_text(REGISTRY)
    expect(row).to_contain_text(ui("Waiting for the reference number."))
    expect(row.get_by_role("button", name=ui("Send to the registry", exact=False))).to_have_count(0)
    incident.refresh_from_db()
    assert (incident.hand_off, incident.registry_email) == ("registry", REGISTRY)

    # -- The registry's e-mail: the record as a PDF, with both screenshots' checksums.
    mails = mailbox.deliver()
    assert [m.to for m in mails] == [[REGISTRY]], [(m.to, m.subject) for m in mails]
    mail = mails[0]
    assert account.name in mail.subject, mail.subject
    assert len(mail.attachments) == 1, mail.attachments
    name, content, mimetype = mail.attachments[0]
    assert (name, mimetype) == (f"borttaget-inlagg-{incident.pk}.pdf", "application/pdf")
    content = bytes(content)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    flat = " ".join(text.split())
    compact = "".join(text.split())  # a checksum may be wrapped onto the next line
    assert f"{account.name} ({account.platform.name})" in flat, flat
    assert MEDS in flat, flat
    category = shown(Category.DEFAMATION.label)  # every character survives (core.pdf)
    assert "".join(f"{category} (CONT-1)".split()) in compact, (category, flat)
    assert description in flat, flat
    for moment in (seen_at, removed_at):  # in Stockholm time, as typed
        assert moment.strftime("%Y-%m-%d %H:%M") in flat, (moment, flat)
    for snapshot in evidence.values():
        assert snapshot.sha256 in compact, (snapshot.kind, snapshot.sha256, flat)
    assert text.count("SHA-256") >= 2, flat

    # -- The reference number comes back and is entered.
    reference = f"1-{incident.pk:04d}/2026-MEDS"
    row.get_by_label(ui("Registry reference number of removed post %(n)s", n=incident.pk, exact=True)).fill(reference)
    click_and_wait(
        owner,
        row.get_by_role(
            "button",
            name=ui(
                'Save<span class="visually-hidden"> the reference number of removed post %(n)s</span>', n=incident.pk
            ),
        ),
    )
    expect(messages(owner)).to_contain_text(ui("The reference number was saved."))
    row = owner.locator(f"#incident-{incident.pk}")
    expect(row).to_contain_text(reference)
    expect(row).not_to_contain_text(ui("Waiting for the reference number."))
    incident.refresh_from_db()
    assert incident.registry_reference == reference
    assert AuditEvent.objects.for_object(account).filter(action="incident.registry_reference").count() == 1

    # -- The next sweep resolves the finding; the account page no longer shows it.
    compliance_sweep(now=later + datetime.timedelta(hours=1))
    finding.refresh_from_db()
    assert finding.resolved_at == later + datetime.timedelta(hours=1)
    assert open_finding(account, UNREGISTERED) is None
    owner.goto(live_server.url + account.get_absolute_url())
    expect(owner.locator("section[aria-labelledby=h-compliance]")).not_to_contain_text(UNREGISTERED)
    expect(owner.locator("section[aria-labelledby=h-moderation]")).to_contain_text(ui("all handed off"))


def last_plain_weekend_saturday(today):
    """The latest Saturday at least a week before today whose Monday and Tuesday are working days,
    so that a question received on it is due on Tuesday at 00:00 (ANS-1)."""
    day = today - datetime.timedelta(days=7)
    while not (
        day.weekday() == 5
        and is_working_day(day + datetime.timedelta(days=2))
        and is_working_day(day + datetime.timedelta(days=3))
    ):
        day -= datetime.timedelta(days=1)
    return day


def figures_shown(page):
    """The response-time figures of the questions page, {term: value}, as shown."""
    facts = page.locator("section[aria-labelledby=h-figures] dl.facts")
    terms = [t.strip() for t in facts.locator("dt").all_inner_texts()]
    values = [v.strip() for v in facts.locator("dd").all_inner_texts()]
    assert len(terms) == len(values) == 5, (terms, values)
    return dict(zip(terms, values, strict=True))


def expected_figures(account):
    """The figures as records.selectors computes them, formatted as inquiry_figures.html shows them."""
    f = selectors.response_figures(Inquiry.objects.filter(account=account))
    share = "–" if f["within_rule_share"] is None else f"{round(f['within_rule_share'] * 100)} %"
    return {
        shown("Answered"): str(f["answered"]),
        shown("Answered within the rule"): share,
        shown("Open"): str(f["open"]),
        shown("Overdue"): str(f["overdue"]),
    }, f


def test_question_received_on_a_saturday_is_due_by_the_end_of_monday(demo, as_user):
    """ANS-1: the owner logs on the account's questions page a question that arrived on a Saturday
    at 15:00 (typed in the datetime-local field, Stockholm time). The page gives the due time as
    Tuesday 00:00, "by the end of Monday", and the question is listed as open (and overdue, as that
    Monday is past). The owner records the answer as given on Monday at 16:30: it moves to the
    answered questions, in time, and the account's response-time figures change accordingly
    (answered one more, open and overdue one fewer, the share within the rule recomputed)."""
    live_server = demo
    account = records_account()
    saturday = last_plain_weekend_saturday(local_day(timezone.now()))
    received = datetime.datetime.combine(saturday, datetime.time(15, 0), tzinfo=STOCKHOLM)
    monday, tuesday = saturday + datetime.timedelta(days=2), saturday + datetime.timedelta(days=3)
    due = datetime.datetime.combine(tuesday, datetime.time.min, tzinfo=STOCKHOLM)
    assert answer_due(received) == due

    owner = as_user("owner")
    owner.goto(live_server.url + account.get_absolute_url())
    owner.locator("section[aria-labelledby=h-moderation]").get_by_role(
        "link", name=ui("Questions and comments", exact=True)
    ).click()
    expect(owner).to_have_url(live_server.url + reverse("records:inquiries", args=[account.pk]))
    expect(owner.get_by_role("heading", level=1)).to_contain_text(account.name)
    before_shown = figures_shown(owner)
    before, before_raw = expected_figures(account)
    for term, value in before.items():
        assert before_shown[term] == value, (term, before_shown)

    summary = "Gäller antagningen till forskarutbildningen även sökande från andra länder?"
    form = owner.locator("main form").filter(has=owner.get_by_role("button", name=ui("Log the question")))
    form.get_by_label(ui("Received", exact=True)).fill(typed(received))
    form.get_by_label(ui("Kind", exact=True)).select_option(label=shown("Question"))
    form.get_by_label(ui("Summary", exact=True)).fill(summary)
    click_and_wait(owner, form.get_by_role("button", name=ui("Log the question")))
    expect(messages(owner)).to_contain_text(ui("The question was logged."))

    inquiry = Inquiry.objects.get(account=account, summary=summary)
    assert inquiry.received_at == received and inquiry.due_at == due
    assert inquiry.routed_to is None  # a question, not criticism (ANS-2)

    # Due on Tuesday at 00:00, "by the end of Monday"; open, and overdue since that Monday is past.
    row = owner.locator(f"#inquiry-{inquiry.pk}")
    expect(owner.locator("section[aria-labelledby=h-open]").locator(f"#inquiry-{inquiry.pk}")).to_have_count(1)
    due_cell = row.locator("td").nth(2)
    expect(due_cell).to_contain_text(in_swedish(due, "D j b Y H:i"))
    assert due_cell.inner_text().splitlines()[0].strip().endswith("00:00"), due_cell.inner_text()
    expect(due_cell).to_contain_text(ui("by the end of %(day)s", day=in_swedish(monday, "l j b")))
    expect(due_cell).to_contain_text(ui("Overdue"))
    expect(row.locator("th")).to_contain_text(in_swedish(received, "SHORT_DATETIME_FORMAT"))

    after_log = figures_shown(owner)
    assert after_log[shown("Open")] == str(before_raw["open"] + 1), after_log
    assert after_log[shown("Overdue")] == str(before_raw["overdue"] + 1), after_log

    # -- The answer, given on Monday afternoon: in time.
    answered = datetime.datetime.combine(monday, datetime.time(16, 30), tzinfo=STOCKHOLM)
    row.locator("details > summary").click()
    answer_form = row.locator("form")
    expect(answer_form).to_be_visible()
    answer_form.get_by_label(ui("Answered", exact=True)).fill(typed(answered))
    answer_form.get_by_label(ui("Summary of the reply", exact=True)).fill("Ja, länk till antagningssidan på ki.se.")
    click_and_wait(
        owner,
        answer_form.get_by_role(
            "button",
            name=ui(
                'Save the answer<span class="visually-hidden"> to the question received %(received)s</span>',
                received=in_swedish(received, "SHORT_DATETIME_FORMAT"),
            ),
        ),
    )
    expect(messages(owner)).to_contain_text(ui("The answer was recorded."))
    inquiry.refresh_from_db()
    assert inquiry.answered_at == answered and inquiry.answered_by.username == "owner"

    answered_row = owner.locator("section[aria-labelledby=h-answered]").locator(f"#inquiry-{inquiry.pk}")
    expect(answered_row).to_have_count(1)
    expect(answered_row).to_contain_text(ui("in time"))
    expect(answered_row).to_contain_text(ui("by the end of %(day)s", day=in_swedish(monday, "l j b")))
    expect(owner.locator("section[aria-labelledby=h-open]").locator(f"#inquiry-{inquiry.pk}")).to_have_count(0)

    after, after_raw = expected_figures(account)
    assert after_raw["answered"] == before_raw["answered"] + 1
    assert after_raw["open"] == before_raw["open"] and after_raw["overdue"] == before_raw["overdue"]
    after_shown = figures_shown(owner)
    for term, value in after.items():
        assert after_shown[term] == value, (term, after_shown)
    assert after_shown[shown("Answered")] != before_shown[shown("Answered")]
    assert after_shown != after_log

    # The account page's panel counts the open questions the same way.
    owner.goto(live_server.url + account.get_absolute_url())
    expect(owner.locator("section[aria-labelledby=h-moderation]")).to_contain_text(
        ui("%(n)s open", plural="%(n)s open", n=after_raw["open"])
    )


def test_weeding_under_legal_hold_is_refused(demo, as_user, e2e_media_root):
    """WEED-2, REC-1: seed_demo logged an open request for public records covering the demo owner's
    account for the last month. The communications department opens the request, follows its link
    to the account's weeding page, which names the hold, and tries to weed the last 100 days: the
    decision is refused with a message naming the request, its date and period and saying to close
    it first. Nothing is deleted: no decision, every screenshot row and file still there."""
    live_server = demo
    account = records_account()
    hold = RecordsRequest.objects.get(status="open", accounts=account)
    snapshots_before = sorted(Snapshot.objects.filter(account=account).values_list("pk", "sha256"))
    assert snapshots_before, "the demo account has screenshots to weed"
    files_before = sorted(p for p in e2e_media_root.rglob("*") if p.is_file())
    today = timezone.localdate()

    comms = as_user("comms")
    comms.goto(live_server.url + reverse("records:request-list"))
    comms.get_by_role("link", name=in_swedish(hold.received_at, "SHORT_DATETIME_FORMAT")).click()
    expect(comms).to_have_url(live_server.url + reverse("records:request-detail", args=[hold.pk]))
    comms.get_by_role("link", name=re.compile(rf"^(?:{ui('weeding').pattern})\s+{re.escape(account.name)}$")).click()
    expect(comms).to_have_url(live_server.url + reverse("records:weeding", args=[account.pk]))
    expect(comms.locator("section[aria-labelledby=h-state] .alert-warning")).to_contain_text(ui("Legal hold"))

    form = comms.locator("main form").filter(has=comms.get_by_role("button", name=ui("Weed the period")))
    form.get_by_label(ui("From", exact=True)).fill((today - datetime.timedelta(days=100)).isoformat())
    form.get_by_label(ui("Until", exact=True)).fill(today.isoformat())
    form.get_by_label(ui("Basis", exact=True)).fill("Gallringsbeslut för sociala medier, dnr 1-999/2026")
    form.get_by_label(
        ui("I understand that the screenshots dated in the period are deleted for good.", exact=True)
    ).check()
    click_and_wait(comms, form.get_by_role("button", name=ui("Weed the period")))

    refusal = ui(
        "Weeding is refused: the request for public records no. %(number)s, received %(date)s, is open "
        "and covers this account from %(start)s to %(end)s (legal hold). Close the request first.",
        number=hold.pk,
        date=stockholm(hold.received_at).strftime("%Y-%m-%d"),
        start=hold.period_start,
        end=hold.period_end,
    )
    expect(comms.locator("main")).to_contain_text(refusal)
    expect(comms.locator("main")).not_to_contain_text(
        ui("The weeding decision was recorded and the screenshots of the period deleted.")
    )
    expect(comms.locator("section[aria-labelledby=h-decisions] tbody")).to_contain_text(ui("No weeding decisions."))

    assert not WeedingDecision.objects.filter(account=account).exists()
    assert not AuditEvent.objects.filter(action="weeding.decide").exists()
    assert sorted(Snapshot.objects.filter(account=account).values_list("pk", "sha256")) == snapshots_before
    assert sorted(p for p in e2e_media_root.rglob("*") if p.is_file()) == files_before
    assert RecordsRequest.objects.get(pk=hold.pk).status == "open"


# Every id an aria-describedby or aria-labelledby names must exist, or the description (a field's
# help text, an error) is silently lost to screen-reader users. axe reports a missing one only as
# "incomplete" (needs review), so the pages are checked for it directly.


def test_accessibility_axe_records_pages(demo, as_user):
    """axe-core finds no serious or critical violations, in Swedish, on the records pages of the
    demo account that has records of every kind: as its owner, the removed posts, the questions and
    comments, the blocking log, the media consents and the visitor notice (each with its form); as
    the communications department, the requests for public records (list with its form, and the
    open request) and the account's weeding page (with its forms). On the same pages every id named
    by an aria-describedby or aria-labelledby exists."""
    from axe_playwright_python.sync_playwright import Axe

    live_server = demo
    axe = Axe()
    found = []

    def check(page, where, path):
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        found.extend(page_problems(axe, page, where))

    account = records_account()
    hold = RecordsRequest.objects.get(status="open", accounts=account)
    assert account.incidents.exists() and account.inquiries.exists()
    assert account.blocks.exists() and account.media_consents.exists()

    owner = as_user("owner")
    check(owner, "removed posts (owner)", reverse("records:incidents", args=[account.pk]))
    expect(owner.locator("main form[enctype='multipart/form-data']")).to_have_count(1)
    check(owner, "questions (owner)", reverse("records:inquiries", args=[account.pk]))
    expect(owner.locator("section[aria-labelledby=h-open] details form")).not_to_have_count(0)
    # REC-3, REC-4: the demo's questions carry screenshots, linked from the list.
    expect(owner.locator("main ul[aria-label] a[href*='/snapshots/']")).not_to_have_count(0)
    check(owner, "blocking log (owner)", reverse("records:blocks", args=[account.pk]))
    check(owner, "media consents (owner)", reverse("records:consents", args=[account.pk]))
    # MEDIA-1: the demo's withdrawn consent shows as withdrawn; those in force offer the withdrawal form.
    expect(owner.locator("main .badge").filter(has_text=ui("Withdrawn", exact=True))).to_have_count(1)
    expect(owner.locator("main details form[action$='/withdraw/']")).not_to_have_count(0)
    check(owner, "visitor notice (owner)", reverse("records:visitor-notice", args=[account.pk]))

    comms = as_user("comms")
    check(comms, "records requests (comms)", reverse("records:request-list"))
    check(comms, "records request, open (comms)", reverse("records:request-detail", args=[hold.pk]))
    check(comms, "weeding (comms)", reverse("records:weeding", args=[account.pk]))
    expect(comms.get_by_role("button", name=ui("Weed the period"))).to_have_count(1)

    assert settings.LANGUAGE_CODE == "sv"
    assert not found, "serious/critical axe violations or dangling ARIA references:\n" + "\n".join(found)

"""An impostor report in a real browser (issue 14, SEND-1): an anonymous visitor checks an address
in the directory, is warned that comms lists it as an impostor, reports another one through the
form and gets the thank-you page; comms then finds the case and triages it. axe-core finds no
serious or critical violation on any of the pages."""

import pytest
from django.urls import reverse

from records.choices import CaseStatus, CaseVerdict
from records.models import ImpostorCase
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

LISTED = "https://www.instagram.com/karolinska.institutet.official"  # listed by the demo
NEW = "https://www.instagram.com/ki.gratis.kurser"


def test_a_visitor_reports_an_impostor_and_comms_triages_it(demo, page, as_user, mailbox):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    page.goto(demo.url + reverse("directory:index"))

    page.locator("#id_check").fill(LISTED)
    page.locator("#check-form button[type=submit]").click()
    expect(page.locator("[data-impostor=listed]")).to_be_visible()
    problems += page_problems(axe, page, "listed impostor answer")

    page.locator("#id_check").fill(NEW)
    page.locator("#check-form button[type=submit]").click()
    expect(page.locator("[data-answer=not_found]")).to_be_visible()
    page.locator("[data-report-impostor]").click()
    expect(page.locator("#id_address")).to_have_value(NEW)
    problems += page_problems(axe, page, "report form")
    page.locator("#id_reason").fill("Säljer kurser i KI:s namn.")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith(reverse("records:impostor-report-thanks"))
    problems += page_problems(axe, page, "thank-you page")

    case = ImpostorCase.objects.get(handle="ki.gratis.kurser")
    assert case.status == CaseStatus.NEW
    assert any(NEW in m.subject for m in mailbox.deliver())

    comms = as_user("comms")
    comms.goto(demo.url + reverse("records:impostor-cases"))
    comms.locator(f'a[href="{reverse("records:impostor-case", args=[case.pk])}"]').click()
    problems += page_problems(axe, comms, "case page")
    comms.locator("input[name=verdict][value=impostor]").check()
    comms.locator(f'form[action="{reverse("records:impostor-case-triage", args=[case.pk])}"] button').click()
    expect(comms.locator("[data-case-status=triaged]")).to_be_visible()
    case.refresh_from_db()
    assert case.verdict == CaseVerdict.IMPOSTOR

    assert problems == []

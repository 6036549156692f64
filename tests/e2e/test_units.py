"""The unit tree in a real browser (issue 13): the communications department imports a small tree
through the page (upload, dry run, confirm), then closes one of the new units with a successor;
every page on the way is checked with axe-core."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import SocialAccount
from audit.models import AuditEvent
from org.models import Unit
from tests import factories
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

TREE = (
    "kod;namn;namn_en;överordnad_kod;typ;chef_e-post;diarie_e-post\n"
    "E2E-A;Institutionen för provning;Department of Testing;E2E;institution;ny.prefekt@ki.se;\n"
    "E2E;Provfakulteten;Faculty of Testing;;förvaltning;;diarium@ki.se\n"
    "E2E-B;Institutionen för granskning;Department of Review;E2E;institution;;\n"
    "E2E-X;Trasig rad;;SAKNAS;institution;;\n"
)


def test_comms_imports_a_tree_with_a_dry_run_then_closes_a_unit(as_user, demo):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    page = as_user("comms")

    # 1. From the unit list to the import page.
    page.goto(demo.url + reverse("org:unit-list"))
    page.get_by_role("link", name="Importera enheter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importera enheter")
    problems += page_problems(axe, page, "unit import form")

    # 2. Upload: the dry run lists every row and writes nothing.
    page.get_by_label("Kalkylblad (CSV eller XLSX)").set_input_files(
        files=[{"name": "enheter.csv", "mimeType": "text/csv", "buffer": TREE.encode()}]
    )
    page.get_by_role("button", name="Kontrollera filen (provkörning)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importera enheter: provkörning")
    expect(page.get_by_role("status")).to_contain_text("3 enheter skapas")
    expect(page.get_by_role("status")).to_contain_text("1 rad är avvisad")
    expect(page.locator("main table")).to_contain_text("SAKNAS")
    assert not Unit.objects.filter(code__startswith="E2E").exists()
    problems += page_problems(axe, page, "unit import dry run")

    # 3. Confirm: three units, the new manager a pending person.
    page.get_by_role("button", name="Importera enheterna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enheter")
    assert set(Unit.objects.filter(code__startswith="E2E").values_list("code", flat=True)) == {"E2E", "E2E-A", "E2E-B"}
    closing = Unit.objects.get(code="E2E-A")
    successor = Unit.objects.get(code="E2E-B")
    assert closing.manager.is_pending
    account = factories.SocialAccountFactory(unit=closing, name="Provningskontot")

    # 4. Close E2E-A with E2E-B as its successor, from its page.
    page.goto(demo.url + closing.get_absolute_url())
    page.get_by_role("link", name="Stäng med efterträdare").click()
    problems += page_problems(axe, page, "unit close form")
    page.get_by_label("Efterträdare").select_option(value=str(successor.pk))
    page.get_by_label("Stängd den").fill("2026-09-01")
    page.get_by_role("button", name="Stäng enheten").click()

    # 5. The unit's page stays, read-only, naming its successor; the account moved.
    expect(page.get_by_role("heading", level=1)).to_have_text(closing.name)
    expect(page.locator("main")).to_contain_text("Efterträdd av")
    expect(page.get_by_role("link", name="Stäng med efterträdare")).to_have_count(0)
    problems += page_problems(axe, page, "closed unit page")
    closing.refresh_from_db()
    assert closing.closed_on == datetime.date(2026, 9, 1) and closing.successor == successor
    assert SocialAccount.objects.get(pk=account.pk).unit == successor
    assert AuditEvent.objects.filter(action="unit.close", object_id=str(closing.pk)).exists()
    page.goto(demo.url + reverse("org:unit-list"))
    expect(page.locator("main table")).not_to_contain_text(closing.name)

    assert problems == [], "\n".join(problems)

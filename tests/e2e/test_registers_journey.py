"""The registrar's journey (issue 14): from the navigation's queue of decision records sent to the
registry without a reference number, enter the number in the row; the record leaves the queue.
The registers' pages have no serious accessibility violations."""

import re

import pytest

from approvals.models import Decision
from tests.e2e.a11y import page_problems
from tests.e2e.conftest import CHROMIUM  # noqa: F401 - the directory's skip applies

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_the_registrar_enters_a_reference_number_from_the_queue(as_user):
    """REC-4: the number the registry gives back is entered in place and audited."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    waiting = Decision.objects.filter(registry_reference="").exclude(registry_email="").count()
    assert waiting, "the demo has decision records waiting for a reference number"
    page = as_user("registrar")
    page.get_by_role("button", name="Handlingar").click()  # the navigation's Records group
    page.get_by_role("link", name=re.compile("Beslut som väntar på diarienummer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beslut som väntar på diarienummer")
    problems = page_problems(axe, page, "queue")
    expect(page.locator("main p[role=status]")).to_contain_text(str(waiting))
    first = page.locator("tbody tr").first
    first.get_by_label(re.compile("Diarienummer för post")).fill("Dnr 1-999/2026")
    first.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Diarienumret har sparats.")).to_be_visible()
    assert Decision.objects.filter(registry_reference="Dnr 1-999/2026").count() == 1
    expect(page.locator("main p[role=status]")).to_contain_text(str(waiting - 1))
    page.get_by_role("button", name="Handlingar").click()
    page.get_by_role("link", name="Alla register", exact=True).click()
    problems += page_problems(axe, page, "index")
    assert not problems, "\n".join(problems)

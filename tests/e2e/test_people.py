"""The People pages in a real browser (issue 13): comms opens People from the navigation,
searches a person, grants them the auditor role with a reason and sees the role and the audit
row on the person page; axe-core finds nothing serious on the list or the person page."""

import re

import pytest

from audit.models import AuditEvent
from org import roles
from org.models import User
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_comms_searches_a_person_and_grants_the_auditor_role_with_a_reason(demo, as_user):
    from axe_playwright_python.sync_playwright import Axe

    owner = User.objects.get(username="owner")
    page = as_user("comms")

    nav = page.get_by_role("navigation", name=re.compile("Huvudmeny|Main navigation"))
    nav.get_by_role("button", name="Administration").click()
    nav.get_by_role("link", name="Personer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personer")
    page.get_by_label(re.compile("Namn, användarnamn eller e-postadress")).fill("Olivia Ägare")
    page.get_by_label(re.compile("Namn, användarnamn eller e-postadress")).press("Enter")
    link = page.get_by_role("link", name="Olivia Ägare")
    expect(link).to_have_count(1)
    problems = page_problems(Axe(), page, "/people/ with a search")

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Olivia Ägare")
    problems += page_problems(Axe(), page, "the person page")
    assert not problems, "\n".join(problems)

    page.get_by_label("Skäl till att ändra rollen Granskare").fill("Internrevisionen 2027")
    with page.expect_navigation():
        page.get_by_role("button", name="Tilldela Granskare").click()

    expect(page.get_by_role("status")).to_contain_text("Olivia Ägare har nu rollen Granskare.")
    expect(page.locator("#person-roles")).to_contain_text("Granskare")
    history = page.get_by_role("region", name="Historik")
    expect(history).to_contain_text("Internrevisionen 2027")
    assert roles.AUDITOR in set(owner.groups.values_list("name", flat=True))
    event = AuditEvent.objects.get(action="role.grant", object_id=str(owner.pk))
    assert (event.actor.username, event.note) == ("comms", "Internrevisionen 2027")

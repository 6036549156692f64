"""A leaver's accounts handed over in one form (issue 13), in a real browser: comms marks a person
as having left on /people/<id>/leave/, follows the button to the bulk handover page, ticks every
account, picks one new owner and one new deputy with the keyboard, appoints them directly with a
reason and sends the form once; axe finds nothing serious on either page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Assignment
from accounts.selectors import CLOSED_STATUSES
from audit.models import AuditEvent
from org.models import User
from tests import factories
from tests.e2e.a11y import page_problems
from tests.e2e.conftest import pick

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

ALL_OWNER = re.compile("^(Ny kontoansvarig för de valda kontona|New owner of the selected)")
ALL_DEPUTY = re.compile("^(Ny ersättare för de valda kontona|New deputy of the selected)")
EDITORS = ["editor1", "editor2", "editor3", "editor4", "univdir", "studenthead", "crisishead"]


def _held(person):
    """The person's assignments on accounts that are not closed (the page lists only those)."""
    return Assignment.objects.current().filter(person=person).exclude(account__status__in=CLOSED_STATUSES)


def test_comms_marks_a_leaver_and_hands_over_their_accounts_in_one_form(demo, as_user):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    people = {u.username: u for u in User.objects.filter(username__in=EDITORS)}
    leaver = max(people.values(), key=lambda u: _held(u).count())
    account_ids = set(_held(leaver).values_list("account_id", flat=True))
    assert account_ids
    keepers = set(Assignment.objects.current().filter(account_id__in=account_ids).values_list("person_id", flat=True))
    new_owner, new_deputy = [u for u in people.values() if u.pk not in keepers][:2]
    for account_id in _held(leaver).filter(role=Role.OWNER).values_list("account_id", flat=True):
        factories.SnapshotFactory(account_id=account_id)  # REC-5: a recent start page before a new owner

    page = as_user("comms")
    page.goto(demo.url + reverse("people:leave", args=[leaver.pk]))
    problems = page_problems(axe, page, "leave page")
    page.get_by_label(re.compile("Reason|Skäl")).fill("Anställningen upphörde")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Markera som slutad|Mark as left")).click()
    leaver.refresh_from_db()
    assert leaver.left_on == timezone.localdate() and not leaver.is_active

    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Lämna över personens konton|Hand over their accounts")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(leaver))
    boxes = page.locator("main input[type=checkbox][name^=select-]")
    expect(boxes).to_have_count(len(account_ids))
    for i in range(len(account_ids)):
        boxes.nth(i).check()
    pick(
        page.get_by_role("combobox", name=ALL_OWNER),
        new_owner.username,
        re.compile(rf"\({new_owner.username}\)"),
    )
    pick(
        page.get_by_role("combobox", name=ALL_DEPUTY),
        new_deputy.username,
        re.compile(rf"\({new_deputy.username}\)"),
    )
    page.get_by_role("radio", name=re.compile("Utse direkt|Appoint directly")).check()
    page.get_by_role("textbox", name=re.compile("Skäl|Reason")).fill("Johan har slutat")
    problems += page_problems(axe, page, "handover page")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Lämna över de ikryssade|Hand over the ticked")).click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(re.compile(r"\d"))
    problems += page_problems(axe, page, "handover page after sending")
    assert not problems, "\n".join(problems)

    assert not _held(leaver).exists()
    assert AuditEvent.objects.filter(action="handover.assign", note="Johan har slutat").count() == len(account_ids)
    owned = Assignment.objects.current().filter(account_id__in=account_ids, role=Role.OWNER)
    assert set(owned.values_list("person_id", flat=True)) <= {new_owner.pk} | keepers - {leaver.pk}

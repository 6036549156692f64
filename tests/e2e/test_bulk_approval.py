"""Bulk retroactive approval in a real browser (issue 13, START-1, RESP-1): the responsible
manager ticks several imported accounts with the keyboard ("select all on this page", then one
left out), approves them in one form, and each gets its own decision; axe-core finds nothing
serious before or after."""

import math
import re

import pytest
from django.urls import reverse

from accounts.choices import Origin
from accounts.models import Platform
from accounts.services import social_account_create
from approvals import selectors
from approvals.choices import Outcome, Step
from approvals.models import Decision
from org.models import Unit, User
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

MEDS = "Institutionen för medicin, Solna"


def test_manager_approves_several_imported_accounts_with_the_keyboard(demo, as_user):
    from axe_playwright_python.sync_playwright import Axe

    comms = User.objects.get(username="comms")
    manager = User.objects.get(username="manager")
    unit = Unit.objects.get(name=MEDS)
    imported = [
        social_account_create(
            actor=comms,
            owner=User.objects.get(username="owner"),
            origin=Origin.IMPORT,
            name=f"Importerat konto {i}",
            platform=Platform.objects.get(slug="instagram"),
            handle=f"e2e_importerat_{i}",
            url=f"https://instagram.com/e2e_importerat_{i}",
            unit=unit,
            purpose="Nyheter från institutionen.",
        )
        for i in range(4)
    ]
    pending = selectors.todo_for(user=manager)["retroactive"]
    # The newest accounts come last: the page that holds them.
    last_page = math.ceil(pending.count() / 25)
    on_page = list(pending.values_list("pk", flat=True)[(last_page - 1) * 25 :])
    assert {a.pk for a in imported} <= set(on_page)

    page = as_user("manager")
    page.goto(demo.url + reverse("approvals:retroactive-bulk") + f"?page={last_page}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile("Godkänn befintliga konton i efterhand|Approve existing accounts retroactively")
    )
    problems = page_problems(Axe(), page, "bulk retroactive approval")
    assert not problems, "\n".join(problems)

    # "Select all on this page" (shown by its script) ticks every account with the space bar...
    select_all = page.get_by_label(re.compile("Välj alla på den här sidan|Select all on this page"))
    expect(select_all).to_be_visible()
    select_all.focus()
    page.keyboard.press("Space")
    for pk in on_page:
        expect(page.locator(f"#account-{pk}")).to_be_checked()

    # ...and one account is left out again, with the space bar on its own labelled box.
    left_out = imported[0]
    box = page.get_by_label(re.compile(f"(Välj|Select) {left_out.name}$"))
    box.focus()
    page.keyboard.press("Space")
    expect(box).not_to_be_checked()
    assert select_all.evaluate("el => el.indeterminate")

    # One decision for the ticked ones: the radio button and the comment, then Enter on the button.
    page.get_by_role("radio", name=re.compile("^(Godkänn|Approve)$")).focus()
    page.keyboard.press("Space")
    comment = page.get_by_role("textbox", name=re.compile("^(Kommentar|Comment)"))
    comment.focus()
    page.keyboard.type("Granskat i efterhand.")
    page.keyboard.press("Tab")
    record = "Registrera beslutet för de valda kontona|Record the decision for the selected accounts"
    button = page.get_by_role("button", name=re.compile(record))
    expect(button).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(re.compile(rf"{len(on_page) - 1} (konton|accounts)"))
    decided = Decision.objects.filter(step=Step.RETROACTIVE, outcome=Outcome.APPROVE, decided_by=manager)
    assert set(decided.values_list("account_id", flat=True)) == set(on_page) - {left_out.pk}
    assert set(decided.values_list("comment", flat=True)) == {"Granskat i efterhand."}
    assert selectors.retroactive_pending(left_out)
    problems = page_problems(Axe(), page, "bulk retroactive approval, after the decision")
    assert not problems, "\n".join(problems)

"""Publishers in a real browser (issue 15, START-1, PRIV-2): the owner gives a colleague access,
picking them with the keyboard; the responsible manager confirms, ticking that the publisher acts
for KI; axe finds nothing serious on the access page and its forms."""

import re

import pytest
from django.urls import reverse

from accounts.choices import PublisherStatus
from accounts.models import Publisher
from tests.e2e.a11y import page_problems
from tests.e2e.conftest import pick

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_owner_adds_a_publisher_and_the_manager_confirms(demo, as_user):
    """START-1, PRIV-2: added by the owner, confirmed by the responsible manager."""
    from axe_playwright_python.sync_playwright import Axe

    from org.models import User

    axe = Axe()
    account = Publisher.objects.select_related("account").first().account  # the demo owner's account
    colleague = User.objects.get(username="headcomms")
    access = demo.url + reverse("accounts:access", args=[account.pk])

    owner = as_user("owner")
    owner.goto(access)
    problems = page_problems(axe, owner, "access page")
    with owner.expect_navigation():
        owner.get_by_role("link", name=re.compile("Ge någon behörighet|Give someone access")).first.click()
    problems += page_problems(axe, owner, "add form")
    box = owner.locator("main form").get_by_role("combobox", name=re.compile("Person på KI|Person at KI"))
    pick(box, colleague.username, f"{colleague.get_full_name()} ({colleague.username})")
    owner.get_by_label(re.compile("Roll på plattformen|Role on the platform")).select_option("moderator")
    with owner.expect_navigation():
        owner.locator("main form").get_by_role("button", name=re.compile("Spara|Save")).click()
    publisher = Publisher.objects.get(account=account, person=colleague)
    assert publisher.status == PublisherStatus.PENDING

    from accounts.services import account_managers

    manager = as_user(account_managers(account)[0].username)
    manager.goto(demo.url + reverse("accounts:publisher-decide", args=[account.pk, publisher.pk]))
    problems += page_problems(axe, manager, "decide form")
    manager.get_by_label(re.compile("Bekräfta behörigheten|Confirm the access")).check()
    manager.get_by_label(re.compile("agerar för KI i kanalen|acts for KI in this channel")).check()
    with manager.expect_navigation():
        manager.locator("main form").get_by_role("button", name=re.compile("Spara|Save")).click()
    publisher.refresh_from_db()
    assert publisher.status == PublisherStatus.CONFIRMED and publisher.acts_for_ki
    expect(manager.locator("main table")).to_contain_text(str(colleague))
    assert problems == []

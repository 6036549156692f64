"""The start-page capture on the account page in a real browser (issue 17, REC-5): the demo owner
asks for a capture with the button and sees it queued; the auditor sees the panel but no button;
axe-core finds nothing serious on the account page with the panel."""

import re

import pytest

from accounts.choices import AccountStatus, Role
from accounts.models import Assignment
from audit.models import AuditEvent
from tests.e2e.a11y import page_problems
from watching.capture_models import Capture, CaptureStatus, CaptureTrigger

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

BUTTON = re.compile("Ta bild av startsidan nu|Capture the start page now")
HEADING = re.compile("Automatisk bild av startsidan|Start-page capture")


def _owned_account():
    return (
        Assignment.objects.filter(
            person__username="owner",
            role=Role.OWNER,
            ended_at__isnull=True,
            account__status=AccountStatus.ACTIVE,
        )
        .exclude(account__url="")
        .select_related("account")
        .first()
        .account
    )


def test_the_owner_asks_for_a_capture_and_the_auditor_sees_no_button(demo, as_user, live_server):
    from axe_playwright_python.sync_playwright import Axe

    account = _owned_account()
    page = as_user("owner")
    page.goto(live_server.url + account.get_absolute_url())
    panel = page.get_by_role("region", name=HEADING)
    expect(panel).to_be_visible()
    problems = page_problems(Axe(), page, "the account page with the capture panel")
    assert not problems, "\n".join(problems)

    with page.expect_navigation():
        panel.get_by_role("button", name=BUTTON).click()

    expect(page.get_by_role("status")).to_contain_text(re.compile("Bilden står i kö|The capture is queued"))
    queued = Capture.objects.get(account=account)
    assert (queued.status, queued.trigger, queued.requested_by.username) == (
        CaptureStatus.QUEUED,
        CaptureTrigger.ON_DEMAND,
        "owner",
    )
    assert AuditEvent.objects.filter(action="capture.request", object_id=str(account.pk)).exists()
    expect(panel).to_contain_text(re.compile("Köad|Queued"))

    auditor = as_user("auditor")
    auditor.goto(live_server.url + account.get_absolute_url())
    expect(auditor.get_by_role("region", name=HEADING)).to_be_visible()
    expect(auditor.get_by_role("button", name=BUTTON)).to_have_count(0)

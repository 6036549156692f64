"""Temporary cover in a real browser (MON-2, DECOM-2): the demo owner finds a predicted coverage
gap on "To do", opens the account's cover page, picks a stand-in with the person picker and the
keyboard, and records the period; the cover shows on the account page; then cancels it, and the
stand-in is e-mailed. axe-core finds nothing serious on the cover page or the to-do page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.choices import CoverMeasure
from monitoring.cover import cover_needed
from monitoring.models import Cover, Finding
from notifications.models import Notification
from org.calendar import local_day
from org.models import User
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_the_owner_names_a_stand_in_for_a_predicted_gap(demo, as_user):
    """MON-2: from the to-do section "Coverage gaps" to the cover page; the stand-in is picked by
    typing part of the name, ArrowDown and Enter; the cover is recorded for the gap's days."""
    from axe_playwright_python.sync_playwright import Axe

    owner = User.objects.get(username="owner")
    # The first account of the owner's to-do section (the page shows the first ten by name).
    account = cover_needed(owner)[2].first()
    assert account is not None, "the demo has a coverage gap on one of the owner's accounts"
    assert Finding.objects.filter(account=account, rule="coverage-gap", resolved_at__isnull=True).exists()
    page = as_user("owner")
    page.goto(demo.url + reverse("approvals:todo"))
    problems = page_problems(Axe(), page, "to do")
    assert not problems, "\n".join(problems)
    page.locator(f'a[href="{reverse("monitoring:cover", args=[account.pk])}"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(account.name)
    problems = page_problems(Axe(), page, "cover page")
    assert not problems, "\n".join(problems)

    page.get_by_label(re.compile("En vikarie bevakar kontot|A stand-in monitors the account")).check()
    box = page.get_by_role("combobox", name=re.compile(r"^\s*(Vikarie|Stand-in)"))
    box.focus()
    box.press_sequentially("Redakt", delay=30)
    option = page.get_by_role("option", name=re.compile(r"Johan Redaktör \(editor1\)"))
    expect(option).to_be_visible()
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    first = local_day(timezone.now()) + datetime.timedelta(days=15)
    last = first + datetime.timedelta(days=5)
    page.locator("#id_first_day").fill(first.isoformat())
    page.locator("#id_last_day").fill(last.isoformat())
    page.get_by_role("button", name=re.compile("Registrera täckningen|Record the cover")).click()

    expect(page.locator("main")).to_contain_text(re.compile("Täckningen registrerades|The cover was recorded"))
    cover = Cover.objects.get(account=account, stand_in__username="editor1", first_day=first)
    assert (cover.measure, cover.last_day, cover.recorded_by) == (CoverMeasure.STAND_IN, last, owner)
    page.goto(demo.url + account.get_absolute_url())
    expect(page.locator("main")).to_contain_text(re.compile(r"(Vikarie|Stand-in): Johan Redaktör"))

    # Plans change: the owner cancels the cover; the stand-in is told (cover-cancelled, MON-2).
    page.goto(demo.url + reverse("monitoring:cover", args=[account.pk]))
    page.locator(f'form[action="{reverse("monitoring:cover-cancel", args=[cover.pk])}"] button').click()
    expect(page.locator("main")).not_to_contain_text("Johan Redaktör")
    assert not Cover.objects.filter(pk=cover.pk).exists()
    told = Notification.objects.get(kind="cover-cancelled", recipient__username="editor1")
    assert account.name in told.subject and first.isoformat() in told.body_text

"""The platform catalogue in a real browser (issue 14): the communications department adds a
platform with its address rule on the portal page, and the running server recognises the
platform's addresses at once (the transaction commits for real, so the cached catalogue is dropped
as in production); every page on the way is checked with axe-core."""

import pytest
from django.urls import reverse

from accounts.models import Platform
from accounts.urlparse import recognise
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_comms_add_a_platform_whose_addresses_are_recognised_at_once(as_user, demo):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    page = as_user("comms")
    recognise("https://instagram.com/ki")  # the catalogue is cached now, without the new platform

    # 1. The catalogue, with the demo's overdue review in the queue.
    page.goto(demo.url + reverse("platforms:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Plattformar")
    problems += page_problems(axe, page, "platform list")
    page.get_by_role("link", name="Försenad granskning (1)").click()
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table")).to_contain_text("TikTok")

    # 2. A new platform with its rule and an example address.
    page.get_by_role("link", name="Ny plattform").click()
    problems += page_problems(axe, page, "platform form")
    page.locator("#id_name").fill("KI Video")
    page.locator("#id_domains").fill("video.example.org")
    page.locator("#id_handle_pattern").fill(r"/a/(?P<handle>[A-Za-z0-9_.]+)(?:/.*)?")
    page.locator("#id_url_template").fill("https://video.example.org/a/{handle}")
    page.locator("#id_examples").fill("https://video.example.org/a/KI_Forskning ki_forskning")
    page.locator("#id_reviewed_on").fill("2026-11-02")
    page.locator("main form").get_by_role("button", name="Spara").click()

    # 3. Its page; the server reads its addresses with the new rule at once.
    expect(page.get_by_role("heading", level=1)).to_have_text("KI Video")
    problems += page_problems(axe, page, "platform page")
    assert Platform.objects.filter(slug="ki-video").exists()
    found = recognise("https://www.video.example.org/a/KI_Nyheter/videos")
    assert (found.platform, found.handle) == ("ki-video", "ki_nyheter")

    assert not problems, "\n".join(problems)

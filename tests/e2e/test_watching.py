"""Watching without typing in a real browser (issue 17): after a collection run against the demo's
local fixture server, comms open the KI YouTube channel's page and read, in the panel "Seen on the
platform", the latest post the portal found by itself; the renamed TikTok profile's page names its
404. Both pages are checked with axe-core."""

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import SocialAccount
from tests.e2e.a11y import page_problems
from watching.collect import collect_profiles
from watching.demo_fixtures import HOST, demo_routes
from watching.fixture_servers import FixtureServer

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_the_account_page_shows_what_the_collector_saw(as_user, demo):
    from axe_playwright_python.sync_playwright import Axe

    server = FixtureServer(demo_routes(timezone.localdate())).start()
    try:
        for account in SocialAccount.objects.filter(url__startswith=f"http://{HOST}/"):
            SocialAccount.objects.filter(pk=account.pk).update(url=account.url.replace(HOST, server.netloc))
        with override_settings(WATCHING_TRUSTED_ADDRESSES=[server.netloc], WATCHING_BLUESKY_API=server.base):
            collect_profiles()
    finally:
        server.stop()
    youtube = SocialAccount.objects.get(url=f"{server.base}/@karolinskainstitutet")
    renamed = SocialAccount.objects.get(url=f"{server.base}/@kistudentlife")
    axe, problems = Axe(), []
    page = as_user("comms")

    page.goto(demo.url + youtube.get_absolute_url())
    panel = page.get_by_role("region", name="Sett på plattformen")
    expect(panel).to_contain_text(youtube.observation.latest_post_on.strftime("%Y-%m-%d"))
    expect(panel).to_contain_text("Karolinska Institutet")
    problems += page_problems(axe, page, "account page with a post seen")

    page.goto(demo.url + renamed.get_absolute_url())
    expect(page.get_by_role("region", name="Sett på plattformen")).to_contain_text("HTTP 404")
    problems += page_problems(axe, page, "account page of a renamed profile")
    assert not problems, "\n".join(problems)

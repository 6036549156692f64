"""Issue 17 in a real browser: the demo's KI X account, read through the X API played by a local
fixture server with a token configured, says in its panel "Seen on the platform" that it is
watched through the X API and shows the latest post found; KI's Facebook Page, without a Meta
token, says it needs an access token. Both pages are checked with axe-core."""

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import SocialAccount
from tests.e2e.a11y import page_problems
from watching.collect import collect_profiles
from watching.demo_fixtures import DEMO_TOKEN, demo_routes
from watching.fixture_servers import FixtureServer

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e


def test_the_account_page_says_which_api_watches_it(as_user, demo):
    from axe_playwright_python.sync_playwright import Axe

    x_account = SocialAccount.objects.get(url__endswith="x.com/karolinskainst")
    facebook = SocialAccount.objects.filter(platform__slug="facebook", name="Karolinska Institutet").first()
    server = FixtureServer(demo_routes(timezone.localdate())).start()
    try:
        with override_settings(
            WATCHING_TRUSTED_ADDRESSES=[server.netloc],
            WATCHING_X_API=server.base,
            WATCHING_TOKEN_X=DEMO_TOKEN,
            WATCHING_TOKEN_META="",
        ):
            collect_profiles(account_ids=[x_account.pk, facebook.pk])
            axe, problems = Axe(), []
            page = as_user("comms")
            page.goto(demo.url + x_account.get_absolute_url())
            panel = page.get_by_role("region", name="Sett på plattformen")
            expect(panel).to_contain_text("Bevakas via X:s API.")
            expect(panel).to_contain_text(x_account.observation.latest_post_on.strftime("%Y-%m-%d"))
            problems += page_problems(axe, page, "account page watched through the X API")

            page.goto(demo.url + facebook.get_absolute_url())
            expect(page.get_by_role("region", name="Sett på plattformen")).to_contain_text("kräver en åtkomsttoken")
            problems += page_problems(axe, page, "account page of a platform without its token")
    finally:
        server.stop()
    assert not problems, "\n".join(problems)
